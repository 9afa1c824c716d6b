import { beforeEach, describe, expect, it } from "vitest";
import { log, securityEvent } from "@/lib/log";
import { runWithRequestContext } from "@/lib/request-context";
import { captureLogs } from "../../support/logs";

// Planted secrets, one of each shape the redactor must catch. Built at run time so the source
// holds no secret-shaped literal.
const s = (prefix: string, body: string) => prefix + body;
const SECRETS = {
  openai: s("sk-proj-", "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6"),
  anthropic: s("sk-ant-", "api03-ZZZZyyyyXXXXwwwwVVVVuuuu"),
  plainSk: s("sk-", "abcdefghijklmnopqrstuvwx"),
  jwt: ["eyJhbGciOiJIUzI1NiJ9", "eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjk5fQ", "c2lnbmF0dXJlLXZhbHVlLWhlcmU"].join("."),
  bearer: s("opaque", "TokenValue12345678"),
  github: s("ghp_", "0123456789abcdefghijABCDEFGHIJ"),
  aws: s("AKIA", "IOSFODNN7EXAMPLE"),
  e2b: s("e2b_", "0123456789abcdef0123456789"),
  urlPassword: "hunter2-db-pass",
  keyedOnly: "not-secret-looking-but-keyed",
};

function everyLineClean(raw: string[]) {
  const all = raw.join("\n");
  for (const [name, value] of Object.entries(SECRETS)) expect(all, `${name} leaked`).not.toContain(value);
}

describe("log redaction", () => {
  let captured: ReturnType<typeof captureLogs>;
  beforeEach(() => {
    captured = captureLogs();
  });

  it("scrubs secret-shaped values from messages", () => {
    log().info(`calling provider with ${SECRETS.openai} and Authorization: Bearer ${SECRETS.bearer}; sandbox key ${SECRETS.e2b}`);
    log().warn(`token ${SECRETS.jwt} from postgres://app:${SECRETS.urlPassword}@db.internal:5432/x`);
    everyLineClean(captured.raw);
    expect(captured.raw[0]).toContain("[redacted]");
    expect(captured.raw[0]).toContain("Bearer [redacted]");
  });

  it("redacts secret keys at any depth, in arrays, whatever the value looks like", () => {
    log().info(
      {
        request: { headers: { authorization: `Bearer ${SECRETS.bearer}`, cookie: "sb-access=abc", "x-api-key": SECRETS.keyedOnly } },
        deep: { a: { b: { c: { d: { password: SECRETS.keyedOnly, apiKey: SECRETS.keyedOnly } } } } },
        list: [{ token: SECRETS.keyedOnly }, SECRETS.github, [SECRETS.aws]],
        providerConfig: { openaiApiKey: SECRETS.keyedOnly, clientSecret: SECRETS.keyedOnly },
      },
      "nested",
    );
    everyLineClean(captured.raw);
    const line = captured.lines[0] as { deep: { a: { b: { c: { d: { password: string } } } } } };
    expect(line.deep.a.b.c.d.password).toBe("[redacted]");
  });

  it("scrubs secrets from error messages, stacks and causes", () => {
    const inner = new Error(`upstream said invalid key ${SECRETS.anthropic}`);
    const err = new Error(`request failed for ${SECRETS.plainSk}`, { cause: inner });
    err.stack = `Error: request failed for ${SECRETS.plainSk}\n    at call (/srv/app.js:1:1) ${SECRETS.jwt}`;
    Object.assign(err, { config: { headers: { Authorization: `Bearer ${SECRETS.bearer}` } } });
    log().error({ err }, "provider call failed");
    log().error(err);
    everyLineClean(captured.raw);
    expect(captured.raw.join("\n")).toContain("provider call failed");
  });

  it("puts the request id on every line inside a request and in security events", () => {
    runWithRequestContext({ requestId: "req-abcdef12" }, () => {
      log().info("inside");
      securityEvent("auth.failed", { reason: `bad token ${SECRETS.jwt}` });
    });
    expect(captured.lines.map((l) => l.requestId)).toEqual(["req-abcdef12", "req-abcdef12"]);
    expect(captured.lines[1]).toMatchObject({ event: "auth.failed", security: true });
    everyLineClean(captured.raw);
  });
});
