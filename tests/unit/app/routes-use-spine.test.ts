import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SPINE } from "@/lib/http/route";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
// Route-segment config Next reads from route files; anything else exported must be a spine handler.
const ALLOWED_CONFIG = new Set(["dynamic", "revalidate", "runtime", "maxDuration", "preferredRegion", "fetchCache", "dynamicParams"]);

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return routeFiles(p);
    return /^route\.(ts|tsx|js|mjs)$/.test(name) ? [p] : [];
  });
}

const files = routeFiles(path.join(ROOT, "app"));

describe("every route handler is built with the spine", () => {
  it("finds the route files", () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files.map((f) => [path.relative(ROOT, f), f]))("%s", async (_name, file) => {
    const mod = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
    const handlers = Object.keys(mod).filter((k) => METHODS.includes(k));
    expect(handlers.length, "exports at least one handler").toBeGreaterThan(0);
    for (const key of Object.keys(mod)) {
      if (ALLOWED_CONFIG.has(key)) continue;
      expect(METHODS, `unexpected export ${key}`).toContain(key);
      expect((mod[key] as Record<symbol, unknown>)[SPINE], `${key} is not built with route()`).toBe(true);
    }
    // Belt and braces: a handler declared as a plain function would not carry the marker either,
    // but say so plainly if someone tries.
    expect(readFileSync(file, "utf8")).not.toMatch(/export\s+(async\s+)?function\s+(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/);
  });
});
