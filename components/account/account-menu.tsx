"use client";

import * as React from "react";
import { useRouter } from "next/navigation";
import { KeyRound, LogOut, MonitorOff, UserRound } from "lucide-react";
import { failureMessage, signOut as endSession } from "@/components/auth/api";
import { Button } from "@/components/ui/button";
import { KeysDialog, type KeyedProvider } from "./keys-dialog";

export interface AccountInfo {
  kind: "local" | "supabase";
  email?: string;
  /** Providers a user may keep a key for. */
  keyedProviders: KeyedProvider[];
}

/** Who is signed in, their kept API keys, and signing out (of this browser, or everywhere). */
export function AccountMenu({ account }: { account: AccountInfo }) {
  const router = useRouter();
  const [keysOpen, setKeysOpen] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);

  const signOut = async (scope: "local" | "global") => {
    setError(null);
    try {
      await endSession(scope);
    } catch (err) {
      // Not signed out (the server could not record it): say so, and stay.
      setError(failureMessage(err));
      return;
    }
    router.replace("/sign-in");
    router.refresh();
  };

  return (
    <div className="flex items-center gap-1" data-testid="account-menu">
      <span className="hidden items-center gap-1.5 text-xs text-muted-foreground lg:flex" data-testid="account-name">
        <UserRound aria-hidden className="size-3.5" />
        {account.kind === "local" ? "Local user" : (account.email ?? "Signed in")}
      </span>
      <Button variant="ghost" size="icon-sm" aria-label="API keys" title="Your API keys" data-testid="keys-open" onClick={() => setKeysOpen(true)}>
        <KeyRound aria-hidden />
      </Button>
      {account.kind === "supabase" ? (
        <>
          <Button variant="ghost" size="icon-sm" aria-label="Sign out" title="Sign out of this browser" data-testid="sign-out" onClick={() => void signOut("local")}>
            <LogOut aria-hidden />
          </Button>
          <Button
            variant="ghost"
            size="icon-sm"
            aria-label="Sign out everywhere"
            title="Sign out everywhere: every browser and device signed in to this account"
            data-testid="sign-out-everywhere"
            onClick={() => void signOut("global")}
          >
            <MonitorOff aria-hidden />
          </Button>
        </>
      ) : null}
      {error ? (
        <span role="alert" className="text-xs text-destructive">
          {error}
        </span>
      ) : null}
      <KeysDialog open={keysOpen} onClose={() => setKeysOpen(false)} providers={account.keyedProviders} />
    </div>
  );
}
