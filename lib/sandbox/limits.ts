import { AppError } from "../errors";
import type { SandboxLimits } from "./types";

/** What a sandbox gets unless the caller asks for less (or, up to the provider's ceiling, more). */
export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  memoryBytes: 512 * 1024 * 1024,
  cpuSeconds: 30,
  maxProcesses: 128,
  maxOpenFiles: 1024,
  maxFileBytes: 64 * 1024 * 1024,
  diskBytes: 256 * 1024 * 1024,
  commandTimeoutMs: 60_000,
  maxOutputBytes: 1024 * 1024,
};

/**
 * Requested limits over the defaults, clamped to the provider's ceiling: no request can lift the
 * host's limits. A key without a ceiling cannot be raised above its default.
 */
export function clampLimits(defaults: SandboxLimits, ceiling: Partial<SandboxLimits>, requested: Partial<SandboxLimits> = {}): SandboxLimits {
  const out = { ...defaults };
  for (const key of Object.keys(defaults) as (keyof SandboxLimits)[]) {
    const v = requested[key];
    if (v === undefined) continue;
    if (!Number.isFinite(v) || v <= 0) throw new AppError("bad_request:validation", `Sandbox limit ${key} must be a positive number.`);
    out[key] = Math.min(v, ceiling[key] ?? defaults[key]);
  }
  return out;
}
