"use client";

import * as React from "react";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { failureMessage, setNewPassword } from "./api";

/**
 * The last step of a password reset: the reset link signed the visitor in; now a new password,
 * set by the server (which also ends the account's other sessions).
 */
export function NewPasswordForm() {
  const router = useRouter();
  const [password, setPassword] = React.useState("");
  const [again, setAgain] = React.useState("");
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (password !== again) {
      setError("The two passwords differ.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await setNewPassword(password);
    } catch (err) {
      setBusy(false);
      setError(failureMessage(err));
      return;
    }
    setBusy(false);
    router.replace("/");
    router.refresh();
  };

  return (
    <form data-testid="new-password" onSubmit={(e) => void submit(e)} className="flex w-full max-w-sm flex-col gap-3">
      <h1 className="text-lg font-semibold">Choose a new password</h1>
      <label className="flex flex-col gap-1 text-sm">
        New password
        <Input type="password" data-testid="new-password-input" autoComplete="new-password" required minLength={8} maxLength={200} value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        The same again
        <Input type="password" data-testid="new-password-again" autoComplete="new-password" required minLength={8} maxLength={200} value={again} onChange={(e) => setAgain(e.target.value)} />
      </label>
      <Button type="submit" data-testid="new-password-submit" disabled={busy}>
        {busy ? "Saving…" : "Save and continue"}
      </Button>
      {error ? (
        <p role="alert" data-testid="auth-error" className="rounded-md border border-destructive/30 bg-destructive/10 p-2 text-sm text-destructive">
          {error}
        </p>
      ) : null}
    </form>
  );
}
