import { orm } from "@/lib/db/client";
import { listSandboxes } from "@/lib/db/queries";
import { json, route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";

/** The caller's running sandboxes (what the server is holding for them). */
export const GET = route({
  rateLimit: () => rateRule("sandboxes"),
  handler: async ({ principal }) => json({ sandboxes: await listSandboxes(await orm(), principal.userId, { running: true }) }),
});
