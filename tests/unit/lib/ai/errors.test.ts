import { APICallError } from "ai";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { retryAfterSeconds, toGenerationError } from "@/lib/ai/errors";

const apiError = (statusCode: number, message: string, responseHeaders: Record<string, string> = {}) =>
  new APICallError({ message, url: "https://user:pw@api.example.com/v1/chat/completions", requestBodyValues: { prompt: "secret prompt" }, statusCode, responseHeaders, responseBody: '{"error":{"message":"raw body"}}' });

const ctx = { receivedOutput: false, secrets: ["my-own-key-1234"] };

describe("toGenerationError", () => {
  it("maps 401 and 403 to provider_auth, not retryable, with the key scrubbed from the quote", () => {
    const e = toGenerationError(apiError(401, "Incorrect API key provided: my-own-key-1234 (sk-live-abcdefghijklmnopqrstu)"), ctx);
    expect(e).toMatchObject({ code: "provider_auth", retryable: false });
    expect(e.message).toMatch(/^The provider refused the API key \(HTTP 401\)/);
    expect(e.message).not.toContain("my-own-key-1234");
    expect(e.message).not.toContain("sk-live-abcdefghijklmnopqrstu");
    expect(toGenerationError(apiError(403, "forbidden"), ctx).code).toBe("provider_auth");
  });

  it("maps 429 to provider_rate_limited, retryable, with the wait", () => {
    const e = toGenerationError(apiError(429, "slow down", { "retry-after": "7" }), ctx);
    expect(e).toMatchObject({ code: "provider_rate_limited", retryable: true });
    expect(e.message).toContain("try again in 7 s");
  });

  it("maps 5xx to provider_unavailable, retryable", () => {
    expect(toGenerationError(apiError(503, "overloaded"), ctx)).toMatchObject({ code: "provider_unavailable", retryable: true });
  });

  it("never passes on the URL, its credentials or the raw body", () => {
    const e = toGenerationError(apiError(400, "bad model at https://internal.example/v1?key=abc"), ctx);
    expect(e.code).toBe("provider_rejected");
    expect(e.message).not.toMatch(/internal\.example|user:pw|raw body|secret prompt/);
  });

  it("tells a broken stream from an unreachable provider by whether output had arrived", () => {
    const cut = new TypeError("terminated");
    expect(toGenerationError(cut, { ...ctx, receivedOutput: true })).toMatchObject({ code: "provider_interrupted", retryable: true });
    expect(toGenerationError(cut, ctx)).toMatchObject({ code: "provider_unavailable", retryable: true });
    expect(toGenerationError(cut, { ...ctx, receivedOutput: true }).message).toMatch(/^The model's answer was cut off/);
  });

  it("passes an SSRF refusal raised inside fetch through with its own message", () => {
    const refusal = new AppError("bad_request:validation", "Base URL resolves to a private or loopback address (10.0.0.1: private (10.0.0.0/8)); set ALLOW_PRIVATE_BASE_URL=1 to allow a local server.");
    const wrapped = new APICallError({ message: "Cannot connect to API", url: "x", requestBodyValues: {}, cause: refusal });
    expect(toGenerationError(wrapped, ctx)).toEqual({ code: "base_url_refused", message: refusal.message, retryable: false });
  });
});

describe("retryAfterSeconds", () => {
  it("reads seconds and HTTP dates and ignores nonsense", () => {
    expect(retryAfterSeconds({ "retry-after": "12" })).toBe(12);
    expect(retryAfterSeconds({ "retry-after": new Date(Date.now() + 30_000).toUTCString() })).toBeGreaterThanOrEqual(28);
    expect(retryAfterSeconds({ "retry-after": "soon" })).toBeUndefined();
    expect(retryAfterSeconds({})).toBeUndefined();
  });
});
