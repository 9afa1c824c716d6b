import { orm } from "@/lib/db/client";
import { markSandboxEnded, requireProject } from "@/lib/db/queries";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { log } from "@/lib/log";
import { keepRunResult, recordRunSandbox } from "@/lib/projects/server";
import { sandboxPool, sandboxProvider, SANDBOX_TTL_MS, streamRun } from "@/lib/sandbox";
import { runBody } from "./schema";

const KEEP_RESULT_AFTER_MS = 1_000;

/** Run a state of one of the caller's projects in that project's sandbox, streaming progress. */
export const POST = route({
  body: runBody,
  maxBodyBytes: 4 * 1024 * 1024,
  maxBodyHint: "A project's files may add up to 2 MiB.",
  rateLimit: () => rateRule("run"),
  handler: async ({ body, request, requestId, principal }) => {
    await requireProject(await orm(), principal.userId, body.projectId);
    const provider = sandboxProvider();
    if (!provider.templates().includes(body.state.template)) {
      throw new AppError("bad_request:validation", `Unknown template "${body.state.template}". This server runs: ${provider.templates().join(", ")}.`);
    }
    const run = {
      provider,
      pool: sandboxPool(),
      ownerId: principal.userId,
      projectId: body.projectId,
      state: body.state,
      makeRoom: { onStopped: (id: string) => void orm().then((db) => markSandboxEnded(db, principal.userId, id)) },
    };
    return streamRun(request, requestId, run, async (result) => {
      const template = body.state.template;
      await recordRunSandbox(principal.userId, body.projectId, { result, provider, template, expiresAt: new Date(Date.now() + SANDBOX_TTL_MS) }).catch((err) =>
        log().warn({ err }, "could not record the run's sandbox"),
      );
      // Keeping the result (the preview's files are zipped and written) waits a moment: the browser
      // is loading the preview from this same process right now, and that comes first.
      setTimeout(() => {
        keepRunResult(principal.userId, body.projectId, { ...(body.version ? { version: body.version } : {}), result }).catch((err) =>
          log().warn({ err }, "could not keep the run's result"),
        );
      }, KEEP_RESULT_AFTER_MS);
    });
  },
});
