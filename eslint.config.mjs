import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [".next/**", "node_modules/**", "test-results/**", "playwright-report/**", ".data/**", "next-env.d.ts", "bench/results/**"],
  },
  {
    rules: {
      // Configuration is read only through lib/env.ts so every variable is validated and documented.
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read configuration through lib/env.ts." }],
    },
  },
  {
    // Sandbox-side runtime (templates/) runs inside sandboxes, not in the app.
    files: ["lib/env.ts", "scripts/**", "tests/**", "bench/**", "templates/**", "playwright.config.ts", "vitest.config.ts", "*.config.*"],
    rules: { "no-restricted-properties": "off" },
  },
];
export default config;
