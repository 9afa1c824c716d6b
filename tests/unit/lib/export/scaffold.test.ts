import { describe, expect, it } from "vitest";
import { SCAFFOLD_VERSIONS, scaffoldFor, type ScaffoldInput } from "@/lib/export";

function scaffold(overrides: Partial<ScaffoldInput>): Record<string, string> {
  const files = scaffoldFor({
    packageName: "demo",
    title: "Demo",
    template: "react",
    files: [{ path: "src/App.tsx", content: "export default function App() { return null; }\n" }],
    dependencies: { npm: [], pip: [] },
    entry: "src/App.tsx",
    ...overrides,
  });
  return Object.fromEntries(files.map((f) => [f.path, f.content]));
}

const pkg = (files: Record<string, string>) => JSON.parse(files["package.json"] ?? "null");

describe("scaffoldFor: React", () => {
  it("splits declared npm specs, scoped ones included, and lets the template's packages win", () => {
    const files = scaffold({
      dependencies: { npm: ["@tanstack/react-query@5", "@scope/plain", "lodash@^4.17", "zustand", "react@18", "tailwindcss@3", "zustand@4"], pip: [] },
    });
    expect(pkg(files).dependencies).toEqual({
      "@scope/plain": "latest",
      "@tanstack/react-query": "5",
      lodash: "^4.17",
      react: SCAFFOLD_VERSIONS.react,
      "react-dom": SCAFFOLD_VERSIONS["react-dom"],
      zustand: "latest",
    });
    expect(pkg(files).devDependencies).toEqual({
      "@tailwindcss/vite": SCAFFOLD_VERSIONS["@tailwindcss/vite"],
      "@types/react": SCAFFOLD_VERSIONS["@types/react"],
      "@types/react-dom": SCAFFOLD_VERSIONS["@types/react-dom"],
      "@vitejs/plugin-react": SCAFFOLD_VERSIONS["@vitejs/plugin-react"],
      tailwindcss: SCAFFOLD_VERSIONS.tailwindcss,
      typescript: SCAFFOLD_VERSIONS.typescriptReact,
      vite: SCAFFOLD_VERSIONS.vite,
    });
  });

  it("mounts the declared entry when it is not src/App.tsx", () => {
    const files = scaffold({ files: [{ path: "src/Game.tsx", content: "export default () => null;" }], entry: "src/Game.tsx" });
    expect(files["src/main.tsx"]).toContain('import App from "./Game.tsx";');
    const root = scaffold({ files: [{ path: "App.jsx", content: "export default () => null;" }], entry: "App.jsx" });
    expect(root["src/main.tsx"]).toContain('import App from "../App.jsx";');
  });

  it("falls back to the template's own lookup when the entry is not a component file", () => {
    const files = scaffold({ files: [{ path: "src/App.tsx", content: "" }, { path: "src/data.json", content: "{}" }], entry: "src/data.json" });
    expect(files["src/main.tsx"]).toContain('import App from "./App.tsx";');
  });

  it("uses the project's own main and links Tailwind from the page instead", () => {
    const files = scaffold({ files: [{ path: "src/index.tsx", content: "" }, { path: "src/App.tsx", content: "" }], entry: "src/App.tsx" });
    expect(Object.keys(files).sort()).toEqual(["index.html", "package.json", "src/tailwind.css", "tsconfig.json", "vite.config.ts"]);
    expect(files["index.html"]).toContain('<script type="module" src="/src/index.tsx"></script>');
    expect(files["index.html"]).toContain('<link rel="stylesheet" href="/src/tailwind.css" />');
  });

  it("adds no Tailwind stylesheet when a project stylesheet imports Tailwind", () => {
    const files = scaffold({ files: [{ path: "src/App.tsx", content: "" }, { path: "src/styles.css", content: "@import 'tailwindcss';\n@theme { --color-x: red; }" }] });
    expect(Object.keys(files)).not.toContain("src/tailwind.css");
    expect(files["src/main.tsx"]).not.toContain(".css");
  });

  it("picks another stylesheet name when src/tailwind.css is the project's own", () => {
    const files = scaffold({ files: [{ path: "src/App.tsx", content: "" }, { path: "src/Tailwind.css", content: "body { margin: 0 }" }] });
    expect(files["src/tessera-tailwind.css"]).toBe('@import "tailwindcss";\n');
    expect(files["src/main.tsx"]).toContain('import "./tessera-tailwind.css";');
  });

  it("writes nothing at a path the project uses, in any letter case, and respects its Vite config", () => {
    const files = scaffold({
      files: [
        { path: "src/App.tsx", content: "" },
        { path: "Package.json", content: "{}" },
        { path: "vite.config.mjs", content: "export default {};" },
        { path: "tsconfig.json", content: "{}" },
      ],
    });
    expect(Object.keys(files).sort()).toEqual(["index.html", "src/main.tsx", "src/tailwind.css"]);
  });

  it("escapes the title in index.html", () => {
    const files = scaffold({ title: '</title><script>alert("x")</script>\n' });
    expect(files["index.html"]).toContain("<title>&lt;/title&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</title>");
  });
});

