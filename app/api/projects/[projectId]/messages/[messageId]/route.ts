import { orm } from "@/lib/db/client";
import { removeMessage } from "@/lib/db/queries";
import { json, route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { messageParams } from "./schema";

/** Remove a message (a failed answer that is being retried). */
export const DELETE = route({
  params: messageParams,
  rateLimit: () => rateRule("projects"),
  handler: async ({ params, principal }) => {
    await removeMessage(await orm(), principal.userId, params.projectId, params.messageId);
    return json({ deleted: true });
  },
});
