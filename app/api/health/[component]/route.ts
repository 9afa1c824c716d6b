import { checkComponent } from "@/lib/health";
import { json, route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { componentParams, healthQuery } from "../schema";

/** Readiness of one component, for probes that watch a single dependency. */
export const GET = route({
  auth: "none",
  params: componentParams,
  query: healthQuery,
  rateLimit: () => rateRule("health"),
  handler: async ({ params, query }) => {
    const health = await checkComponent(params.component, query.timeoutMs);
    return json({ component: params.component, ...health }, { status: health.status === "ok" ? 200 : 503 });
  },
});
