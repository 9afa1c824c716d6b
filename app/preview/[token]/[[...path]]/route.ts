import { env } from "@/lib/env";
import { route } from "@/lib/http/route";
import { ownOrigin } from "@/lib/http/origin";
import { rateRule } from "@/lib/limits";
import { previewHeaders, previewStore, respondPreview } from "@/lib/preview";
import { findPreview } from "@/lib/projects/server";
import { previewParams } from "./schema";

/**
 * Generated apps at their capability URL. The token is the credential, so no session is involved;
 * the response carries the preview's own sandboxing CSP (DESIGN 4.3) instead of the app's.
 */
export const GET = route({
  auth: "none",
  params: previewParams,
  rateLimit: () => rateRule("preview"),
  securityHeaders: "own",
  handler: async ({ params, request }) => {
    const appOrigin = env().APP_URL ?? ownOrigin(request);
    // The preview's pages use relative asset URLs, which resolve only under the trailing slash.
    if (!params.path && !new URL(request.url).pathname.endsWith("/")) {
      return new Response(null, { status: 308, headers: { location: `/preview/${params.token}/`, ...previewHeaders(appOrigin) } });
    }
    // A kept preview (its project's last run, from before a restart) is brought back first.
    await findPreview(params.token);
    return respondPreview(previewStore(), params.token, (params.path ?? []).join("/"), request, appOrigin);
  },
});
