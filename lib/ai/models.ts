import "server-only";
import { env, type Env } from "../env";
import { AppError } from "../errors";
import { CLOUD_CATALOG, guessCapabilities } from "./catalog";
import { PROVIDERS, isConfigured, ollamaApiBase, serverKey, type ClientSettings } from "./providers";
import { createGuardedFetch } from "./safe-fetch";
import { listServerModels } from "./server-models";
import { checkBaseUrl } from "./ssrf";
import { PROVIDER_IDS, type ModelInfo, type ProviderId, type ResolvedModel } from "./types";

/**
 * Which models this server offers, and turning a model id from a request into an SDK model.
 *
 * Key rules (DESIGN 4.6): a server-held key is read from configuration here and goes only into the
 * SDK client of the provider it belongs to. A BYOK key is used for one resolveModel call and kept
 * nowhere else but a module-private WeakMap (for scrubbing it out of error messages). A custom base
 * URL never gets a server key: it is served by an OpenAI-compatible client built with the caller's
 * key or none, whose fetch re-checks every connection (see ssrf.ts).
 */

export interface ResolveOptions {
  /** Bring-your-own key, for this request only. */
  apiKey?: string;
  /** A user-supplied OpenAI-compatible base URL; needs ALLOW_CUSTOM_BASE_URL. */
  baseUrl?: string;
}

const CUSTOM_MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}$/;
// Printable ASCII, no spaces: anything else cannot be a key and could bend a header.
const API_KEY_SHAPE = /^[\x21-\x7e]{1,500}$/;

const secrets = new WeakMap<ResolvedModel, string[]>();

/** Keys a resolved model may send, so error text can be scrubbed of them even if a provider echoes one. */
export function secretsOf(model: ResolvedModel): readonly string[] {
  return secrets.get(model) ?? [];
}

function info(provider: ProviderId, modelId: string, label: string, caps: { multimodal: boolean; structuredOutput: boolean }): ModelInfo {
  return { id: `${provider}:${modelId}`, provider, providerLabel: PROVIDERS[provider].label, label, multimodal: caps.multimodal, structuredOutput: caps.structuredOutput };
}

async function localModels(provider: "ollama" | "compatible", e: Env): Promise<ModelInfo[]> {
  if (provider === "ollama") {
    const ids = e.OLLAMA_BASE_URL ? await listServerModels(ollamaApiBase(e.OLLAMA_BASE_URL)) : null;
    // Ollama has served response_format json_schema since 0.5.
    return (ids ?? []).map((id) => info("ollama", id, id, guessCapabilities(id, true)));
  }
  if (!e.OPENAI_COMPATIBLE_BASE_URL) return [];
  const listed = await listServerModels(e.OPENAI_COMPATIBLE_BASE_URL.replace(/\/+$/, ""), e.OPENAI_COMPATIBLE_API_KEY);
  const ids = listed ?? e.OPENAI_COMPATIBLE_MODELS;
  return ids.map((id) => info("compatible", id, id, guessCapabilities(id, e.OPENAI_COMPATIBLE_STRUCTURED_OUTPUT)));
}

async function modelsOf(provider: ProviderId, e: Env): Promise<ModelInfo[]> {
  if (provider === "ollama" || provider === "compatible") return localModels(provider, e);
  return CLOUD_CATALOG[provider].map((m) => info(provider, m.id, m.label, m));
}

/**
 * Every model of every provider this server is configured for, in registry order, plus the cloud
 * providers the caller keeps a key of their own for (`withKeysFor`).
 */
export async function listModels(options: { withKeysFor?: readonly string[] } = {}): Promise<ModelInfo[]> {
  const e = env();
  const keyed = new Set(options.withKeysFor ?? []);
  const offered = PROVIDER_IDS.filter((p) => isConfigured(p, e) || (keyed.has(p) && PROVIDERS[p].keyVariable !== undefined));
  const lists = await Promise.all(offered.map((p) => modelsOf(p, e)));
  return lists.flat();
}

/**
 * Providers a user may keep a key for: every cloud provider, and the operator's OpenAI-compatible
 * server (a gateway that hands out per-user keys). A local Ollama takes no key.
 */
export const KEYED_PROVIDERS = PROVIDER_IDS.filter((p) => PROVIDERS[p].keyVariable !== undefined || p === "compatible");

/** The provider part of a model id, if it names one. */
export function providerOfModel(id: string): ProviderId | undefined {
  const provider = id.slice(0, id.indexOf(":"));
  return (PROVIDER_IDS as readonly string[]).includes(provider) ? (provider as ProviderId) : undefined;
}

/**
 * The model the builder starts with: the default of the first configured cloud provider. Synchronous
 * because local servers' lists need a request; given the offered list (from listModels), it falls
 * back to that list's first model, so a server with only Ollama still gets a default.
 */
export function defaultModelId(available?: readonly ModelInfo[]): string | null {
  const e = env();
  for (const provider of PROVIDER_IDS) {
    if (provider === "ollama" || provider === "compatible" || !isConfigured(provider, e)) continue;
    const id = `${provider}:${CLOUD_CATALOG[provider][0]!.id}`;
    if (!available || available.some((m) => m.id === id)) return id;
  }
  return available?.[0]?.id ?? null;
}

