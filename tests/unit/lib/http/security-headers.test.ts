import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, createNonce, cspSourcesFromEnv, securityHeaders } from "@/lib/http/security-headers";

describe("security headers", () => {
  it("production script-src is nonce + strict-dynamic only", () => {
    const csp = contentSecurityPolicy("abc123", { connect: [], frame: [] });
    const script = csp.split("; ").find((d) => d.startsWith("script-src"));
    expect(script).toBe("script-src 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
  });

  it("derives connect-src and frame-src from configuration", () => {
    const sources = cspSourcesFromEnv({ PREVIEW_ORIGIN: "https://preview.example", NEXT_PUBLIC_SUPABASE_URL: "https://proj.supabase.co/" }, { frame: ["https://*.e2b.app"] });
    const csp = contentSecurityPolicy("n", sources);
    expect(csp).toContain("connect-src 'self' https://proj.supabase.co https://preview.example;");
    expect(contentSecurityPolicy("n", cspSourcesFromEnv({ PREVIEW_ORIGIN: undefined }))).toContain("connect-src 'self';");
    expect(csp).toContain("frame-src 'self' https://preview.example https://*.e2b.app");
    expect(contentSecurityPolicy("n", cspSourcesFromEnv({ PREVIEW_ORIGIN: undefined }))).toContain("frame-src 'self';");
    expect(contentSecurityPolicy("n", cspSourcesFromEnv({ PREVIEW_ORIGIN: undefined, E2B_API_KEY: "k" }))).toContain("frame-src 'self' https://*.e2b.app;");
    expect(contentSecurityPolicy("n", cspSourcesFromEnv({ PREVIEW_ORIGIN: undefined, E2B_API_KEY: "k", E2B_DOMAIN: "sbx.example.com" }))).toContain("https://*.sbx.example.com");
  });

  it("sends HSTS and upgrade-insecure-requests only over HTTPS", () => {
    const plain = securityHeaders("n", { connect: [], frame: [] }, { https: false });
    expect(plain["Strict-Transport-Security"]).toBeUndefined();
    expect(plain["Content-Security-Policy"]).not.toContain("upgrade-insecure-requests");
    const tls = securityHeaders("n", { connect: [], frame: [] }, { https: true });
    expect(tls["Strict-Transport-Security"]).toMatch(/max-age=\d{8}/);
    expect(tls["Content-Security-Policy"]).toContain("upgrade-insecure-requests");
  });

  it("nonces are fresh and carry at least 128 bits", () => {
    const nonces = new Set(Array.from({ length: 1000 }, createNonce));
    expect(nonces.size).toBe(1000);
    expect(Buffer.from([...nonces][0]!, "base64").length).toBeGreaterThanOrEqual(16);
  });
});
