import type { ModelCapabilities, ProviderId } from "./types";

/**
 * The cloud models Tessera offers, per provider; the first of each list is that provider's default.
 * A model id is accepted only if it is listed here (DESIGN 4.6: ids are checked against server-side
 * lists), so adding a model is a one-line change here.
 *
 * `structuredOutput` is true only where the provider enforces a JSON schema for that model. Where it
 * does not (or only sometimes), the model runs in JSON mode: the prompt carries the shape and the
 * answer is parsed tolerantly. A wrong `true` costs a provider 400; a wrong `false` only a little
 * robustness, so doubtful cases are `false`.
 */

export interface CatalogModel extends ModelCapabilities {
  id: string;
  label: string;
}

type CloudProvider = Exclude<ProviderId, "ollama" | "compatible">;

const vision = { multimodal: true, structuredOutput: true } as const;
const textNative = { multimodal: false, structuredOutput: true } as const;
const textJson = { multimodal: false, structuredOutput: false } as const;

export const CLOUD_CATALOG: Record<CloudProvider, CatalogModel[]> = {
  openai: [
    { id: "gpt-4.1-mini", label: "GPT-4.1 mini", ...vision },
    { id: "gpt-4.1", label: "GPT-4.1", ...vision },
    { id: "gpt-5-mini", label: "GPT-5 mini", ...vision },
    { id: "gpt-5", label: "GPT-5", ...vision },
    { id: "gpt-5.4-mini", label: "GPT-5.4 mini", ...vision },
    { id: "gpt-5.5", label: "GPT-5.5", ...vision },
  ],
  anthropic: [
    { id: "claude-sonnet-4-5", label: "Claude Sonnet 4.5", ...vision },
    { id: "claude-haiku-4-5", label: "Claude Haiku 4.5", ...vision },
    { id: "claude-opus-4-1", label: "Claude Opus 4.1", ...vision },
    { id: "claude-sonnet-4-6", label: "Claude Sonnet 4.6", ...vision },
    { id: "claude-opus-4-6", label: "Claude Opus 4.6", ...vision },
  ],
  google: [
    { id: "gemini-2.5-flash", label: "Gemini 2.5 Flash", ...vision },
    { id: "gemini-2.5-pro", label: "Gemini 2.5 Pro", ...vision },
    { id: "gemini-2.5-flash-lite", label: "Gemini 2.5 Flash-Lite", ...vision },
    { id: "gemini-3-flash-preview", label: "Gemini 3 Flash (preview)", ...vision },
  ],
  mistral: [
    { id: "mistral-medium-latest", label: "Mistral Medium", ...vision },
    { id: "mistral-large-latest", label: "Mistral Large", ...vision },
    { id: "mistral-small-latest", label: "Mistral Small", ...vision },
    { id: "codestral-latest", label: "Codestral", ...textNative },
  ],
  groq: [
    { id: "openai/gpt-oss-120b", label: "GPT-OSS 120B (Groq)", ...textNative },
    { id: "moonshotai/kimi-k2-instruct-0905", label: "Kimi K2 (Groq)", ...textNative },
    { id: "meta-llama/llama-4-scout-17b-16e-instruct", label: "Llama 4 Scout (Groq)", multimodal: true, structuredOutput: false },
    { id: "llama-3.3-70b-versatile", label: "Llama 3.3 70B (Groq)", ...textJson },
  ],
  xai: [
    { id: "grok-4.3", label: "Grok 4.3", ...vision },
    { id: "grok-4.20-non-reasoning", label: "Grok 4.20 (non-reasoning)", ...vision },
    { id: "grok-code-fast-1", label: "Grok Code Fast", ...textNative },
  ],
  // DeepSeek's API takes json_object but not json_schema: JSON mode carries the shape in the prompt.
  deepseek: [
    { id: "deepseek-v4-flash", label: "DeepSeek V4 Flash", ...textJson },
    { id: "deepseek-v4-pro", label: "DeepSeek V4 Pro", ...textJson },
  ],
  fireworks: [
    { id: "accounts/fireworks/models/kimi-k2-instruct", label: "Kimi K2 (Fireworks)", ...textNative },
    { id: "accounts/fireworks/models/qwen2p5-coder-32b-instruct", label: "Qwen2.5 Coder 32B (Fireworks)", ...textNative },
    { id: "accounts/fireworks/models/deepseek-v3", label: "DeepSeek V3 (Fireworks)", ...textNative },
    { id: "accounts/fireworks/models/llama-v3p3-70b-instruct", label: "Llama 3.3 70B (Fireworks)", ...textNative },
  ],
  together: [
    { id: "Qwen/Qwen2.5-Coder-32B-Instruct", label: "Qwen2.5 Coder 32B (Together)", ...textJson },
    { id: "meta-llama/Llama-3.3-70B-Instruct-Turbo", label: "Llama 3.3 70B (Together)", ...textJson },
    { id: "deepseek-ai/DeepSeek-V3", label: "DeepSeek V3 (Together)", ...textJson },
  ],
  // OpenRouter forwards response_format to the upstream provider; only OpenAI and Google models
  // are reliably schema-enforced there.
  openrouter: [
    { id: "openai/gpt-4.1-mini", label: "GPT-4.1 mini (OpenRouter)", ...vision },
    { id: "google/gemini-2.5-flash", label: "Gemini 2.5 Flash (OpenRouter)", ...vision },
    { id: "anthropic/claude-sonnet-4.5", label: "Claude Sonnet 4.5 (OpenRouter)", multimodal: true, structuredOutput: false },
    { id: "qwen/qwen3-coder", label: "Qwen3 Coder (OpenRouter)", ...textJson },
    { id: "deepseek/deepseek-chat-v3.1", label: "DeepSeek V3.1 (OpenRouter)", ...textJson },
  ],
};

// Model names that usually mean image input on local servers (llava, qwen2.5vl, gemma3, …).
const VISION_NAME = /llava|vision|pixtral|moondream|minicpm-v|gemma-?3|[-_.]?vl(?:[-_:.]|$)|mistral-small-?3\.[12]/i;

/**
 * Capabilities of a model on a local or user-supplied server, which cannot tell us. Multimodal is
 * guessed from the name (a wrong guess only means the provider refuses an image with a clear
 * error); structured output is what the caller knows about the server.
 */
export function guessCapabilities(modelId: string, structuredOutput: boolean): ModelCapabilities {
  return { multimodal: VISION_NAME.test(modelId), structuredOutput };
}
