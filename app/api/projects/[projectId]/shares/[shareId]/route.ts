import { orm } from "@/lib/db/client";
import { revokeShare } from "@/lib/db/queries";
import { json, route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { stopShareSandboxes } from "@/lib/projects/server";
import { sandboxProvider } from "@/lib/sandbox";
import { shareParams } from "./schema";

/** Revoke a link: from now on its token opens nothing, and what it ran stops. */
export const DELETE = route({
  params: shareParams,
  rateLimit: () => rateRule("shares"),
  handler: async ({ params, principal }) => {
    await revokeShare(await orm(), principal.userId, params.projectId, params.shareId);
    // What viewers are running from it stops too: a revoked link leaves nothing reachable.
    await stopShareSandboxes(sandboxProvider(), principal.userId, [params.shareId]);
    return json({ revoked: true });
  },
});
