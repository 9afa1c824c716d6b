// Builds a Vue 3 fragment inside the sandbox: /workspace/src → /workspace/dist. Single-file
// components are compiled with Vue's own compiler-sfc through a small esbuild plugin; vue and
// esbuild come from this template's read-only node_modules. No network.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { bundleSite, WORKSPACE } from "/opt/tessera/static-site.mjs";
import path from "node:path";

const require = createRequire(import.meta.url);
const esbuild = require("esbuild");
const sfc = require("vue/compiler-sfc");


let entry = ["src/main.ts", "src/main.js"].map((c) => `${WORKSPACE}/${c}`).find((p) => existsSync(p));
if (!entry) {
  const app = ["src/App.vue", "App.vue"].map((c) => `${WORKSPACE}/${c}`).find((p) => existsSync(p));
  if (!app) {
    console.error("No entry: write src/App.vue or src/main.ts.");
    process.exit(2);
  }
  entry = "/tmp/tessera-entry.ts";
  writeFileSync(entry, `import { createApp } from "vue";\nimport App from ${JSON.stringify(app)};\ncreateApp(App).mount("#root");\n`);
}

let counter = 0;
const vuePlugin = {
  name: "vue-sfc",
  setup(build) {
    build.onLoad({ filter: /\.vue$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const { descriptor, errors } = sfc.parse(source, { filename: args.path });
      if (errors.length) return { errors: errors.map((e) => ({ text: e.message, location: e.loc ? { file: args.path, line: e.loc.start.line, column: e.loc.start.column } : undefined })) };
      const id = `v${(counter++).toString(36)}`;
      const scoped = descriptor.styles.some((s) => s.scoped);
      let code;
      if (descriptor.script || descriptor.scriptSetup) {
        const script = sfc.compileScript(descriptor, { id, inlineTemplate: true, templateOptions: { compilerOptions: { scopeId: scoped ? `data-v-${id}` : undefined } } });
        code = script.content.replace(/export default/, "const __component =") + "\n";
      } else {
        code = "const __component = {};\n";
      }
      if (descriptor.template && !descriptor.scriptSetup) {
        const tpl = sfc.compileTemplate({ source: descriptor.template.content, filename: args.path, id, scoped, compilerOptions: { scopeId: scoped ? `data-v-${id}` : undefined } });
        if (tpl.errors.length) return { errors: tpl.errors.map((e) => ({ text: typeof e === "string" ? e : e.message })) };
        code += tpl.code.replace(/export function render/, "function render") + "\n__component.render = render;\n";
      }
      if (scoped) code += `__component.__scopeId = "data-v-${id}";\n`;
      const css = descriptor.styles
        .map((style) => sfc.compileStyle({ source: style.content, filename: args.path, id: `data-v-${id}`, scoped: style.scoped }).code)
        .join("\n");
      if (css) code = `import ${JSON.stringify(`vue-style:${args.path}?${id}`)};\n` + code;
      code += "export default __component;\n";
      styles.set(`${args.path}?${id}`, css);
      const lang = descriptor.scriptSetup?.lang ?? descriptor.script?.lang;
      return { contents: code, loader: lang === "ts" ? "ts" : "js", resolveDir: path.dirname(args.path) };
    });
    build.onResolve({ filter: /^vue-style:/ }, (args) => ({ path: args.path.slice("vue-style:".length), namespace: "vue-style" }));
    build.onLoad({ filter: /.*/, namespace: "vue-style" }, (args) => ({ contents: styles.get(args.path) ?? "", loader: "css" }));
  },
};
const styles = new Map();

await bundleSite(esbuild, entry, {
  plugins: [vuePlugin],
  define: { __VUE_OPTIONS_API__: "true", __VUE_PROD_DEVTOOLS__: "false", __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: "false" },
});
