import { afterEach, describe, expect, it } from "vitest";
import { defaultModelId, listModels, resolveModel } from "@/lib/ai/models";
import { resetServerModelCacheForTests } from "@/lib/ai/server-models";
import { AppError } from "@/lib/errors";
import { resetModelEnv, setModelEnv } from "../../../support/model-env";

afterEach(() => {
  resetModelEnv();
  resetServerModelCacheForTests();
});

async function refusal(id: string, options: { apiKey?: string; baseUrl?: string } = {}): Promise<string> {
  const err = await resolveModel(id, options).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).status).toBe(400);
  return (err as AppError).message;
}

describe("listModels", () => {
  it("offers nothing when no provider is configured", async () => {
    setModelEnv({});
    expect(await listModels()).toEqual([]);
    expect(defaultModelId()).toBeNull();
  });

  it("offers exactly the providers whose key is set", async () => {
    setModelEnv({ ANTHROPIC_API_KEY: "sk-ant-test", GROQ_API_KEY: "gsk-test" });
    const models = await listModels();
    expect(new Set(models.map((m) => m.provider))).toEqual(new Set(["anthropic", "groq"]));
    expect(models.every((m) => m.id === `${m.provider}:${m.id.slice(m.provider.length + 1)}`)).toBe(true);
    expect(models.find((m) => m.id === "groq:llama-3.3-70b-versatile")).toMatchObject({ providerLabel: "Groq", structuredOutput: false, multimodal: false });
    expect(defaultModelId()).toBe("anthropic:claude-sonnet-4-5");
  });

  it("falls back to OPENAI_COMPATIBLE_MODELS when the server cannot list", async () => {
    setModelEnv({ OPENAI_COMPATIBLE_BASE_URL: "http://127.0.0.1:9/v1", OPENAI_COMPATIBLE_MODELS: "qwen2.5-coder, llava-13b" });
    const models = await listModels();
    expect(models.map((m) => [m.id, m.multimodal, m.structuredOutput])).toEqual([
      ["compatible:qwen2.5-coder", false, true],
      ["compatible:llava-13b", true, true],
    ]);
    expect(defaultModelId(models)).toBe("compatible:qwen2.5-coder");
  });

  it("honours OPENAI_COMPATIBLE_STRUCTURED_OUTPUT=0", async () => {
    setModelEnv({ OPENAI_COMPATIBLE_BASE_URL: "http://127.0.0.1:9/v1", OPENAI_COMPATIBLE_MODELS: "m", OPENAI_COMPATIBLE_STRUCTURED_OUTPUT: "0" });
    expect((await listModels())[0]).toMatchObject({ structuredOutput: false });
  });
});

describe("resolveModel", () => {
  it("resolves a catalogued model of a configured provider", async () => {
    setModelEnv({ OPENAI_API_KEY: "sk-test-server" });
    const resolved = await resolveModel("openai:gpt-4.1-mini");
    expect(resolved.info).toMatchObject({ id: "openai:gpt-4.1-mini", label: "GPT-4.1 mini", multimodal: true });
    expect(resolved.mode).toBe("native");
    expect(JSON.stringify(resolved.info)).not.toContain("sk-test-server");
  });

  it("uses JSON mode for a model without native structured output", async () => {
    setModelEnv({ DEEPSEEK_API_KEY: "k" });
    expect((await resolveModel("deepseek:deepseek-v4-flash")).mode).toBe("json");
  });

  it.each([
    ["gpt-4.1", "Model ids look like"],
    ["nope:gpt-4.1", 'Unknown model "nope:gpt-4.1"'],
    ["openai:gpt-99", 'Unknown model "openai:gpt-99". Choose one of the configured models.'],
  ])("refuses the unknown id %s", async (id, message) => {
    setModelEnv({ OPENAI_API_KEY: "k" });
    expect(await refusal(id)).toContain(message);
  });

  it("refuses a provider the server has no key for, unless the user brings one", async () => {
    setModelEnv({});
    expect(await refusal("mistral:mistral-small-latest")).toContain("needs a Mistral API key: this server has none configured (MISTRAL_API_KEY)");
    await expect(resolveModel("mistral:mistral-small-latest", { apiKey: "user-key-123" })).resolves.toMatchObject({ info: { id: "mistral:mistral-small-latest" } });
  });

  it("refuses local providers that are not configured", async () => {
    setModelEnv({});
    expect(await refusal("ollama:llama3.1")).toContain("no Ollama server configured (OLLAMA_BASE_URL)");
    expect(await refusal("compatible:x")).toContain("OPENAI_COMPATIBLE_BASE_URL");
  });

  it("refuses a key that cannot be one", async () => {
    setModelEnv({ OPENAI_API_KEY: "k" });
    expect(await refusal("openai:gpt-4.1", { apiKey: "abc\r\nX-Injected: 1" })).toContain("API key contains");
  });

  it("refuses a custom base URL unless the operator allows them", async () => {
    setModelEnv({ OPENAI_API_KEY: "k" });
    expect(await refusal("compatible:llama3", { baseUrl: "https://llm.example.com/v1" })).toMatch(/^Custom base URLs are turned off on this server/);
  });

  it("accepts a custom base URL only for OpenAI-compatible ids, so a server key can never go there", async () => {
    setModelEnv({ OPENAI_API_KEY: "k", ALLOW_CUSTOM_BASE_URL: "1" });
    expect(await refusal("openai:gpt-4.1", { baseUrl: "https://llm.example.com/v1" })).toContain('only with OpenAI-compatible model ids');
  });
});
