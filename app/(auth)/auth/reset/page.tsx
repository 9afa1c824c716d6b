import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { NewPasswordForm } from "@/components/auth/new-password-form";
import { authenticator } from "@/lib/auth";
import { authConfigured } from "@/lib/env";

export const metadata: Metadata = { title: "New password · Tessera" };

/** Reached from a password-reset link (through /auth/callback, which signed the visitor in). */
export default async function ResetPasswordPage() {
  if (!authConfigured()) redirect("/");
  const { principal } = await authenticator().authenticate(await headers());
  if (!principal) redirect(`/sign-in?error=${encodeURIComponent("The reset link has expired or was already used. Request a new one.")}`);
  return (
    <main className="flex min-h-dvh items-center justify-center p-6">
      <NewPasswordForm />
    </main>
  );
}
