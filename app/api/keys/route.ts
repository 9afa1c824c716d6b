import { json, route } from "@/lib/http/route";
import { keysEnabled, listKeys } from "@/lib/keys";
import { rateRule } from "@/lib/limits";

/** The caller's kept keys, each shown only by its provider and last 4 characters. */
export const GET = route({
  rateLimit: () => rateRule("keys"),
  handler: async ({ principal }) => json({ enabled: keysEnabled(), keys: await listKeys(principal.userId) }),
});
