import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { TesseraMark } from "@/components/shell/logo";
import { safeNext } from "@/lib/auth/next-path";
import { authSettings } from "@/lib/auth/settings";
import { authConfigured } from "@/lib/env";

export const metadata: Metadata = { title: "Sign in · Tessera" };

/** Sign-in, sign-up, email link and password reset (Supabase Auth); local mode has no sign-in. */
export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (!authConfigured()) redirect("/");
  const params = await searchParams;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const settings = await authSettings();
  const error = one(params.error)?.slice(0, 500);
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-6 p-6">
      <div className="flex items-center gap-2">
        <TesseraMark />
        <span className="text-base font-semibold tracking-tight">Tessera</span>
      </div>
      <SignInForm
        next={safeNext(one(params.next))}
        providers={{ github: settings.github, google: settings.google }}
        signupDisabled={settings.signupDisabled}
        {...(error ? { error } : {})}
        {...(settings.unavailable ? { settingsUnavailable: true } : {})}
      />
    </main>
  );
}
