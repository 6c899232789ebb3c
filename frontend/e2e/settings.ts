// Values shared by playwright.config.ts and the scenarios.
import path from "node:path";

/** Screenshots, the HTML report and the JSON results: kept as CI output. */
export const E2E_OUTPUT = path.resolve(__dirname, "..", "test-output");
export const LAPTOP = { width: 1366, height: 900 };
export const TRAIN_TIMEOUT_MS = Number(process.env.E2E_TRAIN_TIMEOUT_MS || 300_000);
