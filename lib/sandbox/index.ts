import "server-only";
import os from "node:os";
import path from "node:path";
import { env } from "../env";
import { log } from "../log";
import { previewStore } from "../preview";
import { E2BProvider } from "./providers/e2b";
import { SandboxPool } from "./pool";
import { LocalSandboxProvider } from "./providers/local/provider";
import { runTemplates } from "./run-templates";
import type { Sandbox, SandboxProvider } from "./types";

export type { Sandbox, SandboxProvider } from "./types";
export { runProject, RunError, SANDBOX_TTL_MS, type RunOptions } from "./run";
export { streamRun } from "./run-stream";

// On globalThis, not in module variables: Next loads this module once per server bundle (route
// handlers and pages), and a second local provider would be a second set of sandboxes, pool and
// cgroups in the same process.
const KEY = Symbol.for("tessera.sandbox");
const slot = globalThis as unknown as Record<typeof KEY, { provider?: SandboxProvider; pool?: SandboxPool } | undefined>;
const held = (slot[KEY] ??= {});

/**
 * Where the local provider keeps its host state. Sandboxes see this path in their mount table,
 * so it is a neutral one (not the checkout, not DATA_DIR): the system temp dir, per server user.
 */
export function localSandboxRoot(): string {
  return path.join(os.tmpdir(), `tessera-${process.getuid?.() ?? "user"}`);
}

/** The configured provider: E2B when E2B_API_KEY is set, the local bubblewrap sandbox otherwise. */
export function sandboxProvider(): SandboxProvider {
  if (held.provider) return held.provider;
  const config = env();
  held.provider = config.E2B_API_KEY
    ? new E2BProvider({ apiKey: config.E2B_API_KEY, ...(config.E2B_DOMAIN ? { domain: config.E2B_DOMAIN } : {}) })
    : new LocalSandboxProvider({
        rootDir: localSandboxRoot(),
        templatesDir: path.join(process.cwd(), "templates"),
        previewUrl: async (info, _port, socketPath) => `${config.PREVIEW_ORIGIN ?? ""}/preview/${previewStore().publishServer(info, socketPath).token}/`,
      });
  return held.provider;
}

const TEMPLATES_DIR = path.join(process.cwd(), "templates");

/** What the model is told about each template this server runs (ids are checked against it). */
export function templateInfos(): { id: string; title: string; entry: string; description: string }[] {
  return runTemplates(sandboxProvider(), TEMPLATES_DIR).map(({ id, title, entry, description }) => ({ id, title, entry, description }));
}

/**
 * Warm sandboxes for the templates people start with, so a first run skips creation and Python's
 * start-up. Small on purpose. Measured in each sandbox's cgroup: an idle Python sandbox with numpy,
 * pandas and matplotlib imported holds ~61 MiB (numpy alone ~18 MiB) and saves a first run ~0.5 s
 * of imports; a React one ~1 MiB (its holder process started).
 */
export function sandboxPool(): SandboxPool {
  held.pool ??= new SandboxPool(sandboxProvider(), {
    size: { python: 1, react: 1 },
    warm: warmUp,
    onError: (err) => log().warn({ err, event: "sandbox.pool_failed" }, "could not warm a pooled sandbox"),
  });
  return held.pool;
}

async function warmUp(sandbox: Sandbox): Promise<void> {
  // Starts Python and imports numpy, pandas and matplotlib; the local kernel then keeps them in
  // the interpreter every run starts from. The second call returns once it has (it waits its turn).
  if (sandbox.info.template === "python") {
    await sandbox.runCode("import numpy as np, pandas as pd, matplotlib.pyplot as plt");
    await sandbox.runCode("pass");
  } else {
    // Starts the sandbox's holder process, which otherwise happens on the first real command.
    await sandbox.commands.run(["/bin/true"]);
  }
}