describe("scaffoldFor: Vue, HTML, Python, others", () => {
  it("mounts App.vue with Vite and the Vue plugin", () => {
    const files = scaffold({ template: "vue", files: [{ path: "src/App.vue", content: "<template>hi</template>" }], entry: "src/App.vue", dependencies: { npm: ["pinia@3"], pip: [] } });
    expect(Object.keys(files).sort()).toEqual(["index.html", "package.json", "src/main.ts", "vite.config.ts"]);
    expect(files["src/main.ts"]).toBe('import { createApp } from "vue";\nimport App from "./App.vue";\n\ncreateApp(App).mount("#root");\n');
    expect(pkg(files).dependencies).toEqual({ pinia: "3", vue: SCAFFOLD_VERSIONS.vue });
    expect(Object.keys(pkg(files).devDependencies)).toEqual(["@vitejs/plugin-vue", "typescript", "vite"]);
    expect(files["vite.config.ts"]).toContain("plugins: [vue()]");
  });

  it("mounts a Vue entry other than App.vue and leaves a project's own main alone", () => {
    const other = scaffold({ template: "vue", files: [{ path: "src/Timer.vue", content: "" }], entry: "src/Timer.vue" });
    expect(other["src/main.ts"]).toContain('import App from "./Timer.vue";');
    const own = scaffold({ template: "vue", files: [{ path: "src/main.js", content: "" }, { path: "src/App.vue", content: "" }], entry: "src/App.vue" });
    expect(Object.keys(own)).not.toContain("src/main.ts");
    expect(own["index.html"]).toContain('src="/src/main.js"');
  });

  it("adds nothing to an HTML project", () => {
    expect(scaffold({ template: "html", files: [{ path: "index.html", content: "" }], entry: "index.html" })).toEqual({});
  });

  it("lists the template's Python packages and the declared ones, a declared pin winning", () => {
    const files = scaffold({
      template: "python",
      files: [{ path: "main.py", content: "" }],
      entry: "main.py",
      dependencies: { npm: [], pip: ["requests==2.31", "NumPy==1.26.4", "pandas", "scikit_learn"] },
    });
    expect(files["requirements.txt"]).toBe("NumPy==1.26.4\npandas\nmatplotlib\nrequests==2.31\nscikit_learn\n");
  });

  it("keeps a Python project's own requirements.txt", () => {
    expect(scaffold({ template: "python", files: [{ path: "main.py", content: "" }, { path: "requirements.txt", content: "rich\n" }], entry: "main.py" })).toEqual({});
  });

  it("adds nothing for a template it does not know", () => {
    expect(scaffold({ template: "nextjs", files: [{ path: "app/page.tsx", content: "" }], entry: "app/page.tsx" })).toEqual({});
  });
});
