import { env } from "../env";
import type { RateRule } from "./types";

/** Per-route limits. RATE_LIMIT_SCALE lets an operator raise or lower all of them at once. */
const BASE = {
  health: { limit: 120, windowMs: 60_000 },
  preferences: { limit: 30, windowMs: 60_000 },
  notFound: { limit: 120, windowMs: 60_000 },
  preview: { limit: 1_200, windowMs: 60_000 },
  // Model calls cost money and runs cost CPU: per user, generous for a person, tight for a script.
  chat: { limit: 20, windowMs: 60_000 },
  chatDaily: { limit: 500, windowMs: 24 * 60 * 60_000 },
  run: { limit: 30, windowMs: 60_000 },
} satisfies Record<string, Omit<RateRule, "name">>;

export type RuleName = keyof typeof BASE;

export function rateRule(name: RuleName): RateRule {
  const base = BASE[name];
  return { name, windowMs: base.windowMs, limit: Math.max(1, Math.round(base.limit * env().RATE_LIMIT_SCALE)) };
}
