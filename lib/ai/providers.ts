import "server-only";
import { createAnthropic } from "@ai-sdk/anthropic";
import { createDeepSeek } from "@ai-sdk/deepseek";
import { createFireworks } from "@ai-sdk/fireworks";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createGroq } from "@ai-sdk/groq";
import { createMistral } from "@ai-sdk/mistral";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { createTogetherAI } from "@ai-sdk/togetherai";
import { createXai } from "@ai-sdk/xai";
import type { LanguageModel } from "ai";
import type { Env, MODEL_PROVIDER_KEYS } from "../env";
import type { ProviderId } from "./types";

/**
 * The provider registry: how each provider is configured and how its SDK client is built.
 *
 * Keys are always passed explicitly. Most SDK factories fall back to reading their own variable
 * from the process environment when no key is given; passing one (or, for OpenAI-compatible servers, using a
 * factory with no such fallback) keeps a server-held key from reaching a request that must not
 * have it, such as one bound for a user-supplied base URL.
 */

export interface ClientSettings {
  apiKey?: string;
  baseURL?: string;
  fetch?: typeof fetch;
  /** For OpenAI-compatible endpoints: send response_format json_schema. */
  structuredOutput: boolean;
}

export interface ProviderSpec {
  id: ProviderId;
  label: string;
  /** Where a server-held key comes from; absent for servers addressed by URL. */
  keyVariable?: keyof typeof MODEL_PROVIDER_KEYS;
  build(modelId: string, settings: ClientSettings): LanguageModel;
}

const OPENROUTER_BASE_URL = "https://openrouter.ai/api/v1";

function compatible(name: string, modelId: string, s: ClientSettings, baseURL: string): LanguageModel {
  return createOpenAICompatible({
    name,
    baseURL,
    apiKey: s.apiKey,
    fetch: s.fetch,
    includeUsage: true,
    supportsStructuredOutputs: s.structuredOutput,
  }).chatModel(modelId);
}

/** Ollama serves the OpenAI protocol under /v1; accept the base URL with or without it. */
export function ollamaApiBase(raw: string): string {
  const trimmed = raw.replace(/\/+$/, "");
  return trimmed.endsWith("/v1") ? trimmed : `${trimmed}/v1`;
}

export const PROVIDERS: Record<ProviderId, ProviderSpec> = {
  openai: { id: "openai", label: "OpenAI", keyVariable: "OPENAI_API_KEY", build: (m, s) => createOpenAI({ apiKey: s.apiKey, fetch: s.fetch })(m) },
  anthropic: { id: "anthropic", label: "Anthropic", keyVariable: "ANTHROPIC_API_KEY", build: (m, s) => createAnthropic({ apiKey: s.apiKey, fetch: s.fetch })(m) },
  google: {
    id: "google",
    label: "Google",
    keyVariable: "GOOGLE_GENERATIVE_AI_API_KEY",
    build: (m, s) => createGoogleGenerativeAI({ apiKey: s.apiKey, fetch: s.fetch })(m),
  },
  mistral: { id: "mistral", label: "Mistral", keyVariable: "MISTRAL_API_KEY", build: (m, s) => createMistral({ apiKey: s.apiKey, fetch: s.fetch })(m) },
  groq: { id: "groq", label: "Groq", keyVariable: "GROQ_API_KEY", build: (m, s) => createGroq({ apiKey: s.apiKey, fetch: s.fetch })(m) },
  xai: { id: "xai", label: "xAI", keyVariable: "XAI_API_KEY", build: (m, s) => createXai({ apiKey: s.apiKey, fetch: s.fetch })(m) },
  deepseek: { id: "deepseek", label: "DeepSeek", keyVariable: "DEEPSEEK_API_KEY", build: (m, s) => createDeepSeek({ apiKey: s.apiKey, fetch: s.fetch })(m) },
  fireworks: { id: "fireworks", label: "Fireworks", keyVariable: "FIREWORKS_API_KEY", build: (m, s) => createFireworks({ apiKey: s.apiKey, fetch: s.fetch })(m) },
  together: { id: "together", label: "Together", keyVariable: "TOGETHER_AI_API_KEY", build: (m, s) => createTogetherAI({ apiKey: s.apiKey, fetch: s.fetch })(m) },
  openrouter: {
    id: "openrouter",
    label: "OpenRouter",
    keyVariable: "OPENROUTER_API_KEY",
    build: (m, s) => compatible("openrouter", m, s, OPENROUTER_BASE_URL),
  },
  ollama: { id: "ollama", label: "Ollama", build: (m, s) => compatible("ollama", m, s, s.baseURL!) },
  compatible: { id: "compatible", label: "OpenAI-compatible", build: (m, s) => compatible("compatible", m, s, s.baseURL!) },
};

/** The server-held key of a cloud provider, if the operator configured one. */
export function serverKey(provider: ProviderId, e: Env): string | undefined {
  const variable = PROVIDERS[provider].keyVariable;
  return variable ? e[variable] : undefined;
}

/** Whether the server itself can serve this provider (a key or a base URL is configured). */
export function isConfigured(provider: ProviderId, e: Env): boolean {
  if (provider === "ollama") return e.OLLAMA_BASE_URL !== undefined;
  if (provider === "compatible") return e.OPENAI_COMPATIBLE_BASE_URL !== undefined;
  return serverKey(provider, e) !== undefined;
}
