import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3210);
export const BASE_URL = `http://127.0.0.1:${PORT}`;
const NO_MODEL_PORT = Number(process.env.E2E_NO_MODEL_PORT ?? 3212);
export const NO_MODEL_URL = `http://127.0.0.1:${NO_MODEL_PORT}`;
const AUTH_PORT = Number(process.env.E2E_AUTH_PORT ?? 3214);
export const AUTH_URL = `http://127.0.0.1:${AUTH_PORT}`;
export const SUPABASE_FAKE_URL = `http://127.0.0.1:${process.env.E2E_AUTH_FAKE_PORT ?? 3215}`;

// Debian's Chromium, never a downloaded browser. The flags keep it from calling home.
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
};

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  timeout: 30_000,
  use: {
    baseURL: BASE_URL,
    launchOptions: chromium,
    trace: "retain-on-failure",
  },
  projects: [
    { name: "chromium", testIgnore: /exhaustion\.spec\.ts|no-model\.spec\.ts|auth-.*\.spec\.ts|restart\.spec\.ts|edge\.spec\.ts/ },
    // The same build with Supabase sign-in, against a loopback server speaking Supabase Auth.
    { name: "auth", testMatch: /auth-.*\.spec\.ts/, use: { baseURL: AUTH_URL } },
    // Starts and kills servers of its own (restart, SIGKILL during a save).
    { name: "restart", testMatch: /restart\.spec\.ts/ },
    // The HTTP edge under its own configurations (APP_URL, ALLOWED_HOSTS, scaled limits), one server
    // per test on E2E_EDGE_PORT (default 3213).
    { name: "edge", testMatch: /edge\.spec\.ts/ },
    // The same build with no model provider configured: the setup guide and the gallery.
    { name: "no-model", testMatch: /no-model\.spec\.ts/, use: { baseURL: NO_MODEL_URL } },
    // Exhausts rate limits, so it runs after everything else has had its requests.
    { name: "exhaustion", testMatch: /exhaustion\.spec\.ts/, dependencies: ["chromium"] },
  ],
  webServer: [
    {
      command: "node scripts/e2e-server.mjs",
      url: `${BASE_URL}/api/health`,
      reuseExistingServer: false,
      timeout: 240_000,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      command: "node scripts/e2e-server.mjs --auth",
      url: `${AUTH_URL}/api/health`,
      reuseExistingServer: false,
      timeout: 240_000,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      command: "node scripts/e2e-server.mjs --no-model",
      url: `${NO_MODEL_URL}/api/health`,
      reuseExistingServer: false,
      timeout: 240_000,
      stdout: "pipe",
      stderr: "pipe",
    },
  ],
});
