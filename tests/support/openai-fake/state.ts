import type { IncomingHttpHeaders } from "node:http";

/**
 * What the fake answers to one chat completion. Scripts are consumed first-in first-out, except
 * `match` entries, which answer every request whose last user message contains their text (so an
 * end-to-end run can script by prompt) until a reset, or once with `once: true`.
 */
export type Script =
  /** The JSON text of `fragment`, streamed in `chunkChars`-sized deltas `delayMs` apart. */
  | { kind: "fragment"; fragment: unknown; chunkChars?: number; delayMs?: number; wrap?: "fence" | "prose" }
  /** Raw content, e.g. malformed output. */
  | { kind: "text"; text: string; chunkChars?: number; delayMs?: number }
  /** An OpenAI-shaped error body with this status (and a Retry-After header when given). */
  | { kind: "error"; status: 401 | 403 | 429 | 500 | 503; message?: string; retryAfter?: number }
  /** Accept the request and never answer (until the client goes away or the fake closes). */
  | { kind: "hang" }
  /** Stream the first `afterChars` characters of the fragment's JSON, then destroy the socket. */
  | { kind: "cut"; fragment: unknown; afterChars: number; chunkChars?: number };

export interface MatchRule {
  match: string;
  script: Script;
  once?: boolean;
}

export type ScriptEntry = Script | MatchRule;

/** How a chat request ended, from the fake's side of the socket. */
export type Outcome = "pending" | "finished" | "cut" | "closed-by-client";

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; undefined for GETs or unparseable bodies. */
  body?: unknown;
  /** Which script answered (chat requests only). */
  script?: Script["kind"] | "none";
  outcome: Outcome;
}

export const isMatchRule = (entry: ScriptEntry): entry is MatchRule => "match" in entry;

/** The text of the last user message of a Chat Completions body (string or content parts). */
export function lastUserText(body: unknown): string {
  const messages = (body as { messages?: { role?: string; content?: unknown }[] } | undefined)?.messages ?? [];
  const last = [...messages].reverse().find((m) => m.role === "user");
  if (!last) return "";
  if (typeof last.content === "string") return last.content;
  if (Array.isArray(last.content)) {
    return last.content.map((p: { type?: string; text?: string }) => (p.type === "text" ? (p.text ?? "") : "")).join("");
  }
  return "";
}

export class ScriptQueue {
  private queue: Script[] = [];
  private rules: MatchRule[] = [];

  add(entries: ScriptEntry[]): void {
    for (const entry of entries) {
      if (isMatchRule(entry)) this.rules.push(entry);
      else this.queue.push(entry);
    }
  }

  reset(): void {
    this.queue = [];
    this.rules = [];
  }

  /** The script for a request: a matching rule first, then the queue's head. */
  take(body: unknown): Script | undefined {
    const text = lastUserText(body);
    const ruleIndex = this.rules.findIndex((r) => text.includes(r.match));
    if (ruleIndex >= 0) {
      const rule = this.rules[ruleIndex]!;
      if (rule.once) this.rules.splice(ruleIndex, 1);
      return rule.script;
    }
    return this.queue.shift();
  }

  get pending(): number {
    return this.queue.length;
  }
}
