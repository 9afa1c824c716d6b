import {
  AuthenticationError,
  FileNotFoundError,
  InvalidArgumentError,
  NotEnoughSpaceError,
  NotFoundError,
  RateLimitError,
  ServiceBusyError,
  TemplateError,
  TimeoutError,
} from "@e2b/code-interpreter";
import { AppError } from "../../../errors";
import { REDACTED, scrubText } from "../../../redact";

/**
 * SDK errors become AppErrors with messages written here, never the SDK's: its messages carry
 * sandbox hosts, trace ids and whatever the upstream put in a response body (a 401 body may echo
 * the key). The SDK's text survives, scrubbed, only as `cause`, for the server log.
 */

const E2B_KEY = /\be2b_[A-Za-z0-9]{16,}/g;

export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join(REDACTED);
  return scrubText(out.replace(E2B_KEY, REDACTED)).slice(0, 500);
}

function withCause(error: AppError, original: unknown, secrets: readonly string[]): AppError {
  const text = original instanceof Error ? `${original.name}: ${original.message}` : String(original);
  error.cause = new Error(scrub(text, secrets));
  return error;
}

export interface ErrorContext {
  /** Values that must never appear in the result: the API key, envd tokens. */
  secrets: readonly string[];
  /** "create a sandbox", "read src/a.ts": completes "E2B could not …". */
  action: string;
  /** Message for a missing file or sandbox, when the caller knows which it was. */
  notFound?: string;
}

export function toAppError(err: unknown, ctx: ErrorContext): AppError {
  if (err instanceof AppError) return err;
  const make = (code: ConstructorParameters<typeof AppError>[0], message: string) => withCause(new AppError(code, message), err, ctx.secrets);

  if (err instanceof AuthenticationError) {
    return make("unavailable:sandbox", "E2B refused the configured API key (E2B_API_KEY): check that it is current and belongs to the right team.");
  }
  if (err instanceof FileNotFoundError) return make("not_found", ctx.notFound ?? "No such file in the sandbox.");
  if (err instanceof NotFoundError) return make("not_found", ctx.notFound ?? "No such sandbox.");
  if (err instanceof RateLimitError) return make("unavailable:sandbox", "E2B is refusing more requests for now (rate limit or sandbox quota); try again shortly.");
  if (err instanceof ServiceBusyError) return make("unavailable:sandbox", "E2B is temporarily unavailable; try again shortly.");
  if (err instanceof TemplateError) return make("unavailable:sandbox", "The E2B template is too old for this SDK; rebuild it.");
  if (err instanceof NotEnoughSpaceError) return make("payload_too_large", "The sandbox is out of disk space.");
  if (err instanceof InvalidArgumentError) return make("bad_request:validation", `E2B refused the request to ${ctx.action}.`);
  if (err instanceof TimeoutError) return make("unavailable:sandbox", `The sandbox did not answer in time, or has ended, while trying to ${ctx.action}.`);
  const status = (err as { statusCode?: unknown }).statusCode;
  if (status === 400 || status === 404) return make("bad_request:validation", `E2B refused the request to ${ctx.action}.`);
  return make("unavailable:sandbox", `E2B could not ${ctx.action}; try again shortly.`);
}
