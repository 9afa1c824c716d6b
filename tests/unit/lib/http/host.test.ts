import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { foreignHostError, hostAllowed, refuseForeignHost } from "@/lib/http/host";
import { problemsOf } from "../../../support/env";
import { captureLogs } from "../../../support/logs";

const local = parseEnv({ PORT: "3000" });
const allowed = (host: string | null, vars: Record<string, string> = {}) => hostAllowed(host, Object.keys(vars).length ? parseEnv({ PORT: "3000", ...vars }) : local);

describe("hostAllowed (DESIGN 4.1: the Host allowlist)", () => {
  it("answers loopback names and addresses on the served port, however a browser spells them", () => {
    for (const host of ["127.0.0.1:3000", "localhost:3000", "[::1]:3000", "LocalHost:3000", "[0:0:0:0:0:0:0:1]:3000", "127.1:3000", "2130706433:3000"]) {
      expect(allowed(host), host).toBe(true);
    }
  });

  it("refuses the DNS-rebinding case and names dressed up as loopback", () => {
    for (const host of [
      "rebind.attacker.test:3000",
      "rebind.attacker.test",
      "localhost.attacker.test:3000",
      "127.0.0.1.nip.io:3000",
      "localhost.:3000",
      "127.0.0.1:3000@rebind.attacker.test",
      "rebind.attacker.test@127.0.0.1:3000",
      "rebind.attacker.test/127.0.0.1:3000",
      "127.0.0.1:3000/",
      "127.0.0.1:3000 ",
      " 127.0.0.1:3000",
      "127.0.0.1:3000\r\nx-injected: 1",
      "127.0.0.1:3000:3000",
      "[::1%25lo]:3000",
      "*",
      "",
    ]) {
      expect(allowed(host), JSON.stringify(host)).toBe(false);
    }
    expect(allowed(null)).toBe(false);
  });

  it("refuses loopback on another port, and without a port unless the port served is 80", () => {
    for (const host of ["localhost:3001", "127.0.0.1:80", "localhost", "[::1]"]) expect(allowed(host), host).toBe(false);
    const on80 = parseEnv({ PORT: "80" });
    for (const host of ["localhost", "127.0.0.1", "[::1]", "localhost:80"]) expect(hostAllowed(host, on80), host).toBe(true);
    expect(hostAllowed("localhost:3000", on80)).toBe(false);
  });

  it("answers APP_URL's host on its port, with or without the default port written", () => {
    const https = { APP_URL: "https://tessera.example.com" };
    for (const host of ["tessera.example.com", "tessera.example.com:443", "TESSERA.example.com"]) expect(allowed(host, https), host).toBe(true);
    for (const host of ["tessera.example.com:3000", "tessera.example.com:80", "evil.tessera.example.com", "tessera.example.com.evil.test", "example.com"]) {
      expect(allowed(host, https), host).toBe(false);
    }
    const withPort = { APP_URL: "http://tessera.test:8080" };
    expect(allowed("tessera.test:8080", withPort)).toBe(true);
    expect(allowed("tessera.test", withPort)).toBe(false);
    expect(allowed("localhost:3000", withPort)).toBe(true);
  });

  it("answers PREVIEW_ORIGIN's host, which this same server serves previews under", () => {
    const vars = { APP_URL: "https://tessera.example.com", PREVIEW_ORIGIN: "https://preview.tessera-usercontent.example" };
    expect(allowed("preview.tessera-usercontent.example", vars)).toBe(true);
    expect(allowed("other.tessera-usercontent.example", vars)).toBe(false);
  });

  it("answers ALLOWED_HOSTS: a name without a port on any port, with one only on that port", () => {
    const vars = { ALLOWED_HOSTS: "tessera.internal, Alias.Test:3000" };
    for (const host of ["tessera.internal", "tessera.internal:8443", "alias.test:3000"]) expect(allowed(host, vars), host).toBe(true);
    for (const host of ["alias.test", "alias.test:3001", "x.tessera.internal"]) expect(allowed(host, vars), host).toBe(false);
  });

  it("answers the bound HOSTNAME when it is one specific address, never a wildcard", () => {
    const lan = { HOSTNAME: "192.168.1.5", ALLOW_UNAUTHENTICATED_NETWORK: "1" };
    expect(allowed("192.168.1.5:3000", lan)).toBe(true);
    expect(allowed("192.168.1.5:3001", lan)).toBe(false);
    expect(allowed("[fe80::1]:3000", { HOSTNAME: "fe80::1", ALLOW_UNAUTHENTICATED_NETWORK: "1" })).toBe(true);
    for (const hostname of ["0.0.0.0", "::"]) {
      const vars = { HOSTNAME: hostname, ALLOW_UNAUTHENTICATED_NETWORK: "1" };
      expect(allowed("0.0.0.0:3000", vars)).toBe(false);
      expect(allowed("[::]:3000", vars)).toBe(false);
      expect(allowed("localhost:3000", vars)).toBe(true);
    }
  });

  it("refuses every other name, whatever its port", () => {
    const vars = parseEnv({ PORT: "3000", APP_URL: "https://tessera.example.com", ALLOWED_HOSTS: "tessera.internal" });
    fc.assert(
      fc.property(fc.domain(), fc.option(fc.integer({ min: 1, max: 65535 })), (name, port) => {
        fc.pre(!["tessera.example.com", "tessera.internal", "localhost"].includes(name.toLowerCase()));
        expect(hostAllowed(port === null ? name : `${name}:${port}`, vars)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("says which names it answers to and what to set for another", () => {
    const error = foreignHostError(parseEnv({ PORT: "3000", APP_URL: "https://tessera.example.com", ALLOWED_HOSTS: "alias.test:3000" }));
    expect(error.status).toBe(421);
    expect(error.message).toBe(
      "This server answers only to 127.0.0.1:3000, localhost:3000, [::1]:3000, tessera.example.com, alias.test:3000. To reach it by another name, set APP_URL or ALLOWED_HOSTS.",
    );
  });
});

describe("refuseForeignHost (scripts/serve.ts and proxy.ts)", () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => {
    logs = captureLogs();
  });
  const where = (path: string) => ({ requestId: "req-host-0001", method: "GET", path, clientIp: "127.0.0.1" });

  it("lets an answered Host through without a word", () => {
    expect(refuseForeignHost("127.0.0.1:3000", where("/"), local)).toBeNull();
    expect(logs.lines).toHaveLength(0);
  });

  it("answers the API in the error shape and pages in plain text, with one security event each", () => {
    const api = refuseForeignHost("rebind.attacker.test:3000", where("/api/projects"), local)!;
    expect(api.status).toBe(421);
    expect(api.contentType).toBe("application/json");
    expect(JSON.parse(api.body)).toEqual({ error: { code: "misdirected:host", message: foreignHostError(local).message, requestId: "req-host-0001" } });
    const page = refuseForeignHost("rebind.attacker.test:3000", where("/p/x"), local)!;
    expect(page).toMatchObject({ status: 421, contentType: "text/plain; charset=utf-8" });
    expect(page.body).toContain("set APP_URL or ALLOWED_HOSTS");
    const events = logs.lines.filter((l) => l.security === true);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ event: "host.blocked", host: "rebind.attacker.test:3000", path: "/api/projects", requestId: "req-host-0001" });
  });

  it("logs a hostile Host bounded, and a missing one as null", () => {
    refuseForeignHost("x".repeat(5000), where("/"), local);
    refuseForeignHost(undefined, where("/"), local);
    const [long, missing] = logs.lines.filter((l) => l.security === true);
    expect(String(long!.host).length).toBe(200);
    expect(missing!.host).toBeNull();
  });
});

describe("ALLOWED_HOSTS in the configuration", () => {
  it("normalizes each entry", () => {
    expect(parseEnv({ ALLOWED_HOSTS: " Tessera.Internal:3000 ,alias.test,[::1]:8080" }).ALLOWED_HOSTS).toEqual(["tessera.internal:3000", "alias.test", "[::1]:8080"]);
    expect(parseEnv({}).ALLOWED_HOSTS).toEqual([]);
  });

  it.each(["https://app.rebind.test", "*", ".rebind.test", "app.rebind.test/", "user@app.rebind.test", "app.rebind.test:0", "app.rebind.test:99999", "a b"])(
    "refuses %s, without echoing it",
    (entry) => {
      const problems = problemsOf({ ALLOWED_HOSTS: `ok.example,${entry}` });
      expect(problems).toEqual([{ variable: "ALLOWED_HOSTS", message: expect.stringContaining("entry 2 is not a host name") }]);
      expect(JSON.stringify(problems)).not.toContain(entry);
    },
  );
});
