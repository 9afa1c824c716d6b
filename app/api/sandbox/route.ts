import type { RunEvent } from "@/lib/fragment/protocol";
import { AppError } from "@/lib/errors";
import { ndjsonResponse } from "@/lib/http/ndjson";
import { route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { runProject, sandboxPool, sandboxProvider } from "@/lib/sandbox";
import { runBody } from "./schema";

export const POST = route({
  body: runBody,
  maxBodyBytes: 4 * 1024 * 1024,
  maxBodyHint: "A project's files may add up to 2 MiB.",
  rateLimit: () => rateRule("run"),
  handler: ({ body, request, requestId, principal }) => {
    const provider = sandboxProvider();
    if (!provider.templates().includes(body.state.template)) {
      throw new AppError("bad_request:validation", `Unknown template "${body.state.template}". This server runs: ${provider.templates().join(", ")}.`);
    }
    return ndjsonResponse(request, requestId, async (send, signal) => {
      // The runner reports a failing step itself (with the step's output) and then rejects; that
      // report is the answer, so the rejection must not add a second, vaguer error line.
      let reported = false;
      const onEvent = (event: RunEvent) => {
        if (event.type === "error") reported = true;
        send(event.type === "error" ? { ...event, error: { ...event.error, requestId } } : event);
      };
      try {
        const result = await runProject({ provider, pool: sandboxPool(), ownerId: principal.userId, projectId: body.projectId, state: body.state, signal, onEvent });
        send({ type: "result", result } satisfies RunEvent);
      } catch (err) {
        if (!reported) throw err;
      }
    });
  },
});
