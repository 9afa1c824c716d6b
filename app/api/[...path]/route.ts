import { AppError } from "@/lib/errors";
import { route, type SpineHandler } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { securityEvent } from "@/lib/log";

/** Unknown API paths answer JSON 404 through the spine (headers, request id, limits), any method. */
const notFound: SpineHandler = route({
  auth: "none",
  rateLimit: () => rateRule("notFound"),
  handler: ({ request }) => {
    securityEvent("route.not_found", { method: request.method, path: new URL(request.url).pathname });
    throw new AppError("not_found", "No API endpoint at this path.");
  },
});

export const GET = notFound;
export const HEAD = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
