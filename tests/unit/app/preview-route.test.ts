import { describe, expect, it } from "vitest";
import { GET } from "@/app/preview/[token]/[[...path]]/route";
import { previewStore } from "@/lib/preview";
import type { Sandbox } from "@/lib/sandbox/types";

// The route's own wiring; building and isolating real previews in Chromium is covered by
// tests/integration/preview/templates-preview.test.ts.
function fakeBuild(files: Record<string, string>): Sandbox {
  return {
    info: { id: "sbx_route_test", ownerId: "alice" },
    files: {
      list: async (dir: string) => Object.entries(files).map(([p, body]) => ({ path: `${dir}/${p}`, type: "file" as const, size: body.length })),
      read: async (p: string) => new TextEncoder().encode(files[p.replace(/^dist\//, "")]!),
    },
  } as unknown as Sandbox;
}

const call = (token: string, path: string[] = [], slash = true) =>
  GET(new Request(`http://127.0.0.1:3000/preview/${token}${slash || path.length ? "/" : ""}${path.join("/")}`, { headers: { host: "127.0.0.1:3000" } }), {
    params: Promise.resolve(path.length ? { token, path } : { token }),
  });

describe("GET /preview/[token]/[[...path]]", () => {
  it("serves a published preview under the preview's own sandboxing policy, framable only by the app", async () => {
    const preview = await previewStore().publish(fakeBuild({ "index.html": "<h1>hi</h1>", "app.js": "1" }), "dist");
    const res = await call(preview.token);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("<h1>hi</h1>");
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toMatch(/^sandbox allow-scripts/);
    expect(csp).not.toContain("allow-same-origin");
    expect(csp).toContain("frame-ancestors http://127.0.0.1:3000");
    expect(csp).toContain("connect-src 'none'");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect((await call(preview.token, ["app.js"])).headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  });

  it("adds the trailing slash relative asset URLs need", async () => {
    const token = "C".repeat(43);
    const res = await call(token, [], false);
    expect(res.status).toBe(308);
    expect(res.headers.get("location")).toBe(`/preview/${token}/`);
  });

  // The unknown token is looked up in the database, whose first open (PGlite) takes seconds on a loaded machine.
  it("answers 404 for an unknown token and 400 for a malformed one", async () => {
    expect((await call("B".repeat(43))).status).toBe(404);
    const bad = await call("../../etc");
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  }, 30_000);
});
