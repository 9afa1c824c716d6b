import { z } from "zod";
import type { Fragment, ModelFragment } from "./schema";

/**
 * What travels between the browser and the builder's streaming endpoints. Both `POST /api/chat`
 * and `POST /api/sandbox` answer with NDJSON (one JSON event per line) so progress reaches the
 * page as it happens and a reader needs no SSE framing. Errors that happen after the stream has
 * started arrive as an `error` event with the same `{ code, message, requestId }` as an HTTP error.
 */

type DeepPartial<T> = T extends (infer U)[] ? DeepPartial<U>[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
export type PartialFragment = DeepPartial<ModelFragment>;

/** How the structured output was obtained: the provider's JSON-schema mode, or tolerant JSON in text. */
export type OutputMode = "native" | "json";

export interface StreamError {
  code: string;
  message: string;
  requestId: string;
  /** Whether trying the same request again can help (rate limits, timeouts, cut streams). */
  retryable: boolean;
}

export type ChatEvent =
  | { type: "start"; model: { id: string; label: string }; mode: OutputMode }
  | { type: "partial"; fragment: PartialFragment }
  | { type: "fragment"; fragment: Fragment; mode: OutputMode }
  | { type: "error"; error: StreamError };

export type RunStep = "creating" | "writing" | "installing" | "building" | "starting" | "running" | "publishing";

export type RichResult =
  | { type: "text"; text: string }
  | { type: "png"; base64: string }
  | { type: "html"; html: string }
  | { type: "table"; columns: string[]; rows: unknown[][]; html?: string }
  | { type: "json"; json: unknown };

export interface ExecutionError {
  name: string;
  value: string;
  traceback: string;
}

export type RunResult =
  | { kind: "preview"; url: string; sandboxId: string; durationMs: number }
  | {
      kind: "execution";
      sandboxId: string;
      stdout: string;
      stderr: string;
      results: RichResult[];
      error?: ExecutionError;
      durationMs: number;
    };

export type RunEvent =
  | { type: "progress"; step: RunStep; message: string }
  | { type: "output"; stream: "stdout" | "stderr"; text: string }
  | { type: "result"; result: RunResult }
  /** `step` says where it failed; `output` carries the failing step's own messages (build errors). */
  | { type: "error"; error: StreamError; step?: RunStep; output?: string };

/**
 * A runtime error reported by a preview (a small script the static templates add to every page).
 * The app accepts it only from its own preview iframe's window and only in this shape.
 */
export const PREVIEW_MESSAGE_SOURCE = "tessera-preview";
export const previewErrorMessageSchema = z.object({
  source: z.literal(PREVIEW_MESSAGE_SOURCE),
  type: z.literal("error"),
  message: z.string().max(2000),
  stack: z.string().max(8000).optional(),
  filename: z.string().max(500).optional(),
  line: z.number().int().nonnegative().optional(),
  column: z.number().int().nonnegative().optional(),
});
export type PreviewErrorMessage = z.infer<typeof previewErrorMessageSchema>;

/** Split an NDJSON byte stream into parsed events; a torn last line is reported, not swallowed. */
export async function* readNdjson<T>(body: ReadableStream<Uint8Array>): AsyncGenerator<T> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (value) buffer += decoder.decode(value, { stream: !done });
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line) yield JSON.parse(line) as T;
    }
    if (done) break;
  }
  if (buffer.trim()) throw new Error("The stream ended in the middle of a message.");
}

export type { Fragment };
