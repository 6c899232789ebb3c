// Browser tests (frontend/e2e/*.spec.ts) on @playwright/test with the system Chromium: no
// browser is ever downloaded (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 where npm installs).
// Run them through scripts/e2e_harness.py, which starts the real backend and the dashboard and
// sets the E2E_* variables; the HTML report, the JSON results and the screenshots are written
// under frontend/test-output/ (kept as CI output).
import path from "node:path";

import { defineConfig } from "@playwright/test";

import { E2E_OUTPUT, LAPTOP, TRAIN_TIMEOUT_MS } from "./e2e/settings";

export default defineConfig({
  testDir: "./e2e",
  outputDir: path.join(E2E_OUTPUT, "artifacts"),
  // One story in one browser: the scenarios run in order (see e2e/dashboard.spec.ts).
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  // Training a model is the slowest scenario; every step inside has its own 30 s wait.
  timeout: TRAIN_TIMEOUT_MS + 120_000,
  reporter: [
    ["list"],
    ["html", { outputFolder: path.join(E2E_OUTPUT, "html-report"), open: "never" }],
    ["json", { outputFile: path.join(E2E_OUTPUT, "e2e-results.json") }],
  ],
  use: {
    browserName: "chromium",
    viewport: LAPTOP,
    launchOptions: {
      executablePath: process.env.E2E_CHROMIUM || "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
