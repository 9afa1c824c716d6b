import "server-only";
import { z } from "zod";
import { log } from "../log";

/**
 * Model lists of operator-configured OpenAI-compatible servers (Ollama, LM Studio, llama.cpp,
 * vLLM), read from their GET /models. Cached briefly: the model picker and every chat request ask,
 * and a local server's list changes only when someone pulls or loads a model. A server that does
 * not answer is asked again sooner than one that did.
 */

const CACHE_MS = 30_000;
const FAILURE_CACHE_MS = 5_000;
const TIMEOUT_MS = 2_000;
const MAX_MODELS = 200;

const modelsResponse = z.object({ data: z.array(z.object({ id: z.string().min(1).max(200) })) });

// Embedding and reranking models are listed by these servers but cannot write code.
const NOT_A_CHAT_MODEL = /embed|rerank|whisper|tts/i;

interface Entry {
  at: number;
  ok: boolean;
  models: Promise<string[] | null>;
}

const cache = new Map<string, Entry>();

async function fetchModels(baseUrl: string, apiKey: string | undefined): Promise<string[] | null> {
  try {
    const response = await fetch(`${baseUrl}/models`, {
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const parsed = modelsResponse.safeParse(await response.json());
    if (!parsed.success) throw new Error("unexpected /models body");
    return [...new Set(parsed.data.data.map((m) => m.id).filter((id) => !NOT_A_CHAT_MODEL.test(id)))].slice(0, MAX_MODELS);
  } catch (err) {
    // The URL is the operator's own configuration, not a secret; the key never appears here.
    log().warn({ baseUrl, reason: err instanceof Error ? err.message : String(err) }, "could not list models");
    return null;
  }
}

/** The server's chat models, or null when it cannot list them (down, or no /models route). */
export function listServerModels(baseUrl: string, apiKey?: string): Promise<string[] | null> {
  const now = Date.now();
  const hit = cache.get(baseUrl);
  if (hit && now - hit.at < (hit.ok ? CACHE_MS : FAILURE_CACHE_MS)) return hit.models;
  const entry: Entry = { at: now, ok: true, models: fetchModels(baseUrl, apiKey) };
  void entry.models.then((list) => (entry.ok = list !== null));
  cache.set(baseUrl, entry);
  return entry.models;
}

/** Test hook: forget cached lists so a test can change what a fake server lists. */
export function resetServerModelCacheForTests(): void {
  cache.clear();
}
