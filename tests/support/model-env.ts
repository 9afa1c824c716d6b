import { vi } from "vitest";
import { MODEL_PROVIDER_KEYS, resetEnvForTests } from "@/lib/env";

/** Every variable that decides which models are offered and how; cleared before each override. */
const MODEL_VARIABLES = [
  ...Object.keys(MODEL_PROVIDER_KEYS),
  "OLLAMA_BASE_URL",
  "OPENAI_COMPATIBLE_BASE_URL",
  "OPENAI_COMPATIBLE_API_KEY",
  "OPENAI_COMPATIBLE_MODELS",
  "OPENAI_COMPATIBLE_STRUCTURED_OUTPUT",
  "ALLOW_CUSTOM_BASE_URL",
  "ALLOW_PRIVATE_BASE_URL",
  "MODEL_TIMEOUT_MS",
];

/**
 * Sets the model configuration for a test, starting from none at all (so a key in the machine's
 * environment cannot leak into a test's expectations). Undo with `resetModelEnv()`.
 */
export function setModelEnv(vars: Record<string, string>): void {
  for (const name of MODEL_VARIABLES) vi.stubEnv(name, undefined);
  for (const [name, value] of Object.entries(vars)) vi.stubEnv(name, value);
  resetEnvForTests();
}

export function resetModelEnv(): void {
  vi.unstubAllEnvs();
  resetEnvForTests();
}
