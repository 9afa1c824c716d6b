import { parsePartialJson } from "ai";

/**
 * Reading a JSON object out of a model's free text (JSON mode). Models asked for "only JSON" still
 * wrap it in ```json fences or add a sentence before or after, so the object is taken from the
 * first `{` to the last `}`. If that slice does not parse (prose after the object holds a `}`, or
 * prose before it a `{`), a few nearby cut points are tried before giving up: bounded, because each
 * try parses up to the whole answer.
 */

const MAX_CUTS = 6;

function positions(text: string, char: "{" | "}", fromEnd: boolean): number[] {
  const found: number[] = [];
  let i = fromEnd ? text.lastIndexOf(char) : text.indexOf(char);
  while (i >= 0 && found.length < MAX_CUTS) {
    found.push(i);
    i = fromEnd ? text.lastIndexOf(char, i - 1) : text.indexOf(char, i + 1);
  }
  return found;
}

export type ExtractResult = { ok: true; value: Record<string, unknown> } | { ok: false; incomplete: boolean };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The JSON object in a complete answer. When none parses, `incomplete` says whether the answer
 * looks like an object that was cut off (its text is a valid JSON prefix) rather than not JSON.
 */
export async function extractJsonObject(text: string): Promise<ExtractResult> {
  const starts = positions(text, "{", false);
  const ends = positions(text, "}", true);
  for (const start of starts) {
    for (const end of ends) {
      if (end <= start) continue;
      try {
        const value: unknown = JSON.parse(text.slice(start, end + 1));
        if (isObject(value)) return { ok: true, value };
      } catch {
        // try the next cut
      }
    }
  }
  const first = starts[0];
  if (first === undefined) return { ok: false, incomplete: false };
  const partial = await parsePartialJson(text.slice(first));
  return { ok: false, incomplete: partial.state === "repaired-parse" };
}

/** The object so far in a streaming answer, for live display; undefined until there is one. */
export async function parsePartialObject(text: string): Promise<Record<string, unknown> | undefined> {
  const start = text.indexOf("{");
  if (start < 0) return undefined;
  let body = text.slice(start);
  // A closing fence after the object would make the partial parser fail on the fence.
  const fence = body.lastIndexOf("\n```");
  if (fence > 0 && body.slice(0, fence).trimEnd().endsWith("}")) body = body.slice(0, fence);
  const first = await parsePartialJson(body);
  let value = first.value;
  if (first.state === "failed-parse") {
    // Prose after a finished object ("…} Let me know if…"): read up to the last brace.
    const end = body.lastIndexOf("}");
    if (end > 0) ({ value } = await parsePartialJson(body.slice(0, end + 1)));
  }
  return isObject(value) ? value : undefined;
}
