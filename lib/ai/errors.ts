import { APICallError } from "ai";
import { AppError } from "../errors";
import { scrubText } from "../redact";
import type { GenerationError } from "./types";

/**
 * Provider failures as the person sees them. Messages may quote the provider's own short error
 * text, because it often says exactly what is wrong ("model not found"), but only after the keys in
 * play and anything secret-shaped are scrubbed out, cut short, and never with a URL or raw body.
 */

const QUOTE_CHARS = 200;

function quote(text: string | undefined, secrets: readonly string[]): string {
  if (!text) return "";
  let clean = text;
  for (const secret of secrets) if (secret.length >= 4) clean = clean.split(secret).join("[redacted]");
  // URLs can carry credentials or internal host names; the person knows which provider they chose.
  clean = scrubText(clean).replace(/\bhttps?:\/\/\S+/gi, "[url]").replace(/\s+/g, " ").trim();
  if (!clean) return "";
  return ` The provider said: "${clean.length > QUOTE_CHARS ? `${clean.slice(0, QUOTE_CHARS)}…` : clean}"`;
}

/** Seconds from a Retry-After header (seconds or an HTTP date), if it holds a sensible value. */
export function retryAfterSeconds(headers: Record<string, string> | undefined): number | undefined {
  const value = headers?.["retry-after"] ?? headers?.["Retry-After"];
  if (!value) return undefined;
  const seconds = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : (Date.parse(value) - Date.now()) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 && seconds < 86_400 ? Math.ceil(seconds) : undefined;
}

/** An SSRF refusal raised inside the guarded fetch, wrapped by the SDK in its own errors. */
function refusalIn(error: unknown): AppError | undefined {
  for (let e = error, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof AppError) return e;
  }
  return undefined;
}

export interface ErrorContext {
  /** Whether any model output had arrived before the failure. */
  receivedOutput: boolean;
  /** Keys this request may have sent, scrubbed from quoted provider text. */
  secrets: readonly string[];
}

export function toGenerationError(error: unknown, ctx: ErrorContext): GenerationError {
  const refusal = refusalIn(error);
  if (refusal) return { code: "base_url_refused", message: refusal.message, retryable: false };

  if (APICallError.isInstance(error) && error.statusCode !== undefined && error.statusCode !== 200) {
    const status = error.statusCode;
    const said = quote(error.message, ctx.secrets);
    if (status === 401 || status === 403) {
      return { code: "provider_auth", message: `The provider refused the API key (HTTP ${status}); check that it is valid and allowed to use this model.${said}`, retryable: false };
    }
    if (status === 429) {
      const wait = retryAfterSeconds(error.responseHeaders);
      const when = wait !== undefined ? `try again in ${wait} s` : "try again in a moment";
      return { code: "provider_rate_limited", message: `The provider is rate-limiting requests (HTTP 429); ${when}.${said}`, retryable: true };
    }
    if (status >= 500) {
      return { code: "provider_unavailable", message: `The provider had a problem answering (HTTP ${status}); try again shortly.${said}`, retryable: true };
    }
    return { code: "provider_rejected", message: `The provider rejected the request (HTTP ${status}).${said}`, retryable: false };
  }

  // No HTTP status: the connection failed, or the response stream broke while it was being read.
  if (ctx.receivedOutput) {
    return { code: "provider_interrupted", message: "The model's answer was cut off: the connection to the provider broke mid-answer. Try again.", retryable: true };
  }
  return { code: "provider_unavailable", message: "Could not reach the provider; check that it is running and reachable, then try again.", retryable: true };
}

export function timeoutError(timeoutMs: number, stalled: boolean): GenerationError {
  const seconds = timeoutMs >= 10_000 ? Math.round(timeoutMs / 1000) : Math.round(timeoutMs / 100) / 10;
  return {
    code: "provider_timeout",
    message: stalled
      ? `The model stopped sending output for ${seconds} s, so the request was stopped. Try again.`
      : `The model did not start answering within ${seconds} s. Try again, or pick a faster model.`,
    retryable: true,
  };
}

export function truncatedError(reason: "length" | "incomplete"): GenerationError {
  return {
    code: "provider_interrupted",
    message:
      reason === "length"
        ? "The model's answer was cut off: it reached the model's output limit. Ask for a smaller app or fewer changes at once."
        : "The model's answer was cut off before the project was complete. Try again.",
    retryable: true,
  };
}

export function malformedError(empty: boolean): GenerationError {
  return {
    code: "provider_malformed",
    message: empty ? "The model returned an empty answer. Try again, or pick another model." : "The model's answer was not the JSON project it was asked for. Try again, or pick another model.",
    retryable: true,
  };
}
