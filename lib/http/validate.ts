import type { z } from "zod";
import type { FieldIssue } from "../errors";

/** Validate one part of a request; problems are returned with paths prefixed by the part's name. */
export function validatePart<S extends z.ZodType>(
  schema: S | undefined,
  value: unknown,
  part: "params" | "query" | "body",
): { ok: true; data: z.output<S> } | { ok: false; issues: FieldIssue[] } {
  if (!schema) return { ok: true, data: undefined as z.output<S> };
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({
      path: [part, ...issue.path.map(String)].join("."),
      message: issue.message,
    })),
  };
}

/** URLSearchParams to an object; a key given twice becomes an array so schemas can accept or refuse it. */
export function searchParamsToObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length === 1 ? all[0]! : all;
  }
  return out;
}
