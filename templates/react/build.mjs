// Builds a React + TypeScript fragment inside the sandbox: /workspace/src → /workspace/dist.
// Runs as the sandbox user with no network; react, react-dom, esbuild and Tailwind come from this
// template's read-only node_modules. The generated app is a static bundle (index.html, app.js,
// tailwind.css and/or app.css, the error reporter).
import { existsSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { bundleSite, WORKSPACE } from "/opt/tessera/static-site.mjs";
import { tailwind } from "./tailwind.mjs";

const require = createRequire(import.meta.url);
const esbuild = require("esbuild");

const candidates = ["src/main.tsx", "src/main.jsx", "src/index.tsx", "src/index.jsx"];
let entry = candidates.map((c) => `${WORKSPACE}/${c}`).find((p) => existsSync(p));

if (!entry) {
  const app = ["src/App.tsx", "src/App.jsx", "App.tsx", "App.jsx"].map((c) => `${WORKSPACE}/${c}`).find((p) => existsSync(p));
  if (!app) {
    console.error("No entry: write src/App.tsx (a default-exported component) or src/main.tsx.");
    process.exit(2);
  }
  // The usual fragment is just an App component: mount it.
  entry = "/tmp/tessera-entry.tsx";
  writeFileSync(
    entry,
    `import { StrictMode } from "react";\nimport { createRoot } from "react-dom/client";\nimport App from ${JSON.stringify(app)};\ncreateRoot(document.getElementById("root")!).render(<StrictMode><App /></StrictMode>);\n`,
  );
}

const css = tailwind(WORKSPACE);
await bundleSite(esbuild, entry, { jsx: "automatic", plugins: [css.plugin] }, {
  styles: async () => {
    const standalone = await css.standalone();
    return standalone === null ? [] : [{ name: "tailwind.css", css: standalone }];
  },
});
