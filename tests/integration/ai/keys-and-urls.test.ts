import type { LookupAddress } from "node:dns";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { listModels, resolveModel } from "@/lib/ai/models";
import { createGuardedFetch } from "@/lib/ai/safe-fetch";
import { resetServerModelCacheForTests } from "@/lib/ai/server-models";
import { AppError } from "@/lib/errors";
import { captureLogs } from "../../support/logs";
import { resetModelEnv, setModelEnv } from "../../support/model-env";
import { startOpenAIFake, type OpenAIFake } from "../../support/openai-fake";
import { collect, errorOf, reactFragment, user } from "./support";

/**
 * DESIGN 4.6 against a live loopback server: where keys go (and where they never go), custom base
 * URLs and their SSRF checks, including the connect-time check that defeats DNS rebinding.
 */

const SERVER_KEY = "server-held-compatible-key-0001";
const BYOK = "byok-user-key-XYZ-0123456789";

let fake: OpenAIFake;

beforeAll(async () => {
  fake = await startOpenAIFake({ models: ["fake-model"] });
});
afterAll(() => fake.close());
afterEach(() => {
  fake.reset();
  resetModelEnv();
  resetServerModelCacheForTests();
});

async function refusal(promise: Promise<unknown>): Promise<string> {
  const err = await promise.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).status).toBe(400);
  return (err as AppError).message;
}

describe("keys", () => {
  it("sends the server-held key to the configured server", async () => {
    setModelEnv({ OPENAI_COMPATIBLE_BASE_URL: fake.baseUrl, OPENAI_COMPATIBLE_API_KEY: SERVER_KEY });
    fake.enqueue({ kind: "fragment", fragment: reactFragment() });
    await collect({ model: await resolveModel("compatible:fake-model"), messages: user("x") });
    expect(fake.chatRequests()[0]!.headers.authorization).toBe(`Bearer ${SERVER_KEY}`);
  });

  it("uses a BYOK key for that request only, and never logs it, even when the provider echoes it", async () => {
    setModelEnv({ OPENAI_COMPATIBLE_BASE_URL: fake.baseUrl, OPENAI_COMPATIBLE_API_KEY: SERVER_KEY });
    const logs = captureLogs();
    fake.enqueue({ kind: "fragment", fragment: reactFragment() }, { kind: "error", status: 401, message: `Incorrect API key provided: ${BYOK}` });

    const ok = await collect({ model: await resolveModel("compatible:fake-model", { apiKey: BYOK }), messages: user("x") });
    expect(ok.at(-1)?.type).toBe("fragment");
    const failed = errorOf(await collect({ model: await resolveModel("compatible:fake-model", { apiKey: BYOK }), messages: user("x") }));
    fake.enqueue({ kind: "fragment", fragment: reactFragment() });
    await collect({ model: await resolveModel("compatible:fake-model"), messages: user("x") });

    const [first, second, third] = fake.chatRequests();
    expect(first!.headers.authorization).toBe(`Bearer ${BYOK}`);
    expect(second!.headers.authorization).toBe(`Bearer ${BYOK}`);
    expect(third!.headers.authorization).toBe(`Bearer ${SERVER_KEY}`);
    expect(failed.code).toBe("provider_auth");
    expect(failed.message).toContain("Incorrect API key provided: [redacted]");
    expect(failed.message).not.toContain(BYOK);
    expect(logs.lines.some((l) => l.msg === "model turn failed" && l.code === "provider_auth")).toBe(true);
    expect(logs.raw.join("\n")).not.toContain(BYOK);
    expect(logs.raw.join("\n")).not.toContain(SERVER_KEY);
  });
});

