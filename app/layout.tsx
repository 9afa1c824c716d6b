import type { Metadata, Viewport } from "next";
import { cookies, headers } from "next/headers";
import { decodePreferences, PREFERENCES_COOKIE } from "@/lib/preferences";
import "./globals.css";

export const metadata: Metadata = {
  title: "Tessera",
  description: "Describe an app, watch it get built, run it safely, preview it live.",
  icons: { icon: "/favicon.svg" },
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#0b0d12" },
  ],
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Reading the request makes every page dynamic, which a per-request CSP nonce requires anyway.
  const [cookieStore, requestHeaders] = await Promise.all([cookies(), headers()]);
  const preferences = decodePreferences(cookieStore.get(PREFERENCES_COOKIE)?.value);
  const nonce = requestHeaders.get("x-nonce") ?? undefined;
  return (
    <html lang="en" data-theme={preferences.theme} className={preferences.theme === "dark" ? "dark" : undefined} suppressHydrationWarning>
      <body data-nonce-present={nonce ? "true" : "false"}>{children}</body>
    </html>
  );
}
