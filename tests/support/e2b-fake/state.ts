import type { IncomingHttpHeaders } from "node:http";

export type Surface = "api" | "envd" | "jupyter";

export interface RecordedRequest {
  surface: Surface;
  method: string;
  /** Path without the query string, e.g. `/v2/sandboxes` or `/process.Process/Start`. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON for JSON and Connect requests; undefined for uploads and GETs. */
  body?: unknown;
}

export interface FakeProcess {
  pid: number;
  cmd: string;
  args: string[];
  envs: Record<string, string>;
  cwd: string;
  stdinChunks: Buffer[];
  stdinClosed: Promise<void>;
  closeStdin: () => void;
  kill: AbortController;
}

export interface FakeSandbox {
  id: string;
  templateID: string;
  metadata: Record<string, string>;
  /** Exactly what the create request carried in `envVars`; tests assert it holds no secret. */
  envVars: unknown;
  network: unknown;
  allowInternetAccess: unknown;
  startedAt: Date;
  endAt: Date;
  envdAccessToken: string;
  killed: boolean;
  /** Absolute path → content. Directories are implied by file paths, plus any made explicitly. */
  files: Map<string, Buffer>;
  dirs: Set<string>;
  processes: Map<number, FakeProcess>;
}

/** One line of the code interpreter's NDJSON stream, in the shapes the SDK parses. */
export type ExecuteLine =
  | { type: "stdout" | "stderr"; text: string }
  | { type: "result"; is_main_result?: boolean; text?: string; png?: string; html?: string; json?: unknown; [k: string]: unknown }
  | { type: "error"; name: string; value: string; traceback: string }
  | { type: "number_of_executions"; execution_count: number }
  | { type: "end_of_execution" }
  /** Not sent: makes the fake wait this long before the next line (to exercise timeouts). */
  | { type: "pause"; ms: number };

export const ENVD_VERSION = "0.5.7";
export const HOME = "/home/user";
