import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { streamFragment } from "@/lib/ai/generate";
import { resolveModel } from "@/lib/ai/models";
import { resetServerModelCacheForTests } from "@/lib/ai/server-models";
import type { GenerationEvent } from "@/lib/ai/types";
import { resetModelEnv, setModelEnv } from "../../support/model-env";
import { fragmentText, startOpenAIFake, type OpenAIFake } from "../../support/openai-fake";
import { collect, errorOf, reactFragment, TEMPLATES, user } from "./support";

/**
 * One model turn through the real provider package (@ai-sdk/openai-compatible, resolved by
 * resolveModel from configuration) against a loopback server speaking the Chat Completions wire
 * format. Nothing between streamFragment and the socket is mocked.
 */

let fake: OpenAIFake;

beforeAll(async () => {
  fake = await startOpenAIFake({ models: ["fake-model", "fake-llava"] });
});
afterAll(() => fake.close());
afterEach(() => {
  fake.reset();
  resetModelEnv();
  resetServerModelCacheForTests();
});

async function model(structured = true) {
  setModelEnv({ OPENAI_COMPATIBLE_BASE_URL: fake.baseUrl, OPENAI_COMPATIBLE_STRUCTURED_OUTPUT: structured ? "1" : "0" });
  return resolveModel("compatible:fake-model");
}

const systemPromptOf = (body: unknown) => (body as { messages: { role: string; content: string }[] }).messages[0]!;

describe("native mode", () => {
  it("asks for the fragment's JSON schema and streams partials, then a valid fragment", async () => {
    const m = await model();
    expect(m.mode).toBe("native");
    fake.enqueue({ kind: "fragment", fragment: reactFragment(), chunkChars: 12, delayMs: 8 });
    const events = await collect({ model: m, messages: user("a counter") });

    const body = fake.chatRequests()[0]!.body as { response_format: { type: string; json_schema: { schema: { properties: object; required: string[] } } }; stream: boolean };
    expect(body.stream).toBe(true);
    expect(body.response_format.type).toBe("json_schema");
    expect(Object.keys(body.response_format.json_schema.schema.properties)).toEqual(["title", "description", "template", "commentary", "files", "deleted", "dependencies", "entry", "port"]);
    expect(systemPromptOf(body)).toMatchObject({ role: "system" });
    expect(systemPromptOf(body).content).not.toContain("Answer format");

    expect(events[0]).toEqual({ type: "start", mode: "native" });
    const partials = events.filter((e) => e.type === "partial");
    expect(partials.length).toBeGreaterThanOrEqual(3);
    // Throttled: far fewer partials than the deltas the fake sent.
    const deltas = Math.ceil(fragmentText(reactFragment()).length / 12);
    expect(deltas).toBeGreaterThan(40);
    expect(partials.length).toBeLessThan(deltas / 2);
    expect(partials.some((p) => p.type === "partial" && p.fragment.title === "Counter" && !p.fragment.files?.length)).toBe(true);
    expect(events.at(-1)).toEqual({ type: "fragment", mode: "native", fragment: { ...reactFragment() } });
  });
});

describe("JSON mode", () => {
  it.each(["fence", "prose"] as const)("reads the fragment out of %s-wrapped text", async (wrap) => {
    const m = await model(false);
    expect(m.mode).toBe("json");
    fake.enqueue({ kind: "fragment", fragment: reactFragment(), wrap, chunkChars: 20 });
    const events = await collect({ model: m, messages: user("a counter") });

    const body = fake.chatRequests()[0]!.body as Record<string, unknown>;
    expect(body.response_format).toBeUndefined();
    expect(systemPromptOf(body).content).toContain("exactly one JSON object and nothing else");
    expect(events.some((e) => e.type === "partial" && e.fragment.title === "Counter")).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: "fragment", mode: "json", fragment: { title: "Counter", entry: "src/App.tsx" } });
  });

  it("calls prose without a project provider_malformed", async () => {
    fake.enqueue({ kind: "text", text: "I'm sorry, I can't build that." });
    expect(errorOf(await collect({ model: await model(false), messages: user("x") }))).toMatchObject({ code: "provider_malformed", retryable: true });
  });
});

describe("untrusted output becomes fragment_invalid", () => {
  it.each([
    ["../../etc/passwd", 'files.0.path: Path "../../etc/passwd" contains a . or .. segment'],
    ["src/.env", 'files.0.path: Path "src/.env" names a .env file'],
  ])("refuses the path %s with a specific message", async (path, message) => {
    fake.enqueue({ kind: "fragment", fragment: reactFragment({ files: [...reactFragment().files, { path, content: "SECRET=1" }] }) });
    const error = errorOf(await collect({ model: await model(), messages: user("x") }));
    expect(error).toMatchObject({ code: "fragment_invalid", retryable: true });
    expect(error.message).toContain(message.replace("files.0", "files.1"));
  });

  it("refuses 10,000 files", async () => {
    const files = Array.from({ length: 10_000 }, (_, i) => ({ path: `src/f${i}.ts`, content: "" }));
    fake.enqueue({ kind: "fragment", fragment: reactFragment({ files: [...reactFragment().files, ...files] }), chunkChars: 4096 });
    const error = errorOf(await collect({ model: await model(), messages: user("x") }));
    expect(error.code).toBe("fragment_invalid");
    expect(error.message).toContain("files: has more than 100 files");
  });

  it("refuses a template other than the one the user picked", async () => {
    fake.enqueue({ kind: "fragment", fragment: reactFragment() });
    const error = errorOf(await collect({ model: await model(), messages: user("x"), template: "vue" }));
    expect(error.message).toContain('template: the user chose "vue", but the answer uses "react"');
  });

  it("sends the current files on a follow-up and accepts a change set", async () => {
    const current = { template: "react", files: reactFragment().files };
    const change = reactFragment({ files: [{ path: "src/theme.ts", content: "export const color = 'teal';\n" }] });
    fake.enqueue({ kind: "fragment", fragment: change });
    const events = await collect({ model: await model(), messages: user("make it teal"), current });
    expect(systemPromptOf(fake.chatRequests()[0]!.body).content).toContain('<file path="src/App.tsx">');
    expect(events.at(-1)).toMatchObject({ type: "fragment", fragment: { files: [{ path: "src/theme.ts" }] } });
  });
});

