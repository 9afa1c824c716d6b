/**
 * Typed error codes. The code is what clients branch on; the status follows from the code so a
 * handler cannot pair them inconsistently. Messages are written for the person reading them and
 * never carry a stack, a path, SQL text or a secret: unknown failures become `internal`.
 */

export const ERROR_STATUS = {
  "bad_request:validation": 400,
  "bad_request:json": 400,
  "bad_request:content_type": 415,
  unauthorized: 401,
  "forbidden:csrf": 403,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  method_not_allowed: 405,
  "timeout:body": 408,
  payload_too_large: 413,
  "misdirected:host": 421,
  "rate_limit:exceeded": 429,
  "rate_limit:quota": 429,
  "unavailable:keys": 503,
  "unavailable:database": 503,
  "unavailable:sandbox": 503,
  "unavailable:rate_limit": 503,
  "unavailable:provider": 503,
  /** A streamed response's client read too slowly to keep up with its run. */
  "unavailable:slow_client": 503,
  /** Sign-in could not be checked (Supabase or the session list unreachable): fail closed. */
  "unavailable:auth": 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldIssue {
  /** Where the problem is: `body.messages.3.content`, `query.limit`, `params.id`. */
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { fields?: FieldIssue[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "AppError";
    this.status = ERROR_STATUS[code];
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string; fields?: FieldIssue[] };
}

const GENERIC_INTERNAL = "Something went wrong on our side. Quote the request id if you report it.";

/** The body a client sees. Anything that is not an AppError is reduced to a generic 500. */
export function errorBody(err: unknown, requestId: string): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (err instanceof AppError) {
    return {
      status: err.status,
      headers: err.extra.headers ?? {},
      body: {
        error: {
          code: err.code,
          message: err.message,
          requestId,
          ...(err.extra.fields ? { fields: err.extra.fields } : {}),
        },
      },
    };
  }
  return { status: 500, headers: {}, body: { error: { code: "internal", message: GENERIC_INTERNAL, requestId } } };
}
