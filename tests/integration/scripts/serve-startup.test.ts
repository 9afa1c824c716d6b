import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../../..");

function serveWith(vars: Record<string, string>) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 30_000,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...vars } as unknown as NodeJS.ProcessEnv,
  });
}

describe("start-up refuses an invalid configuration", () => {
  it("exits non-zero naming a malformed DATABASE_URL, without echoing it", () => {
    const result = serveWith({ DATABASE_URL: "mysql://root:topsecretpw@db/x", PORT: "3999" });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("DATABASE_URL");
    expect(result.stderr).toContain("postgres://");
    expect(result.stderr + result.stdout).not.toContain("topsecretpw");
  });

  it("names each bad variable in one message", () => {
    const result = serveWith({ PORT: "http", LOG_LEVEL: "chatty" });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/PORT:/);
    expect(result.stderr).toMatch(/LOG_LEVEL:/);
  });

  it("refuses HOSTNAME=0.0.0.0 in local mode without the explicit override", () => {
    const result = serveWith({ HOSTNAME: "0.0.0.0", PORT: "3999" });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("HOSTNAME");
    // The message says why and both ways out.
    expect(result.stderr).toContain("local single-user mode");
    expect(result.stderr).toContain("NEXT_PUBLIC_SUPABASE_URL");
    expect(result.stderr).toContain("ALLOW_UNAUTHENTICATED_NETWORK");
    expect(result.stdout).not.toContain("is running");
  });

  it("refuses half a Supabase configuration, naming the missing variable", () => {
    const result = serveWith({ NEXT_PUBLIC_SUPABASE_URL: "https://proj.supabase.co", PORT: "3999" });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("NEXT_PUBLIC_SUPABASE_ANON_KEY");
  });
});
