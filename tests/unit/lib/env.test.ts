import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { problemsOf } from "../../support/env";
import { EnvError, envSchema, parseEnv } from "@/lib/env";

const ROOT = path.resolve(import.meta.dirname, "../../..");


describe("parseEnv", () => {
  it("gives the embedded defaults for an empty environment", () => {
    const env = parseEnv({});
    expect(env.HOSTNAME).toBe("127.0.0.1");
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.DATA_DIR).toBe(".data");
    expect(env.TRUST_PROXY).toBe(0);
    expect(env.ALLOWED_ORIGINS).toEqual([]);
  });

  it("names a malformed DATABASE_URL and why", () => {
    const problems = problemsOf({ DATABASE_URL: "mysql://root@localhost/db" });
    expect(problems).toEqual([{ variable: "DATABASE_URL", message: expect.stringContaining("postgres://") }]);
  });

  it("names every bad variable at once", () => {
    const problems = problemsOf({ PORT: "eighty", LOG_LEVEL: "loud", ALLOWED_ORIGINS: "https://ok.example,not an origin", TRUST_PROXY: "-1" });
    expect(problems.map((p) => p.variable).sort()).toEqual(["ALLOWED_ORIGINS", "LOG_LEVEL", "PORT", "TRUST_PROXY"]);
  });

  it("refuses a network interface without auth or the explicit override (DESIGN 4.8)", () => {
    expect(problemsOf({ HOSTNAME: "0.0.0.0" })[0]).toMatchObject({ variable: "HOSTNAME", message: expect.stringContaining("ALLOW_UNAUTHENTICATED_NETWORK") });
    expect(parseEnv({ HOSTNAME: "0.0.0.0", ALLOW_UNAUTHENTICATED_NETWORK: "1" }).HOSTNAME).toBe("0.0.0.0");
  });

  it("refuses an E2B domain without an E2B key", () => {
    expect(problemsOf({ E2B_DOMAIN: "e2b.example.com" })[0]).toMatchObject({ variable: "E2B_DOMAIN" });
    expect(problemsOf({ E2B_API_KEY: "k", E2B_DOMAIN: "https://e2b.example.com/x" })[0]).toMatchObject({ variable: "E2B_DOMAIN" });
    expect(parseEnv({ E2B_API_KEY: "k", E2B_DOMAIN: "e2b.example.com" }).E2B_DOMAIN).toBe("e2b.example.com");
  });

  it("refuses a preview origin equal to the app's origin", () => {
    expect(problemsOf({ APP_URL: "https://app.example", PREVIEW_ORIGIN: "https://app.example" })[0]!.variable).toBe("PREVIEW_ORIGIN");
  });

  it("never echoes a bad value, which may be a secret", () => {
    const secret = "postgres-password-s3cr3t";
    const problems = problemsOf({ DATABASE_URL: `mysql://u:${secret}@h/db`, OLLAMA_BASE_URL: `ftp://${secret}` });
    expect(JSON.stringify(problems)).not.toContain(secret);
    expect(new EnvError(problems).message).not.toContain(secret);
  });
});

describe(".env.example", () => {
  it("lists exactly the variables the schema reads", () => {
    const text = readFileSync(path.join(ROOT, ".env.example"), "utf8");
    const listed = [...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual(Object.keys(envSchema.shape).sort());
  });

  it("gives each variable a comment", () => {
    const lines = readFileSync(path.join(ROOT, ".env.example"), "utf8").split("\n");
    lines.forEach((line, i) => {
      if (/^#?\s*[A-Z][A-Z0-9_]+=/.test(line)) expect(lines[i - 1], `comment above ${line}`).toMatch(/^#\s+\S/);
    });
  });
});

describe("configuration is read in one place", () => {
  it("no module outside lib/env.ts reads process.env", () => {
    const offenders: string[] = [];
    const visit = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) visit(p);
        else if (/\.(ts|tsx)$/.test(name) && p !== path.join(ROOT, "lib", "env.ts") && /process\.env/.test(readFileSync(p, "utf8"))) {
          offenders.push(path.relative(ROOT, p));
        }
      }
    };
    for (const dir of ["app", "lib", "components"]) visit(path.join(ROOT, dir));
    if (/process\.env/.test(readFileSync(path.join(ROOT, "proxy.ts"), "utf8"))) offenders.push("proxy.ts");
    expect(offenders).toEqual([]);
  });
});

describe("README configuration table", () => {
  it("lists exactly the variables the schema reads", () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("## Architecture"));
    const rows = [...section.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect([...rows].sort()).toEqual(Object.keys(envSchema.shape).sort());
  });
});
