import "server-only";
import path from "node:path";
import { env } from "../env";
import { previewStore } from "../preview";
import { E2BProvider } from "./providers/e2b";
import { LocalSandboxProvider } from "./providers/local/provider";
import type { SandboxProvider } from "./types";

export type { Sandbox, SandboxProvider } from "./types";

let current: SandboxProvider | undefined;

/** The configured provider: E2B when E2B_API_KEY is set, the local bubblewrap sandbox otherwise. */
export function sandboxProvider(): SandboxProvider {
  if (current) return current;
  const config = env();
  current = config.E2B_API_KEY
    ? new E2BProvider({ apiKey: config.E2B_API_KEY, ...(config.E2B_DOMAIN ? { domain: config.E2B_DOMAIN } : {}) })
    : new LocalSandboxProvider({
        rootDir: path.resolve(config.DATA_DIR, "sandboxes"),
        templatesDir: path.join(process.cwd(), "templates"),
        previewUrl: async (info, _port, socketPath) => `${config.PREVIEW_ORIGIN ?? ""}/preview/${previewStore().publishServer(info, socketPath).token}/`,
      });
  return current;
}
