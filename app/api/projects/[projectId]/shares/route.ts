import { orm } from "@/lib/db/client";
import { createShare, listShares, requireProject } from "@/lib/db/queries";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { ownOrigin } from "@/lib/http/origin";
import { json, route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { createShareBody, projectParams } from "./schema";

/** The project's live share links (never their tokens, which are not kept). */
export const GET = route({
  params: projectParams,
  rateLimit: () => rateRule("shares"),
  handler: async ({ params, principal }) => {
    const db = await orm();
    await requireProject(db, principal.userId, params.projectId);
    return json({ shares: await listShares(db, principal.userId, params.projectId) });
  },
});

/** A read-only link to one version; the answer is the only place its URL ever appears. */
export const POST = route({
  params: projectParams,
  body: createShareBody,
  // A link opens the project to anyone holding it, beyond this session: Supabase confirms the session first.
  confirmSession: true,
  rateLimit: () => rateRule("shares"),
  handler: async ({ params, body, principal, request }) => {
    const maxDays = env().SHARE_MAX_DAYS;
    if (body.expiresInDays > maxDays) {
      throw new AppError("bad_request:validation", `Share links on this server last at most ${maxDays} days; choose ${maxDays} or fewer.`);
    }
    const expiresAt = new Date(Date.now() + body.expiresInDays * 24 * 60 * 60_000);
    const { share, token } = await createShare(await orm(), principal.userId, params.projectId, { version: body.version, expiresAt });
    const origin = env().APP_URL ?? ownOrigin(request);
    return json({ share: { ...share, url: `${origin}/s/${token}` } }, { status: 201 });
  },
});
