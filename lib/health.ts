import "server-only";
import { db } from "./db/client";
import { rateLimiter } from "./limits";
import { log } from "./log";
import { sandboxProvider } from "./sandbox";

export const COMPONENTS = ["database", "sandbox", "ratelimit"] as const;
export type Component = (typeof COMPONENTS)[number];

export interface ComponentHealth {
  status: "ok" | "down";
  /** Which backend answers (never its address or credentials). */
  backend: string;
  latencyMs: number;
  /** Operator-facing hint when down; never a configuration value. */
  hint?: string;
}

async function timed(backend: string, timeoutMs: number, check: () => Promise<string | undefined>): Promise<ComponentHealth> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const hint = await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    const latencyMs = Math.round((performance.now() - start) * 10) / 10;
    return hint ? { status: "down", backend, latencyMs, hint } : { status: "ok", backend, latencyMs };
  } catch (err) {
    // The reason goes to the log (with the request id); the client gets a fixed hint.
    log().warn({ err, component: backend }, "health check failed");
    return { status: "down", backend, latencyMs: Math.round(performance.now() - start), hint: "check the server log for this request id" };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkComponent(component: Component, timeoutMs = 2_000): Promise<ComponentHealth> {
  switch (component) {
    case "database": {
      const database = await db().catch(() => undefined);
      if (!database) return { status: "down", backend: "unknown", latencyMs: 0, hint: "the database could not be opened; see the server log" };
      return timed(database.kind, timeoutMs, async () => {
        await database.ping();
        return undefined;
      });
    }
    case "sandbox": {
      const provider = sandboxProvider();
      return timed(provider.name, timeoutMs, async () => {
        const preflight = await provider.preflight();
        return preflight.ok ? undefined : preflight.problem;
      });
    }
    case "ratelimit": {
      const limiter = rateLimiter();
      return timed(limiter.name, timeoutMs, async () => ((await limiter.ping()) ? undefined : "rate-limit backend did not answer"));
    }
  }
}

export async function checkAll(timeoutMs?: number): Promise<{ status: "ok" | "degraded"; components: Record<Component, ComponentHealth> }> {
  const results = await Promise.all(COMPONENTS.map((c) => checkComponent(c, timeoutMs)));
  const components = Object.fromEntries(COMPONENTS.map((c, i) => [c, results[i]!])) as Record<Component, ComponentHealth>;
  return { status: results.every((r) => r.status === "ok") ? "ok" : "degraded", components };
}
