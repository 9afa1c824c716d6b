"use client";

import * as React from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { cn } from "@/lib/utils";
import { failureMessage, sendPasswordReset, sendSignInLink, signInWithPassword, signUp, startOAuth } from "./api";

export type SignInMode = "sign-in" | "sign-up" | "magic-link" | "reset";

export interface SignInFormProps {
  /** Where to go once signed in (a path on this site). */
  next: string;
  /** OAuth providers the project has switched on. */
  providers: { github: boolean; google: boolean };
  signupDisabled: boolean;
  /** An error carried back from a sign-in link (expired, already used…). */
  error?: string;
  /** The project's settings could not be read. */
  settingsUnavailable?: boolean;
}

const TITLES: Record<SignInMode, string> = {
  "sign-in": "Sign in",
  "sign-up": "Create an account",
  "magic-link": "Email me a sign-in link",
  reset: "Reset your password",
};

/**
 * Every way to sign in; each goes through this server (app/api/auth/*), which sets the HttpOnly
 * session cookie. Supabase's refusals arrive already said plainly (lib/auth/messages.ts).
 */
export function SignInForm({ next, providers, signupDisabled, error: initialError, settingsUnavailable }: SignInFormProps) {
  const [mode, setMode] = React.useState<SignInMode>("sign-in");
  const [email, setEmail] = React.useState("");
  const [password, setPassword] = React.useState("");
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState<string | null>(initialError ?? null);
  const [info, setInfo] = React.useState<string | null>(null);

  const go = (to: string) => window.location.assign(to);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setInfo(null);
    try {
      if (mode === "sign-in") {
        go((await signInWithPassword(email, password, next)).next);
        return;
      }
      if (mode === "sign-up") {
        const result = await signUp(email, password, next);
        if (result.signedIn) {
          go(result.next);
          return;
        }
        setInfo(`Check ${email}: open the link in the message to confirm your account, then you are signed in.`);
      } else if (mode === "magic-link") {
        await sendSignInLink(email, next);
        setInfo(`Check ${email}: the message has a link that signs you in.`);
      } else {
        await sendPasswordReset(email);
        // The same words whether or not the address has an account: nothing to learn here.
        setInfo(`If ${email} has an account, a message with a link to choose a new password is on its way.`);
      }
    } catch (err) {
      setError(failureMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const oauth = async (provider: "github" | "google") => {
    setError(null);
    try {
      go((await startOAuth(provider, next)).url);
    } catch (err) {
      setError(failureMessage(err));
    }
  };

  const needsPassword = mode === "sign-in" || mode === "sign-up";
  const modes: SignInMode[] = ["sign-in", ...(signupDisabled ? [] : (["sign-up"] as const)), "magic-link", "reset"];

  return (
    <div data-testid="sign-in" data-mode={mode} className="flex w-full max-w-sm flex-col gap-5">
      <div role="tablist" aria-label="How to sign in" className="flex flex-wrap gap-1 rounded-lg bg-muted p-1 text-xs">
        {modes.map((m) => (
          <button
            key={m}
            type="button"
            role="tab"
            aria-selected={mode === m}
            data-testid={`mode-${m}`}
            onClick={() => (setMode(m), setError(null), setInfo(null))}
            className={cn("flex-1 rounded-md px-2 py-1.5 font-medium outline-none focus-visible:ring-2 focus-visible:ring-ring", mode === m ? "bg-background shadow-sm" : "text-muted-foreground hover:text-foreground")}
          >
            {m === "sign-in" ? "Password" : m === "sign-up" ? "Sign up" : m === "magic-link" ? "Email link" : "Forgot?"}
          </button>
        ))}
      </div>
      <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-3" aria-label={TITLES[mode]}>
        <h1 className="text-lg font-semibold">{TITLES[mode]}</h1>
        <label className="flex flex-col gap-1 text-sm">
          Email
          <Input type="email" data-testid="email" autoComplete="email" required maxLength={320} value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        {needsPassword ? (
          <label className="flex flex-col gap-1 text-sm">
            Password
            <Input
              type="password"
              data-testid="password"
              autoComplete={mode === "sign-up" ? "new-password" : "current-password"}
              required
              minLength={mode === "sign-up" ? 8 : 1}
              maxLength={200}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
        ) : null}
        <Button type="submit" data-testid="submit" disabled={busy}>
          {busy ? "One moment…" : mode === "sign-in" ? "Sign in" : mode === "sign-up" ? "Create account" : mode === "magic-link" ? "Send the link" : "Send the reset link"}
        </Button>
      </form>
      {error ? (
        <p role="alert" data-testid="auth-error" className="rounded-md border border-destructive/30 bg-destructive/10 p-2 text-sm text-destructive">
          {error}
        </p>
      ) : null}
      {info ? (
        <p role="status" data-testid="auth-info" className="rounded-md border bg-surface p-2 text-sm">
          {info}
        </p>
      ) : null}
      {providers.github || providers.google ? (
        <div className="flex flex-col gap-2">
          <p className="text-center text-xs text-muted-foreground">or continue with</p>
          {providers.github ? (
            <Button variant="outline" data-testid="oauth-github" onClick={() => void oauth("github")}>
              GitHub
            </Button>
          ) : null}
          {providers.google ? (
            <Button variant="outline" data-testid="oauth-google" onClick={() => void oauth("google")}>
              Google
            </Button>
          ) : null}
        </div>
      ) : null}
      {settingsUnavailable ? <p className="text-xs text-muted-foreground">The sign-in service did not say which other ways to sign in it offers; email and password work.</p> : null}
    </div>
  );
}