describe("custom base URLs", () => {
  it("are refused while ALLOW_CUSTOM_BASE_URL is off", async () => {
    setModelEnv({ ALLOW_PRIVATE_BASE_URL: "1" });
    expect(await refusal(resolveModel("compatible:fake-model", { baseUrl: fake.baseUrl }))).toContain("Custom base URLs are turned off on this server");
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    ["loopback", () => fake.baseUrl, "127.0.0.1: loopback"],
    ["the metadata endpoint", () => "http://169.254.169.254/latest", "169.254.169.254: link-local"],
    ["localhost by name", () => fake.baseUrl.replace("127.0.0.1", "localhost"), ": loopback"],
    ["a decimal loopback literal", () => fake.baseUrl.replace("127.0.0.1", "2130706433"), "127.0.0.1: loopback"],
  ])("are refused when they point at %s", async (_label, url, reason) => {
    setModelEnv({ ALLOW_CUSTOM_BASE_URL: "1" });
    const message = await refusal(resolveModel("compatible:fake-model", { baseUrl: url(), apiKey: BYOK }));
    expect(message).toContain(reason);
    expect(message).toContain("ALLOW_PRIVATE_BASE_URL=1");
    expect(fake.requests).toHaveLength(0);
  });

  it("reach a loopback server with ALLOW_PRIVATE_BASE_URL=1, with the user's key and never the server's", async () => {
    setModelEnv({ ALLOW_CUSTOM_BASE_URL: "1", ALLOW_PRIVATE_BASE_URL: "1", OPENAI_COMPATIBLE_BASE_URL: "http://127.0.0.1:9/v1", OPENAI_COMPATIBLE_API_KEY: SERVER_KEY });
    const withKey = await resolveModel("compatible:my-own-model", { baseUrl: `${fake.baseUrl}/`, apiKey: BYOK });
    expect(withKey).toMatchObject({ mode: "json", info: { id: "compatible:my-own-model", providerLabel: "Your server" } });
    fake.enqueue({ kind: "fragment", fragment: reactFragment(), wrap: "fence" }, { kind: "fragment", fragment: reactFragment() });
    expect((await collect({ model: withKey, messages: user("x") })).at(-1)?.type).toBe("fragment");

    const keyless = await resolveModel("compatible:my-own-model", { baseUrl: fake.baseUrl });
    expect((await collect({ model: keyless, messages: user("x") })).at(-1)?.type).toBe("fragment");

    const [first, second] = fake.chatRequests();
    expect(first!.headers.authorization).toBe(`Bearer ${BYOK}`);
    expect(first!.body).toMatchObject({ model: "my-own-model" });
    expect(second!.headers.authorization).toBeUndefined();
    expect(JSON.stringify(fake.requests.map((r) => r.headers))).not.toContain(SERVER_KEY);
  });

  it("close the upstream connection on abort (the guarded fetch honours the signal)", async () => {
    setModelEnv({ ALLOW_CUSTOM_BASE_URL: "1", ALLOW_PRIVATE_BASE_URL: "1" });
    fake.enqueue({ kind: "hang" });
    const error = errorOf(await collect({ model: await resolveModel("compatible:m", { baseUrl: fake.baseUrl }), messages: user("x"), timeoutMs: 200 }));
    expect(error.code).toBe("provider_timeout");
    expect(await fake.settled(fake.chatRequests()[0]!)).toBe("closed-by-client");
  });
});

describe("the guarded fetch (connect-time SSRF check)", () => {
  const rebinding = (address: string) => async (host: string): Promise<LookupAddress[]> => {
    if (host !== "rebind.test") throw Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" });
    return [{ address, family: 4 }];
  };
  const port = () => new URL(fake.url).port;

  it("refuses to connect when the name now resolves to a private address", async () => {
    const guarded = createGuardedFetch({ allowPrivate: false, resolve: rebinding("127.0.0.1") });
    const err = await guarded(`http://rebind.test:${port()}/v1/models`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toContain("127.0.0.1: loopback");
    expect(fake.requests).toHaveLength(0);
  });

  it("connects through its own lookup when the answer is allowed", async () => {
    const guarded = createGuardedFetch({ allowPrivate: true, resolve: rebinding("127.0.0.1") });
    const response = await guarded(`http://rebind.test:${port()}/v1/models`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: unknown[] }).data).toHaveLength(1);
    expect(fake.requests[0]!.headers.host).toBe(`rebind.test:${port()}`);
  });

  it("does not follow redirects, so a server cannot bounce the request elsewhere", async () => {
    const bouncer = createServer((_req, res) => res.writeHead(302, { location: `${fake.url}/v1/models` }).end());
    await new Promise<void>((resolve) => bouncer.listen(0, "127.0.0.1", resolve));
    try {
      const guarded = createGuardedFetch({ allowPrivate: true });
      const response = await guarded(`http://127.0.0.1:${(bouncer.address() as AddressInfo).port}/v1/models`, { redirect: "follow" });
      expect(response.status).toBe(302);
      expect(fake.requests).toHaveLength(0);
    } finally {
      await new Promise((resolve) => bouncer.close(resolve));
    }
  });
});

describe("Ollama", () => {
  it("lists the server's models (with or without /v1 in OLLAMA_BASE_URL) and asks for JSON schema", async () => {
    setModelEnv({ OLLAMA_BASE_URL: fake.url });
    expect((await listModels()).map((m) => [m.id, m.structuredOutput])).toEqual([["ollama:fake-model", true]]);
    expect(fake.requests[0]!.path).toBe("/v1/models");
    fake.enqueue({ kind: "fragment", fragment: reactFragment() });
    const events = await collect({ model: await resolveModel("ollama:fake-model"), messages: user("x") });
    expect(events.at(-1)?.type).toBe("fragment");
    expect(fake.chatRequests()[0]!.body).toMatchObject({ response_format: { type: "json_schema" } });
    expect(fake.chatRequests()[0]!.headers.authorization).toBeUndefined();
  });

  it("offers nothing, and says why, when the server cannot list", async () => {
    fake.setModels(null);
    try {
      setModelEnv({ OLLAMA_BASE_URL: `${fake.url}/v1` });
      expect(await listModels()).toEqual([]);
      expect(await refusal(resolveModel("ollama:fake-model"))).toContain("the Ollama server does not list it");
    } finally {
      fake.setModels(["fake-model"]);
    }
  });
});
