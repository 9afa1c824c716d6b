import { orm } from "@/lib/db/client";
import { findSandbox, markSandboxEnded } from "@/lib/db/queries";
import { AppError } from "@/lib/errors";
import { json, route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { previewStore } from "@/lib/preview";
import { sandboxProvider } from "@/lib/sandbox";
import { sandboxParams } from "./schema";

/** Stop one of the caller's sandboxes now (its previews stop with it). */
export const DELETE = route({
  params: sandboxParams,
  rateLimit: () => rateRule("sandboxes"),
  handler: async ({ params, principal }) => {
    const db = await orm();
    const record = await findSandbox(db, principal.userId, params.sandboxId);
    if (!record) throw new AppError("not_found", "No sandbox with this id.");
    previewStore().revokeSandbox(record.id);
    // The provider checks the owner again; a sandbox that already ended is simply gone.
    await sandboxProvider()
      .kill(record.id, principal.userId)
      .catch(() => {});
    await markSandboxEnded(db, principal.userId, record.id);
    return json({ stopped: true });
  },
});
