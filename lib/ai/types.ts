import type { LanguageModel } from "ai";
import type { Fragment, OutputMode, PartialFragment } from "../fragment/protocol";

/** Every provider Tessera can talk to; the part of a model id before the first ":". */
export const PROVIDER_IDS = [
  "openai",
  "anthropic",
  "google",
  "mistral",
  "groq",
  "xai",
  "deepseek",
  "fireworks",
  "together",
  "openrouter",
  "ollama",
  "compatible",
] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export interface ModelCapabilities {
  /** Accepts images in the prompt. */
  multimodal: boolean;
  /** Honours a JSON schema natively (response_format json_schema or the provider's equivalent). */
  structuredOutput: boolean;
}

export interface ModelInfo extends ModelCapabilities {
  /** `provider:modelId`, e.g. `openai:gpt-4.1-mini`, `ollama:qwen2.5-coder:7b`. */
  id: string;
  provider: ProviderId;
  providerLabel: string;
  label: string;
}

export interface ResolvedModel {
  info: ModelInfo;
  model: LanguageModel;
  /** "native": the provider enforces the schema; "json": the prompt asks for JSON in plain text. */
  mode: OutputMode;
}

/** A template the caller offers; lib/ai never reads templates itself (it does not import lib/sandbox). */
export interface TemplateInfo {
  id: string;
  title: string;
  entry: string;
  description: string;
}

export interface ChatMessage {
  role: "user" | "assistant";
  content: string;
  images?: { mediaType: string; data: Uint8Array }[];
}

export interface CurrentProject {
  template: string;
  files: { path: string; content: string }[];
}

export interface GenerationError {
  code: string;
  message: string;
  retryable: boolean;
}

/** What streamFragment yields; the route adds the request id (and the model's label) on the way out. */
export type GenerationEvent =
  | { type: "start"; mode: OutputMode }
  | { type: "partial"; fragment: PartialFragment }
  | { type: "fragment"; fragment: Fragment; mode: OutputMode }
  | { type: "error"; error: GenerationError };