describe("an answer without end", () => {
  it("is cut off once it is larger than any valid fragment", async () => {
    fake.enqueue({ kind: "text", text: `{"title": "${"x".repeat(5_000_000)}`, chunkChars: 65_536 });
    const error = errorOf(await collect({ model: await model(false), messages: user("x") }));
    expect(error).toMatchObject({ code: "fragment_invalid" });
    expect(error.message).toContain("grew past 4 MiB");
  });
});

describe("provider failures", () => {
  it("maps 401 to provider_auth, not retryable", async () => {
    fake.enqueue({ kind: "error", status: 401, message: "Incorrect API key provided." });
    const error = errorOf(await collect({ model: await model(), messages: user("x") }));
    expect(error).toMatchObject({ code: "provider_auth", retryable: false });
    expect(error.message).toContain("Incorrect API key provided.");
  });

  it("maps 429 to provider_rate_limited with the wait, retryable, and does not retry on its own", async () => {
    fake.enqueue({ kind: "error", status: 429, retryAfter: 7 });
    const error = errorOf(await collect({ model: await model(), messages: user("x") }));
    expect(error).toMatchObject({ code: "provider_rate_limited", retryable: true });
    expect(error.message).toContain("try again in 7 s");
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it("maps 500 to provider_unavailable, retryable", async () => {
    fake.enqueue({ kind: "error", status: 500 });
    expect(errorOf(await collect({ model: await model(), messages: user("x") }))).toMatchObject({ code: "provider_unavailable", retryable: true });
  });

  it("times out a provider that never answers, and closes the connection", async () => {
    fake.enqueue({ kind: "hang" });
    const started = Date.now();
    const error = errorOf(await collect({ model: await model(), messages: user("x"), timeoutMs: 300 }));
    expect(error).toMatchObject({ code: "provider_timeout", retryable: true });
    expect(error.message).toContain("did not start answering");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await fake.settled(fake.chatRequests()[0]!)).toBe("closed-by-client");
  });

  it("times out a stream that stalls mid-answer", async () => {
    fake.enqueue({ kind: "fragment", fragment: reactFragment(), chunkChars: 40, delayMs: 400 });
    const error = errorOf(await collect({ model: await model(), messages: user("x"), timeoutMs: 150 }));
    expect(error).toMatchObject({ code: "provider_timeout" });
    expect(error.message).toContain("stopped sending output");
  });

  it("reports a stream cut mid-fragment as provider_interrupted", async () => {
    fake.enqueue({ kind: "cut", fragment: reactFragment(), afterChars: 120 });
    const events = await collect({ model: await model(), messages: user("x") });
    expect(errorOf(events)).toMatchObject({ code: "provider_interrupted", retryable: true });
    expect(errorOf(events).message).toMatch(/^The model's answer was cut off/);
  });
});

describe("abort", () => {
  it("stops the provider request and ends without an error event", async () => {
    fake.enqueue({ kind: "fragment", fragment: reactFragment(), chunkChars: 5, delayMs: 20 });
    const controller = new AbortController();
    const events: GenerationEvent[] = [];
    for await (const event of streamFragment({ model: await model(), messages: user("x"), template: "auto", templates: TEMPLATES, signal: controller.signal })) {
      events.push(event);
      if (event.type === "partial") controller.abort();
    }
    expect(events.map((e) => e.type)).toEqual(["start", "partial"]);
    expect(await fake.settled(fake.chatRequests()[0]!)).toBe("closed-by-client");
  });

  it("closes the upstream connection when the consumer stops reading", async () => {
    fake.enqueue({ kind: "fragment", fragment: reactFragment(), chunkChars: 5, delayMs: 20 });
    for await (const event of streamFragment({ model: await model(), messages: user("x"), template: "auto", templates: TEMPLATES, signal: new AbortController().signal })) {
      if (event.type === "partial") break;
    }
    expect(await fake.settled(fake.chatRequests()[0]!)).toBe("closed-by-client");
  });
});

describe("images", () => {
  const withImage = [{ role: "user" as const, content: "like this", images: [{ mediaType: "image/png", data: new Uint8Array([137, 80, 78, 71]) }] }];

  it("refuses images for a model that cannot read them, before calling it", async () => {
    const error = errorOf(await collect({ model: await model(), messages: withImage }));
    expect(error).toMatchObject({ code: "images_unsupported", retryable: false });
    expect(fake.chatRequests()).toHaveLength(0);
  });

  it("sends images as image parts to a multimodal model", async () => {
    setModelEnv({ OPENAI_COMPATIBLE_BASE_URL: fake.baseUrl });
    const m = await resolveModel("compatible:fake-llava");
    expect(m.info.multimodal).toBe(true);
    fake.enqueue({ kind: "fragment", fragment: reactFragment() });
    await collect({ model: m, messages: withImage });
    const last = (fake.chatRequests()[0]!.body as { messages: { content: unknown }[] }).messages.at(-1)!;
    expect(last.content).toEqual([
      { type: "text", text: "like this" },
      { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw==" } },
    ]);
  });
});
