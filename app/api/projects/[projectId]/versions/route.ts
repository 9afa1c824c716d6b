import { orm } from "@/lib/db/client";
import { addVersion } from "@/lib/db/queries";
import { json, route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { addVersionBody, projectParams } from "./schema";

/** Save one version with all its files, atomically (a crash leaves the whole version or none). */
export const POST = route({
  params: projectParams,
  body: addVersionBody,
  // 2 MiB of files, plus what JSON escaping adds to them.
  maxBodyBytes: 6 * 1024 * 1024,
  maxBodyHint: "A version's files may add up to 2 MiB.",
  rateLimit: () => rateRule("projects"),
  handler: async ({ params, body, principal }) => {
    const { created } = await addVersion(await orm(), principal.userId, params.projectId, body.version);
    return json({ saved: true, n: body.version.n }, { status: created ? 201 : 200 });
  },
});
