import { createBrowserClient } from "@supabase/ssr";
import type { SupabaseClient } from "@supabase/supabase-js";
import type { AuthClientConfig } from "@/lib/auth/client-config";

let client: { key: string; value: SupabaseClient } | null = null;

/**
 * The browser's Supabase client: its session lives in cookies (read by the server, refreshed by
 * proxy.ts), under the storage key the server names, so both sides agree on the cookie.
 */
export function browserSupabase(config: AuthClientConfig): SupabaseClient {
  const key = `${config.url}\u0000${config.anonKey}`;
  if (client?.key !== key) {
    const secure = typeof window !== "undefined" && window.location.protocol === "https:";
    client = {
      key,
      value: createBrowserClient(config.url, config.anonKey, {
        cookieOptions: { name: config.storageKey, sameSite: "lax", path: "/", secure },
        auth: { storageKey: config.storageKey, flowType: "pkce" },
      }),
    };
  }
  return client.value;
}
