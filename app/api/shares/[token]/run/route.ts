import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { chargeShareRun, lookupShare, shareSandboxOwner, shareSandboxProject } from "@/lib/projects/shares";
import { sandboxProvider, streamRun } from "@/lib/sandbox";
import { shareTokenParams } from "./schema";

/**
 * Run a shared version for an anonymous viewer, in a sandbox held for the person who shared it,
 * apart from their own. One sandbox per link, reused by its viewers. Viewers' runs are limited per
 * viewer address (the spine's `shareRun`) and per link (`shareRunLink`), never from the sharer's own
 * `run` budget: a busy link cannot keep its owner from running their projects.
 */
export const POST = route({
  auth: "none",
  params: shareTokenParams,
  rateLimit: () => rateRule("shareRun"),
  handler: async ({ params, request, requestId, clientIp }) => {
    const found = await lookupShare(params.token, clientIp);
    if (found.status === "rate_limited") {
      throw new AppError("rate_limit:exceeded", `Too many wrong share links from this address. Try again in ${found.retryAfterSeconds} s.`, {
        headers: { "Retry-After": String(found.retryAfterSeconds) },
      });
    }
    if (found.status === "not_found") throw new AppError("not_found", "This share link does not exist, has expired or was revoked.");
    const { share } = found;
    await chargeShareRun(share.id, clientIp);
    const { template, files, dependencies, entry, port } = share.version;
    const state = { template, files, dependencies, entry, port };
    // Viewers' sandboxes are held apart from the sharer's own work (their own per-owner cap, under
    // the sharer's name), so a viewer can never stop the sharer's sandboxes nor be blocked by them;
    // at that cap the link run longest ago makes room.
    return streamRun(request, requestId, { provider: sandboxProvider(), ownerId: shareSandboxOwner(share.ownerId), projectId: shareSandboxProject(share.id), state, makeRoom: {} });
  },
});
