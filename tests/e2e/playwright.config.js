// Playwright drives Debian's Chromium (never a downloaded browser) against the release build.
import { defineConfig } from "@playwright/test";

// PROTOTHEQUE_E2E_PORT moves both hosts (this port and the next), so that two runs can share a
// machine; the specs read the same variable.
const port = Number(process.env.PROTOTHEQUE_E2E_PORT ?? 4173);
export default defineConfig({
  testDir: "./specs",
  outputDir: "../../target/e2e-artefacts",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: "fr-FR",
    trace: "off",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: [
    {
      command: `node serve.mjs ../../dist ${port}`,
      url: `http://127.0.0.1:${port}/`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      // The same app built with --public-url /prototheque/ (scripts/test.sh builds it).
      command: `node serve.mjs ../../dist-sous-chemin ${port + 1} /prototheque/`,
      url: `http://127.0.0.1:${port + 1}/prototheque/`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
  ],
});
