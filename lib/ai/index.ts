import "server-only";

/**
 * The model layer (DESIGN 3): which models this server offers, resolving a request's model id
 * (with an optional BYOK key or custom base URL) and streaming one checked fragment from it.
 * lib/ai never imports lib/sandbox: templates come in as plain `TemplateInfo` values.
 */

export { listModels, defaultModelId, resolveModel, KEYED_PROVIDERS, providerOfModel, type ResolveOptions } from "./models";
export { PROVIDERS } from "./providers";
export { streamFragment, type StreamFragmentOptions } from "./generate";
export { buildSystemPrompt } from "./prompt";
export { checkBaseUrl } from "./ssrf";
export { PROVIDER_IDS } from "./types";
export type {
  ChatMessage,
  CurrentProject,
  GenerationError,
  GenerationEvent,
  ModelCapabilities,
  ModelInfo,
  ProviderId,
  ResolvedModel,
  TemplateInfo,
} from "./types";
