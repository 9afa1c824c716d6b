import { orm } from "@/lib/db/client";
import { revokeShare } from "@/lib/db/queries";
import { json, route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { shareParams } from "./schema";

/** Revoke a link: from now on its token opens nothing. */
export const DELETE = route({
  params: shareParams,
  rateLimit: () => rateRule("shares"),
  handler: async ({ params, principal }) => {
    await revokeShare(await orm(), principal.userId, params.projectId, params.shareId);
    return json({ revoked: true });
  },
});
