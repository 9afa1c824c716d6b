import { checkAll } from "@/lib/health";
import { json, route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { healthQuery } from "./schema";

/** Liveness (it answered) and readiness of each component. Open to load balancers: no auth. */
export const GET = route({
  auth: "none",
  query: healthQuery,
  rateLimit: () => rateRule("health"),
  handler: async ({ query }) => {
    const report = await checkAll(query.timeoutMs);
    return json({ live: true, ready: report.status === "ok", ...report }, { status: report.status === "ok" ? 200 : 503 });
  },
});
