import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError, errorBody } from "@/lib/errors";
import { E2BProvider } from "@/lib/sandbox/providers/e2b";
import type { Sandbox } from "@/lib/sandbox/types";
import { ONE_PIXEL_PNG, startFakeE2B, type FakeE2B } from "../../support/e2b-fake";

/**
 * The E2B adapter through the real SDK (REST via openapi-fetch, envd via Connect-JSON and HTTP,
 * the interpreter via NDJSON) against a loopback fake that speaks those wire formats. Nothing is
 * mocked at the module boundary.
 */

let fake: FakeE2B;
let provider: E2BProvider;

function providerFor(options: Partial<ConstructorParameters<typeof E2BProvider>[0]> = {}) {
  return new E2BProvider({ apiKey: fake.apiKey, apiUrl: fake.apiUrl, sandboxUrl: fake.sandboxUrl, ...options });
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

beforeAll(async () => {
  fake = await startFakeE2B();
  provider = providerFor();
});

afterAll(async () => {
  await fake?.close();
});

describe("E2BProvider against a fake E2B", () => {
  let sbx: Sandbox;

  beforeAll(async () => {
    sbx = await provider.create({ template: "python", ownerId: "user-1", projectId: "proj-1", metadata: { purpose: "test" } });
  });

  it("creates from the mapped template, records owner and project, and passes no environment", async () => {
    const create = fake.requestsTo("api", "/v2/sandboxes").find((r) => r.method === "POST");
    expect(create).toBeDefined();
    const body = create!.body as Record<string, unknown>;
    expect(body.templateID).toBe("code-interpreter-v1");
    expect(body.metadata).toEqual({ purpose: "test", tesseraOwner: "user-1", tesseraProject: "proj-1", tesseraTemplate: "python", tesseraNetwork: "none" });
    expect(body.envVars).toEqual({});
    expect(body.timeout).toBe(300);
    // No network unless asked (DESIGN 4.5).
    expect(body.network).toEqual({ denyOut: ["0.0.0.0/0"] });
    expect(JSON.stringify(body)).not.toContain(fake.apiKey);

    const stored = fake.sandboxes.get(sbx.info.id)!;
    expect(stored.metadata.tesseraOwner).toBe("user-1");
    expect(stored.envVars).toEqual({});
    expect(sbx.info).toMatchObject({ provider: "e2b", template: "python", ownerId: "user-1", projectId: "proj-1", metadata: { purpose: "test" }, status: "running" });
    expect(sbx.info.expiresAt.getTime() - sbx.info.createdAt.getTime()).toBe(300_000);
  });

  it("refuses unknown templates, reserved metadata and a missing owner before calling E2B", async () => {
    const before = fake.requests.length;
    expect((await rejection(provider.create({ template: "cobol", ownerId: "u", projectId: "p" }))).code).toBe("bad_request:validation");
    expect((await rejection(provider.create({ template: "toString", ownerId: "u", projectId: "p" }))).code).toBe("bad_request:validation");
    expect((await rejection(provider.create({ template: "python", ownerId: "u", projectId: "p", metadata: { tesseraOwner: "someone-else" } }))).code).toBe(
      "bad_request:validation",
    );
    expect((await rejection(provider.create({ template: "python", ownerId: "", projectId: "p" }))).code).toBe("bad_request:validation");
    expect(fake.requests.length).toBe(before);
  });

  it("lists the E2B templates and passes preflight only with a key", async () => {
    expect(provider.templates()).toEqual(["python", "nextjs", "vue", "streamlit", "gradio"]);
    expect(providerFor({ templateIds: { nextjs: "my-nextjs" } }).templates()).toContain("nextjs");
    expect(await provider.preflight()).toEqual({ ok: true });
    const none = await providerFor({ apiKey: "" }).preflight();
    expect(none.ok).toBe(false);
    expect(none.problem).toMatch(/E2B_API_KEY/);
  });

  describe("files", () => {
    it("round-trips text and bytes under the project root", async () => {
      await sbx.files.write("src/app/[slug]/page.tsx", "export default function Page() {}\n");
      expect(await sbx.files.readText("src/app/[slug]/page.tsx")).toBe("export default function Page() {}\n");
      expect(fake.sandboxes.get(sbx.info.id)!.files.has("/home/user/src/app/[slug]/page.tsx")).toBe(true);

      const bytes = new Uint8Array(256).map((_, i) => i);
      await sbx.files.write("data/blob.bin", bytes);
      expect(Buffer.from(await sbx.files.read("data/blob.bin")).equals(Buffer.from(bytes))).toBe(true);

      // A literal "%2e%2e" is an ordinary name: it must arrive as such, not decoded into "..".
      await sbx.files.write("%2e%2e", "literal");
      expect(fake.sandboxes.get(sbx.info.id)!.files.get("/home/user/%2e%2e")?.toString()).toBe("literal");
    });

    it("lists without showing or entering node_modules, .git or .env files", async () => {
      const stored = fake.sandboxes.get(sbx.info.id)!;
      stored.files.set("/home/user/node_modules/react/index.js", Buffer.from("x"));
      stored.files.set("/home/user/.git/HEAD", Buffer.from("ref"));
      stored.files.set("/home/user/.env.local", Buffer.from("SECRET=1"));
      const listed = await sbx.files.list();
      const paths = listed.map((e) => e.path);
      expect(paths).toEqual(expect.arrayContaining(["src", "src/app", "src/app/[slug]", "src/app/[slug]/page.tsx", "data/blob.bin"]));
      expect(paths.some((p) => /node_modules|\.git|\.env/.test(p))).toBe(false);
      expect(listed.find((e) => e.path === "data/blob.bin")).toEqual({ path: "data/blob.bin", type: "file", size: 256 });
      const listDirs = fake.requestsTo("envd", "/filesystem.Filesystem/ListDir").map((r) => (r.body as { path: string }).path);
      expect(listDirs.some((p) => p.includes("node_modules") || p.includes(".git"))).toBe(false);

      expect((await sbx.files.list("src/app")).map((e) => e.path)).toEqual(["src/app/[slug]", "src/app/[slug]/page.tsx"]);
    });

    it("removes, and reports a missing file as not_found", async () => {
      await sbx.files.remove("data/blob.bin");
      const err = await rejection(sbx.files.read("data/blob.bin"));
      expect(err.code).toBe("not_found");
      expect(err.message).toBe("No file at data/blob.bin.");
      await sbx.files.remove("data/blob.bin");
    });

    it("refuses traversal and forbidden paths before any request reaches the sandbox", async () => {
      const before = fake.requestsTo("envd").length;
      const bad = ["../../etc/passwd", "src/.env", "/abs", "/home/user/.bashrc", ".git/config", "node_modules/x.js", "a/../../b", "\uFF0E\uFF0E/etc/passwd", "src\\..\\x"];
      for (const p of bad) {
        for (const attempt of [sbx.files.write(p, "x"), sbx.files.read(p), sbx.files.remove(p), sbx.files.list(p), sbx.commands.run(["pwd"], { cwd: p })]) {
          expect((await rejection(attempt)).code).toBe("bad_request:validation");
        }
      }
      expect(fake.requestsTo("envd").length).toBe(before);
      expect(fake.requestsTo("envd", "/files").some((r) => /passwd|\.env|abs/.test(r.query.path ?? ""))).toBe(false);
    });
  });

  describe("commands", () => {
    it("streams stdout in order and returns the exit code", async () => {
      const chunks: string[] = [];
      const result = await sbx.commands.run(["seq", "5"], { onStdout: (c) => chunks.push(c) });
      expect(chunks).toEqual(["1\n", "2\n", "3\n", "4\n", "5\n"]);
      expect(result).toMatchObject({ exitCode: 0, stdout: "1\n2\n3\n4\n5\n", stderr: "", truncatedBytes: 0 });
      expect(result.killedBy).toBeUndefined();

      const start = fake.requestsTo("envd", "/process.Process/Start").at(-1)!;
      expect(start.headers["content-type"]).toBe("application/connect+json");
      const { process: config } = start.body as { process: { cmd: string; args: string[]; cwd: string; envs?: Record<string, string> } };
      expect(config).toMatchObject({ cmd: "/bin/bash", args: ["-l", "-c", "'seq' '5'"], cwd: "/home/user" });
      // Proto3 JSON leaves an empty map out: no variable was sent.
      expect(config.envs ?? {}).toEqual({});
    });

    it("passes arguments literally, whatever shell syntax they contain", async () => {
      const result = await sbx.commands.run(["echo", "a;b $HOME `id` it's", "*"]);
      expect(result.stdout).toBe("a;b $HOME `id` it's *\n");
    });

    it("maps non-zero exits, stderr, cwd, env and stdin", async () => {
      expect(await sbx.commands.run(["false"])).toMatchObject({ exitCode: 1 });
      const missing = await sbx.commands.run(["ls", "missing"]);
      expect(missing.exitCode).toBe(2);
      expect(missing.stderr).toContain("No such file or directory");
      expect((await sbx.commands.run(["no-such-tool"])).exitCode).toBe(127);
      expect((await sbx.commands.run(["pwd"], { cwd: "src/app" })).stdout).toBe("/home/user/src/app\n");
      expect((await sbx.commands.run(["printenv", "GREETING"], { env: { GREETING: "hi" } })).stdout).toBe("hi\n");
      expect((await sbx.commands.run(["cat"], { stdin: "piped in" })).stdout).toBe("piped in");
    });

    it("refuses secret-looking variables and empty commands without calling the sandbox", async () => {
      const before = fake.requestsTo("envd").length;
      expect((await rejection(sbx.commands.run(["printenv"], { env: { OPENAI_API_KEY: "sk-x" } }))).code).toBe("bad_request:validation");
      expect((await rejection(sbx.commands.run([]))).code).toBe("bad_request:validation");
      expect(fake.requestsTo("envd").length).toBe(before);
    });

    it("ends a command at its timeout, kills it in the sandbox and says so", async () => {
      const result = await sbx.commands.run(["sleep", "30"], { timeoutMs: 300 });
      expect(result).toMatchObject({ exitCode: 137, killedBy: "timeout" });
      expect(result.durationMs).toBeLessThan(5_000);
      expect(fake.signalled.length).toBeGreaterThan(0);
    });

    it("caps output and counts what it dropped", async () => {
      const small = await providerFor().create({ template: "python", ownerId: "user-1", projectId: "proj-1", limits: { maxOutputBytes: 100 } });
      const result = await small.commands.run(["seq", "1000"]);
      expect(Buffer.byteLength(result.stdout)).toBeLessThanOrEqual(100);
      expect(result.truncatedBytes).toBe(3893 - 100);
      expect(result.stderr).toContain("output truncated");
      await small.kill();
    });

    it("starts background commands that can be killed", async () => {
      const bg = await sbx.commands.start(["sleep", "30"]);
      expect(bg.pid).toBeGreaterThan(0);
      await bg.kill();
      expect(await bg.wait()).toMatchObject({ exitCode: 137, killedBy: "killed" });
    });

    it("opens the registries only while a command that asks for them runs", async () => {
      const before = fake.requestsTo("api", /\/network$/).length;
      await sbx.commands.run(["echo", "install"], { network: { mode: "registries" } });
      const updates = fake.requestsTo("api", /\/network$/).slice(before);
      expect(updates.map((r) => r.body)).toEqual([
        { allowOut: ["registry.npmjs.org", "pypi.org", "files.pythonhosted.org"], denyOut: ["0.0.0.0/0"] },
        { denyOut: ["0.0.0.0/0"] },
      ]);
    });
  });

  it("creates a registries sandbox with an allowlist, and keeps it across reconnects", async () => {
    const open = await provider.create({ template: "nextjs", ownerId: "user-1", projectId: "proj-4", network: { mode: "registries" } });
    const create = fake.requestsTo("api", "/v2/sandboxes").filter((r) => r.method === "POST").at(-1)!;
    expect((create.body as { network: unknown }).network).toEqual({ allowOut: ["registry.npmjs.org", "pypi.org", "files.pythonhosted.org"], denyOut: ["0.0.0.0/0"] });
    expect((create.body as { templateID: string }).templateID).toBe("nextjs-developer");
    const again = await provider.connect(open.info.id, "user-1");
    const before = fake.requestsTo("api", /\/network$/).length;
    await again.commands.run(["echo", "install"], { network: { mode: "registries" } });
    expect(fake.requestsTo("api", /\/network$/).length).toBe(before);
    await again.kill();
  });

  describe("runCode", () => {
    it("maps stdout, stderr and rich results", async () => {
      const seen: string[] = [];
      const execution = await sbx.runCode("import matplotlib; plot()", { onStdout: (s) => seen.push(s) });
      expect(seen).toEqual(["hello\n"]);
      expect(execution.stdout).toBe("hello\n");
      expect(execution.stderr).toBe("warning: fake\n");
      expect(execution.results).toEqual([
        { type: "png", base64: ONE_PIXEL_PNG },
        { type: "html", html: "<b>table</b>" },
        { type: "json", json: { a: 1 } },
        { type: "text", text: "42" },
      ]);
      expect(execution.error).toBeUndefined();
      const request = fake.requestsTo("jupyter", "/execute").at(-1)!;
      expect(request.headers["e2b-sandbox-port"]).toBe("49999");
      expect((request.body as { code: string }).code).toBe("import matplotlib; plot()");
    });

    it("maps a Python error", async () => {
      const execution = await sbx.runCode("x = 1\n1/0");
      expect(execution.stdout).toBe("before\n");
      expect(execution.error).toEqual({
        name: "ZeroDivisionError",
        value: "division by zero",
        traceback: expect.stringContaining("ZeroDivisionError: division by zero") as unknown as string,
      });
    });

    it("stops waiting at the time limit", async () => {
      const previous = fake.execute;
      fake.execute = () => [{ type: "stdout", text: "working\n" }, { type: "pause", ms: 3_000 }, { type: "end_of_execution" }];
      try {
        const err = await rejection(sbx.runCode("while True: pass", { timeoutMs: 200 }));
        expect(err.code).toBe("bad_request:validation");
        expect(err.message).toMatch(/time limit/);
      } finally {
        fake.execute = previous;
      }
    });
  });

  it("gives a preview URL on the E2B host for the port", async () => {
    expect(await sbx.preview(3000)).toBe(`https://3000-${sbx.info.id}.e2b.app`);
    const selfHosted = await providerFor({ domain: "sandbox.example.test" }).create({ template: "nextjs", ownerId: "user-1", projectId: "proj-2" });
    expect(await selfHosted.preview(8501)).toBe(`https://8501-${selfHosted.info.id}.sandbox.example.test`);
    expect((await rejection(sbx.preview(0))).code).toBe("bad_request:validation");
    await selfHosted.kill();
  });

  it("reads metrics from E2B", async () => {
    expect(await sbx.metrics()).toEqual({ memoryBytes: 64 * 1024 * 1024, cpuSeconds: 0, diskBytes: 10 * 1024 * 1024, processes: 0 });
  });

  it("sends setTimeout to E2B and moves the expiry", async () => {
    await sbx.setTimeout(120_000);
    const req = fake.requestsTo("api", `/sandboxes/${sbx.info.id}/timeout`).at(-1);
    expect(req?.body).toEqual({ timeout: 120 });
    expect(Math.abs(sbx.info.expiresAt.getTime() - (Date.now() + 120_000))).toBeLessThan(2_000);
  });

  describe("ownership", () => {
    it("reconnects for the owner, with files and info intact", async () => {
      const again = await provider.connect(sbx.info.id, "user-1");
      expect(again.info).toMatchObject({ id: sbx.info.id, ownerId: "user-1", projectId: "proj-1", template: "python", metadata: { purpose: "test" } });
      expect(await again.files.readText("src/app/[slug]/page.tsx")).toContain("Page");
    });

    it("treats another owner's sandbox exactly like a missing one, and touches neither", async () => {
      const theirs = fake.seed({ metadata: { tesseraOwner: "user-2", tesseraProject: "p2" } });
      const wrongOwner = await rejection(provider.connect(theirs.id, "user-1"));
      const missing = await rejection(provider.connect("i0000000000000000000", "user-1"));
      expect(wrongOwner.code).toBe("not_found");
      expect(wrongOwner.message).toBe(missing.message);
      expect((await rejection(provider.kill(theirs.id, "user-1"))).message).toBe(missing.message);
      expect((await rejection(provider.connect("../v2/sandboxes", "user-1"))).code).toBe("not_found");

      const touched = fake.requests.filter((r) => r.path.includes(theirs.id) && r.method !== "GET");
      expect(touched).toEqual([]);
      expect(theirs.killed).toBe(false);
    });

    it("lists only the owner's sandboxes, filtered by E2B and again locally", async () => {
      const mine = await provider.list("user-1");
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((s) => s.ownerId === "user-1")).toBe(true);
      expect(mine.map((s) => s.id)).toContain(sbx.info.id);
      const listReq = fake.requestsTo("api", "/v2/sandboxes").filter((r) => r.method === "GET").at(-1)!;
      expect(listReq.query.metadata).toBe("tesseraOwner=user-1");
      expect(await provider.list("user-2")).toHaveLength(1);
    });

    it("kills for the owner; the sandbox is then gone for everyone", async () => {
      const doomed = await provider.create({ template: "python", ownerId: "user-1", projectId: "proj-3" });
      await provider.kill(doomed.info.id, "user-1");
      expect(fake.requestsTo("api", `/sandboxes/${doomed.info.id}`).some((r) => r.method === "DELETE")).toBe(true);
      expect((await rejection(provider.connect(doomed.info.id, "user-1"))).code).toBe("not_found");

      await sbx.kill();
      expect(sbx.info.status).toBe("killed");
      expect((await rejection(sbx.files.read("src/app/[slug]/page.tsx"))).code).toBe("not_found");
    });
  });
});

