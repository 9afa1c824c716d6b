"use client";

import * as React from "react";
import { useRouter } from "next/navigation";
import { KeyRound, LogOut, UserRound } from "lucide-react";
import { browserSupabase } from "@/components/auth/supabase-browser";
import { Button } from "@/components/ui/button";
import type { AuthClientConfig } from "@/lib/auth/client-config";
import { KeysDialog, type KeyedProvider } from "./keys-dialog";

export interface AccountInfo {
  kind: "local" | "supabase";
  email?: string;
  /** Providers a user may keep a key for. */
  keyedProviders: KeyedProvider[];
}

/** Who is signed in, their kept API keys, and signing out. */
export function AccountMenu({ account, auth }: { account: AccountInfo; auth: AuthClientConfig | null }) {
  const router = useRouter();
  const [keysOpen, setKeysOpen] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);

  const signOut = async () => {
    if (!auth) return;
    setError(null);
    const { error: failure } = await browserSupabase(auth).auth.signOut();
    // Signed out here even if the server could not be told (the local session is cleared either way).
    if (failure && failure.status !== 401 && failure.status !== 403) setError(failure.message);
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
      {auth ? (
        <Button variant="ghost" size="icon-sm" aria-label="Sign out" title="Sign out" data-testid="sign-out" onClick={() => void signOut()}>
          <LogOut aria-hidden />
        </Button>
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