function splitId(id: string): { provider: ProviderId; modelId: string } {
  const colon = id.indexOf(":");
  const provider = id.slice(0, colon) as ProviderId;
  const modelId = id.slice(colon + 1);
  if (colon <= 0 || !modelId || !PROVIDER_IDS.includes(provider)) {
    throw new AppError("bad_request:validation", `Unknown model "${id.slice(0, 200)}". Model ids look like "openai:gpt-4.1-mini"; choose one of the configured models.`);
  }
  return { provider, modelId };
}

function resolved(modelInfo: ModelInfo, settings: ClientSettings, modelId: string): ResolvedModel {
  const result: ResolvedModel = {
    info: modelInfo,
    model: PROVIDERS[modelInfo.provider].build(modelId, settings),
    mode: modelInfo.structuredOutput ? "native" : "json",
  };
  if (settings.apiKey) secrets.set(result, [settings.apiKey]);
  return result;
}

async function resolveCustomBaseUrl(id: string, provider: ProviderId, modelId: string, baseUrl: string, apiKey: string | undefined, e: Env): Promise<ResolvedModel> {
  if (!e.ALLOW_CUSTOM_BASE_URL) {
    throw new AppError("bad_request:validation", "Custom base URLs are turned off on this server (the operator can allow them with ALLOW_CUSTOM_BASE_URL=1); leave the base URL empty.");
  }
  if (provider !== "compatible") {
    throw new AppError("bad_request:validation", `A custom base URL works only with OpenAI-compatible model ids such as "compatible:llama3.1"; got "${id.slice(0, 200)}".`);
  }
  if (!CUSTOM_MODEL_ID.test(modelId)) {
    throw new AppError("bad_request:validation", "Model name must be 1–128 letters, digits or . _ : / @ + - characters.");
  }
  const policy = { allowPrivate: e.ALLOW_PRIVATE_BASE_URL };
  const baseURL = await checkBaseUrl(baseUrl, policy);
  // The caller's server is unknown to us: JSON mode works with any server, a schema request may not.
  const modelInfo = { ...info("compatible", modelId, modelId, guessCapabilities(modelId, false)), providerLabel: "Your server" };
  return resolved(modelInfo, { apiKey, baseURL, fetch: createGuardedFetch(policy), structuredOutput: false }, modelId);
}

/**
 * Turns a `provider:model` id into a model to stream from. Throws `AppError("bad_request:validation")`
 * with a specific message for an unknown id, an unconfigured provider or a refused base URL.
 */
export async function resolveModel(id: string, options: ResolveOptions = {}): Promise<ResolvedModel> {
  const e = env();
  const { provider, modelId } = splitId(id);
  const apiKey = options.apiKey?.trim() || undefined;
  if (apiKey !== undefined && !API_KEY_SHAPE.test(apiKey)) {
    throw new AppError("bad_request:validation", "API key contains spaces or characters a key cannot have.");
  }
  const baseUrl = options.baseUrl?.trim() || undefined;
  if (baseUrl !== undefined) return resolveCustomBaseUrl(id, provider, modelId, baseUrl, apiKey, e);

  const spec = PROVIDERS[provider];
  if (provider === "ollama" || provider === "compatible") {
    if (!isConfigured(provider, e)) {
      const variable = provider === "ollama" ? "OLLAMA_BASE_URL" : "OPENAI_COMPATIBLE_BASE_URL";
      throw new AppError("bad_request:validation", `Model "${id.slice(0, 200)}" is not available: this server has no ${spec.label} server configured (${variable}).`);
    }
    const found = (await localModels(provider, e)).find((m) => m.id === id);
    if (!found) throw new AppError("bad_request:validation", `Unknown model "${id.slice(0, 200)}": the ${spec.label} server does not list it. Choose one of the configured models.`);
    const baseURL = provider === "ollama" ? ollamaApiBase(e.OLLAMA_BASE_URL!) : e.OPENAI_COMPATIBLE_BASE_URL!.replace(/\/+$/, "");
    const key = apiKey ?? (provider === "compatible" ? e.OPENAI_COMPATIBLE_API_KEY : undefined);
    return resolved(found, { apiKey: key, baseURL, structuredOutput: found.structuredOutput }, modelId);
  }

  const entry = CLOUD_CATALOG[provider].find((m) => m.id === modelId);
  if (!entry) throw new AppError("bad_request:validation", `Unknown model "${id.slice(0, 200)}". Choose one of the configured models.`);
  // A BYOK key makes any catalogued model usable, even of a provider the server has no key for.
  const key = apiKey ?? serverKey(provider, e);
  if (!key) {
    throw new AppError("bad_request:validation", `Model "${id}" needs a ${spec.label} API key: this server has none configured (${spec.keyVariable}); add your own key or choose one of the configured models.`);
  }
  return resolved(info(provider, entry.id, entry.label, entry), { apiKey: key, structuredOutput: entry.structuredOutput }, modelId);
}