describe("E2BProvider with a rejected API key", () => {
  it("reports unavailable:sandbox without the key anywhere in the error", async () => {
    const wrongKey = `e2b_${"f".repeat(40)}`;
    const bad = providerFor({ apiKey: wrongKey });
    for (const attempt of [bad.create({ template: "python", ownerId: "u", projectId: "p" }), bad.connect("i1234567890", "u"), bad.list("u")]) {
      const err = await rejection(attempt);
      expect(err.code).toBe("unavailable:sandbox");
      expect(err.message).toMatch(/API key/);
      const everything = [err.message, String(err.cause), String((err.cause as Error).message), JSON.stringify(errorBody(err, "req-1").body)].join("\n");
      expect(everything).not.toContain(wrongKey);
      expect(everything).not.toContain("f".repeat(40));
      // The SDK's text is kept for the log, with the echoed key scrubbed out of it.
      expect(String((err.cause as Error).message)).toContain("[redacted]");
    }
    const unconfigured = await rejection(providerFor({ apiKey: "" }).list("u"));
    expect(unconfigured.code).toBe("unavailable:sandbox");
    // The fake does echo the key back, so the test above is not vacuous.
    const last = fake.requestsTo("api").at(-1)!;
    expect(last.headers["x-api-key"]).toBe(wrongKey);
  });
});
