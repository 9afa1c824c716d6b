import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { exportFileName, exportVersionZip, planExport } from "@/lib/export";
import { TODO_APP } from "@/lib/fragment/example-apps/react";
import { chunksOf, exampleInput, input, unzipText } from "./support";

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("bad_request:validation");
    return (err as AppError).message;
  }
  throw new Error("expected the export to be refused");
}

describe("exportVersionZip: archive contents", () => {
  it("holds the React example, its scaffold and a README under one top folder", async () => {
    const entries = await unzipText(exportVersionZip(exampleInput("react-todo", 3)));
    expect(Object.keys(entries)).toEqual([
      "todo-list-v3/README.md",
      "todo-list-v3/src/App.tsx",
      "todo-list-v3/index.html",
      "todo-list-v3/package.json",
      "todo-list-v3/src/main.tsx",
      "todo-list-v3/src/tailwind.css",
      "todo-list-v3/tsconfig.json",
      "todo-list-v3/vite.config.ts",
    ]);
    expect(entries["todo-list-v3/src/App.tsx"]).toBe(TODO_APP);
    expect(entries["todo-list-v3/src/tailwind.css"]).toBe('@import "tailwindcss";\n');
    expect(entries["todo-list-v3/src/main.tsx"]).toBe(`import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "./tailwind.css";
import App from "./App.tsx";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
`);
    expect(entries["todo-list-v3/index.html"]).toContain('<div id="root"></div>');
    expect(entries["todo-list-v3/index.html"]).toContain('<script type="module" src="/src/main.tsx"></script>');
    expect(entries["todo-list-v3/index.html"]).toContain("<title>Todo list</title>");
    const pkg = JSON.parse(entries["todo-list-v3/package.json"] ?? "");
    expect(pkg).toMatchObject({ name: "todo-list", private: true, type: "module", scripts: { dev: "vite", build: "vite build", preview: "vite preview" } });
    expect(Object.keys(pkg.dependencies)).toEqual(["react", "react-dom"]);
    const readme = entries["todo-list-v3/README.md"] ?? "";
    expect(readme).toMatch(/^# Todo list\n/);
    expect(readme).toContain("```sh\nnpm install\nnpm run dev\n```");
    for (const added of ["index.html", "package.json", "src/main.tsx", "src/tailwind.css", "tsconfig.json", "vite.config.ts"]) {
      expect(readme).toContain(`- \`${added}\`: `);
    }
    expect(readme).not.toContain("`src/App.tsx`:");
    expect(readme).toContain("Exported from Tessera.");
  });

  it("keeps file contents byte for byte, non-ASCII names and empty files included", async () => {
    const files = [
      { path: "index.html", content: "<p>héllo 👋</p>\n" },
      { path: "données/été.csv", content: "a,b\n1,2\n" },
      { path: "empty.txt", content: "" },
    ];
    const entries = await unzipText(exportVersionZip(input({ files })));
    expect(entries["greeting-card-v3/index.html"]).toBe("<p>héllo 👋</p>\n");
    expect(entries["greeting-card-v3/données/été.csv"]).toBe("a,b\n1,2\n");
    expect(entries["greeting-card-v3/empty.txt"]).toBe("");
  });

  it("adds nothing for an HTML project but the README", async () => {
    const entries = await unzipText(exportVersionZip(exampleInput("html-memory-game", 2)));
    expect(Object.keys(entries)).toEqual(["memory-match-v2/README.md", "memory-match-v2/index.html", "memory-match-v2/style.css", "memory-match-v2/game.js"]);
    expect(entries["memory-match-v2/README.md"]).toContain("npx serve .");
    expect(entries["memory-match-v2/README.md"]).not.toContain("Files added by the export");
  });

  it("adds requirements.txt to a Python project", async () => {
    const entries = await unzipText(exportVersionZip(exampleInput("python-sales-chart", 5)));
    expect(Object.keys(entries)).toEqual(["revenue-chart-v5/README.md", "revenue-chart-v5/main.py", "revenue-chart-v5/requirements.txt"]);
    expect(entries["revenue-chart-v5/requirements.txt"]).toBe("numpy\npandas\nmatplotlib\n");
    expect(entries["revenue-chart-v5/README.md"]).toContain("pip install -r requirements.txt\npython3 main.py\n");
  });

  it("exports an unknown template's files with a generic README", async () => {
    const files = [{ path: "server.js", content: "require('http').createServer().listen(3000);\n" }];
    const entries = await unzipText(exportVersionZip(input({ template: "node-server", files, entry: "server.js", port: 3000 })));
    expect(Object.keys(entries)).toEqual(["greeting-card-v3/README.md", "greeting-card-v3/server.js"]);
    expect(entries["greeting-card-v3/README.md"]).toContain("`node-server` template");
    expect(entries["greeting-card-v3/README.md"]).toContain("port 3000");
  });
});

describe("exportVersionZip: the project's own files win", () => {
  it("keeps a React project's package.json and index.html and adds the rest", async () => {
    const ownPackage = '{ "name": "mine", "scripts": { "dev": "vite" } }\n';
    const ownPage = "<!doctype html><div id=root></div><script type=module src=/src/main.tsx></script>\n";
    const todo = exampleInput("react-todo", 1);
    const files = [...todo.files, { path: "package.json", content: ownPackage }, { path: "index.html", content: ownPage }];
    const plan = planExport({ ...todo, files });
    expect(plan.added.map((f) => f.path)).toEqual(["src/main.tsx", "src/tailwind.css", "tsconfig.json", "vite.config.ts"]);
    const entries = await unzipText(exportVersionZip({ ...todo, files }));
    expect(entries["todo-list-v1/package.json"]).toBe(ownPackage);
    expect(entries["todo-list-v1/index.html"]).toBe(ownPage);
    expect(Object.keys(entries).filter((name) => name.endsWith("package.json") || name.endsWith("index.html"))).toHaveLength(2);
    const readme = entries["todo-list-v1/README.md"] ?? "";
    expect(readme).not.toContain("- `package.json`");
    expect(readme).not.toContain("- `index.html`");
    expect(readme).toContain("The project has its own `package.json`");
    expect(readme).toContain("- `src/main.tsx`");
  });

  it("writes its README as README.tessera.md next to the project's README.md", async () => {
    const files = [
      { path: "index.html", content: "<p>x</p>" },
      { path: "readme.md", content: "# Mine\n" },
    ];
    const entries = await unzipText(exportVersionZip(input({ files })));
    expect(entries["greeting-card-v3/readme.md"]).toBe("# Mine\n");
    expect(entries["greeting-card-v3/README.tessera.md"]).toContain("# Greeting card!");
    expect(Object.keys(entries)).not.toContain("greeting-card-v3/README.md");
  });
});

describe("exportVersionZip: refusals happen before any byte", () => {
  const bad: [string, string, RegExp][] = [
    ["traversal", "../../etc/passwd", /\.\. segment/],
    ["traversal mid-path", "src/../../x", /\.\. segment/],
    ["absolute", "/etc/passwd", /absolute/],
    [".env", ".env", /\.env/],
    [".env nested", "src/.env.local", /\.env/],
    ["node_modules", "node_modules/react/index.js", /node_modules/],
    [".git", ".git/config", /\.git/],
    ["backslash", "src\\a.ts", /backslash/],
    ["empty", "", /empty/],
  ];
  it.each(bad)("refuses a %s path", (_, path, problem) => {
    const files = [{ path: "index.html", content: "ok" }, { path, content: "x" }];
    expect(refusal(() => exportVersionZip(input({ files })))).toMatch(problem);
  });

  it("refuses a bad entry path", () => {
    expect(refusal(() => exportVersionZip(input({ entry: "../index.html" })))).toMatch(/\.\. segment/);
  });

  it("refuses duplicate paths, also when they differ only in Unicode form or case", () => {
    const twice = [{ path: "a.txt", content: "1" }, { path: "a.txt", content: "2" }];
    expect(refusal(() => exportVersionZip(input({ files: twice })))).toMatch(/appears twice/);
    const forms = [{ path: "caf\u00e9.txt", content: "1" }, { path: "cafe\u0301.txt", content: "2" }];
    expect(refusal(() => exportVersionZip(input({ files: forms })))).toMatch(/appears twice/);
    const cases = [{ path: "src/App.tsx", content: "1" }, { path: "src/app.tsx", content: "2" }];
    expect(refusal(() => exportVersionZip(input({ files: cases })))).toMatch(/differ only in case/);
  });

  it("refuses a path that is both a file and a folder", () => {
    const files = [{ path: "lib", content: "1" }, { path: "lib/x.js", content: "2" }];
    expect(refusal(() => exportVersionZip(input({ files })))).toMatch(/"lib" is a file/);
    // The scaffold's src/main.tsx would need src/ to be a folder.
    const react = [{ path: "src", content: "1" }, { path: "App.tsx", content: "export default () => null;" }];
    expect(refusal(() => exportVersionZip(input({ template: "react", files: react, entry: "App.tsx" })))).toMatch(/"src" is a file/);
  });

  it("refuses dependency specs that are not package names", () => {
    const react = exampleInput("react-todo");
    expect(refusal(() => exportVersionZip({ ...react, dependencies: { npm: ["git+https://evil/x.git"], pip: [] } }))).toMatch(/not an npm package/);
    const py = exampleInput("python-sales-chart");
    expect(refusal(() => exportVersionZip({ ...py, dependencies: { npm: [], pip: ["requests>=2; rm -rf /"] } }))).toMatch(/not a PyPI package/);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("refuses version number %s", (n) => {
    expect(refusal(() => exportVersionZip(input({ n })))).toMatch(/Version number/);
  });
});

describe("exportVersionZip: streaming", () => {
  it("yields a few-hundred-KB project in many chunks, as the reader pulls", async () => {
    // Random base64 barely compresses, so the output is as large as the input.
    const files = [
      { path: "index.html", content: "<p>big</p>" },
      { path: "data/blob.txt", content: randomBytes(300_000).toString("base64") },
      ...Array.from({ length: 4 }, (_, i) => ({ path: `data/part-${i}.txt`, content: randomBytes(30_000).toString("base64") })),
    ];
    const stream = exportVersionZip(input({ files }));
    const reader = stream.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    reader.releaseLock();
    const rest = await chunksOf(stream);
    const sizes = [first.value?.length ?? 0, ...rest.map((c) => c.length)];
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(400_000);
    expect(sizes.length).toBeGreaterThan(10);
    // The big file arrives in slices, not as one piece.
    expect(Math.max(...sizes)).toBeLessThan(200_000);
  });

  it("can be cancelled part-way", async () => {
    const files = Array.from({ length: 20 }, (_, i) => ({ path: `f${i}.txt`, content: randomBytes(20_000).toString("hex") }));
    const reader = exportVersionZip(input({ files })).getReader();
    await reader.read();
    await expect(reader.cancel()).resolves.toBeUndefined();
  });
});

describe("exportFileName and the top folder", () => {
  const cases: [string, string][] = [
    ["Greeting card!", "greeting-card-v3"],
    ["", "project-v3"],
    ["   ", "project-v3"],
    ["名前", "project-v3"],
    ["../../etc/passwd", "etc-passwd-v3"],
    ['a"b\r\nc', "a-b-c-v3"],
    ["Café crème", "cafe-creme-v3"],
    ["C:\\Windows\\System32", "c-windows-system32-v3"],
    ["x".repeat(300), `${"x".repeat(48)}-v3`],
  ];
  it.each(cases)("%j → %s", async (title, folder) => {
    const { ascii, contentDisposition } = exportFileName(title, 3);
    expect(ascii).toBe(`${folder}.zip`);
    expect(contentDisposition.startsWith(`attachment; filename="${folder}.zip"; filename*=UTF-8''`)).toBe(true);
    const names = Object.keys(await unzipText(exportVersionZip(input({ title }))));
    for (const name of names) expect(name.startsWith(`${folder}/`)).toBe(true);
  });

  const hostile = ["../../etc/passwd", 'a"b\r\nc', "名前", "", "x\u202Etxt.exe", "a;b=c, d'e", "..\\..\\boot.ini", "\u0000\u007f\u0085", "\ud800lone"];
  it.each(hostile)("gives %j a header value that cannot break out", (title) => {
    const { ascii, contentDisposition } = exportFileName(title, 3);
    expect(ascii).toMatch(/^[a-z0-9-]+-v3\.zip$/);
    // Visible ASCII only: no CR/LF or other control, no bidi override, one quoted pair.
    expect(contentDisposition).toMatch(/^[\x20-\x7e]+$/);
    expect(contentDisposition.match(/"/g)).toHaveLength(2);
    const [, star = ""] = contentDisposition.split("filename*=UTF-8''");
    expect(star).toMatch(/^[A-Za-z0-9!#$&+\-.^_`|~%]+$/);
    const decoded = decodeURIComponent(star);
    expect(decoded).toMatch(/-v3\.zip$/);
    expect(decoded).not.toMatch(/[/\\"\r\n\u202e]/);
    expect(decoded.startsWith(".")).toBe(false);
  });

  it("carries the original title in filename*", () => {
    expect(exportFileName("Greeting card!", 3).contentDisposition).toBe(
      "attachment; filename=\"greeting-card-v3.zip\"; filename*=UTF-8''Greeting%20card!-v3.zip",
    );
    expect(exportFileName("名前", 7).contentDisposition).toBe(
      `attachment; filename="project-v7.zip"; filename*=UTF-8''${encodeURIComponent("名前")}-v7.zip`,
    );
    expect(decodeURIComponent(exportFileName("../../etc/passwd", 1).contentDisposition.split("''")[1] ?? "")).toBe("etc-passwd-v1.zip");
  });
});
