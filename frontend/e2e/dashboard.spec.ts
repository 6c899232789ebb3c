// End-to-end tests of the built dashboard against the real backend, in Debian's Chromium
// (@playwright/test; the browser and the report folders are set in playwright.config.ts).
//
//   E2E_BACKEND_URL     backend base URL (the API lives under /api/v1)   default http://127.0.0.1:8000
//   E2E_DASHBOARD_URL   dashboard base URL (`next start`)                 default http://127.0.0.1:3000
//   E2E_OPERATOR_USERNAME / E2E_OPERATOR_PASSWORD                         default e2e-operator / e2e-password
//   E2E_TRAIN_TIMEOUT_MS how long a training run may take                 default 300000
//   E2E_REGISTRY_DIR    the backend's local MODEL_REGISTRY_DIR (the missing-artifact scenario
//                       hides a file there and puts it back)            set by scripts/e2e_harness.py
//   E2E_REPLAY_VERSION  the version the harness replayed (manage.py replay) default v2
//
// The backend must hold demo data, an active version and the operator (scripts/e2e_harness.py
// prepares all three and runs `npx playwright test`). The scenarios form one story (the signed-out
// visitor, then one signed-in operator who trains, activates, rolls back, predicts, ...), so they
// run in order in one browser (`describe.serial`): facts learned in one (versions, the token) are
// used by the next, and once one fails the later ones are reported as skipped. Named screenshots
// and a FAIL-<scenario>.png for a failure go to frontend/test-output/ (the failure's is attached
// to the HTML report too).

import { existsSync, mkdirSync, renameSync } from "node:fs";
import path from "node:path";

import { test, type BrowserContext, type Locator, type Page } from "@playwright/test";

import { E2E_OUTPUT, LAPTOP, TRAIN_TIMEOUT_MS } from "./settings";

const OUT = E2E_OUTPUT;
const BACKEND = (process.env.E2E_BACKEND_URL || "http://127.0.0.1:8000").replace(/\/+$/, "");
const API = `${BACKEND}/api/v1`;
const DASHBOARD = (process.env.E2E_DASHBOARD_URL || "http://127.0.0.1:3000").replace(/\/+$/, "");
const USERNAME = process.env.E2E_OPERATOR_USERNAME || "e2e-operator";
const PASSWORD = process.env.E2E_OPERATOR_PASSWORD || "e2e-password";
const REGISTRY_DIR = process.env.E2E_REGISTRY_DIR || "";
const STEP_TIMEOUT_MS = 30_000;
const PHONE = { width: 390, height: 844 };

/** An API body as the page received it (the checks below read the fields they need). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

const pageErrors: string[] = [];
const consoleErrors: string[] = [];
/** Facts learned along the way that later scenarios use (versions, the token, ...). */
const ctx: {
  initialActive?: string;
  initialVersions: string[];
  token?: string;
  newVersion?: string;
  activeAfterTraining?: string;
  older?: string;
  activateReason?: string;
  rollbackReason?: string;
  predictedAt?: number;
} = { initialVersions: [] };

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

class CheckError extends Error {}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckError(message);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
}

/** A request made by the page itself (browser origin, CORS and all). */
async function pageFetch(
  page: Page,
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Body; requestId: string | null }> {
  return page.evaluate(
    async ({ url, init }) => {
      const res = await fetch(url, init);
      let body = null;
      try {
        body = await res.json();
      } catch {
        body = null;
      }
      return { status: res.status, body, requestId: res.headers.get("x-request-id") };
    },
    { url, init },
  );
}

async function text(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? "").trim();
}

async function visible(page: Page, testId: string, timeout = STEP_TIMEOUT_MS): Promise<Locator> {
  const locator = page.getByTestId(testId).first();
  await locator.waitFor({ state: "visible", timeout });
  return locator;
}

async function absent(page: Page, selector: string): Promise<boolean> {
  return (await page.locator(selector).count()) === 0;
}

function versionNumber(label: unknown): number {
  return Number.parseInt(String(label).replace(/^\D+/, ""), 10) || 0;
}

/**
 * Waits until the chart inside `testId` draws at least `minPoints` dots and, when `line` (each
 * series has two points or more), a line through them: one point alone is a dot, no segment.
 */
async function chartPoints(
  page: Page,
  testId: string,
  minPoints: number,
  { line = minPoints >= 2, timeout = STEP_TIMEOUT_MS }: { line?: boolean; timeout?: number } = {},
): Promise<{ curves: number; dots: number; svg: boolean }> {
  const measure = () =>
    page.evaluate((testId) => {
      const root = document.querySelector(`[data-testid="${testId}"]`);
      if (!root || !root.querySelector("svg")) return { curves: 0, dots: 0, svg: false };
      const curves = [...root.querySelectorAll("path.recharts-line-curve")].filter((p) =>
        /^M[^M]*[LC]/.test(p.getAttribute("d") || ""),
      ).length;
      const dots = root.querySelectorAll(".recharts-line-dots circle, .recharts-line-dot").length;
      return { curves, dots, svg: true };
    }, testId);
  const deadline = Date.now() + timeout;
  let last = { curves: 0, dots: 0, svg: false };
  while (Date.now() < deadline) {
    last = await measure();
    if (last.svg && last.dots >= minPoints && (!line || last.curves > 0)) return last;
    await page.waitForTimeout(200);
  }
  throw new CheckError(
    `${testId}: ${last.svg ? `${last.dots} dots and ${last.curves} lines` : "no chart"}, wanted ${minPoints} points`,
  );
}

/** The page fits its viewport once rendering settles (polled for up to 3 s, since charts and
 * tables resize after their data arrives); on failure, names the elements that stick out. */
async function noHorizontalOverflow(page: Page, route: string): Promise<void> {
  const measure = () =>
    page.evaluate(() => {
      const client = document.documentElement.clientWidth;
      const scroll = document.documentElement.scrollWidth;
      const culprits: string[] = [];
      if (scroll > client + 1) {
        for (const el of document.body.querySelectorAll("*")) {
          const box = el.getBoundingClientRect();
          if (box.right <= client + 1 || box.width === 0) continue;
          // report the outermost element that sticks out, not each of its children, and not
          // what a scrolling container (a wide table's overflow-x-auto wrapper) keeps inside
          const parent = el.parentElement;
          if (parent && parent !== document.body && parent.getBoundingClientRect().right > client + 1) continue;
          let clipped = false;
          for (let a = parent; a && a !== document.body; a = a.parentElement) {
            if (getComputedStyle(a).overflowX !== "visible") clipped = true;
          }
          if (clipped) continue;
          const id = el.getAttribute("data-testid") ?? el.id ?? "";
          const label = `${el.tagName.toLowerCase()}${id ? `[${id}]` : ""}.${String(el.className).slice(0, 60)}`;
          culprits.push(`${label} ends at ${Math.round(box.right)}px: "${(el.textContent ?? "").slice(0, 80)}"`);
          if (culprits.length >= 5) break;
        }
      }
      return { scroll, client, culprits };
    });
  const deadline = Date.now() + 3_000;
  let last = await measure();
  while (last.scroll > last.client + 1 && Date.now() < deadline) {
    await page.waitForTimeout(200);
    last = await measure();
  }
  check(
    last.scroll <= last.client + 1,
    `${route} is ${last.scroll}px wide in a ${last.client}px viewport; sticking out: ${last.culprits.join("; ")}`,
  );
}


function watchPage(page: Page, label: string): void {
  page.on("pageerror", (err) => pageErrors.push(`${label}: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(`${label}: ${msg.text()}`);
  });
}

let anon: BrowserContext;
let opsContext: BrowserContext;
let guest: Page;
let page: Page;
/** The page the running scenario drives (a failure screenshot is taken of it). */
let current: Page | undefined;

test.describe.serial("dashboard against the real backend", () => {
  test.beforeAll(async ({ browser }) => {
    mkdirSync(OUT, { recursive: true });
    log(`e2e: dashboard ${DASHBOARD}, backend ${BACKEND}`);
    anon = await browser.newContext({ viewport: LAPTOP });
    guest = await anon.newPage();
    guest.setDefaultTimeout(STEP_TIMEOUT_MS);
    watchPage(guest, "signed-out");
    opsContext = await browser.newContext({ viewport: LAPTOP });
    page = await opsContext.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    watchPage(page, "operator");
  });

  test.beforeEach(async ({}, testInfo) => {
    // The first three scenarios are the signed-out visitor's; the rest the operator's.
    current = testInfo.title.includes("signed out") || testInfo.title.includes("without a token") ||
      testInfo.title.startsWith("overview") ? guest : page;
  });

  test.afterEach(async ({}, testInfo) => {
    if (testInfo.status === testInfo.expectedStatus || !current) return;
    const file = path.join(OUT, `FAIL-${testInfo.title.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}.png`);
    const shotTaken = await current.screenshot({ path: file, fullPage: true }).then(
      () => true,
      () => false,
    );
    if (shotTaken) await testInfo.attach("failure", { path: file, contentType: "image/png" });
  });

  test.afterAll(async () => {
    if (consoleErrors.length) {
      // Expected ones: the deliberate 401s and the failed sign-in; listed for the reader.
      log(`browser console errors (${consoleErrors.length}):`);
      for (const line of consoleErrors.slice(0, 20)) log(`  ${line}`);
    }
    await anon?.close();
    await opsContext?.close();
  });

    // ---- signed out ----------------------------------------------------------------------------

    test("overview shows the active model, readiness and drift from the API", async () => {
        await guest.goto(`${DASHBOARD}/`);
        const active = await visible(guest, "active-version");
        ctx.initialActive = await text(active);
        check(/^v\d+$/.test(ctx.initialActive), `active version reads "${ctx.initialActive}"`);
        const models = await pageFetch(guest, `${API}/models`);
        check(models.status === 200, `GET /models answered ${models.status}`);
        check(
          models.body.active_version === ctx.initialActive,
          `overview shows ${ctx.initialActive}, API says ${models.body.active_version}`,
        );
        ctx.initialVersions = models.body.available_versions;
        await visible(guest, "ready-status");
        await visible(guest, "drift-status");
        const health = await text(await visible(guest, "health-level"));
        check(["ok", "attention", "failing"].includes(health), `health roll-up reads "${health}"`);
        await guest.waitForFunction(() =>
          [...document.querySelectorAll('[data-testid="last-updated"] time')].some((t) => t.getAttribute("datetime")),
        );
        await shot(guest, "overview");
    });

    test("signed out, no control button is shown", async () => {
        await guest.goto(`${DASHBOARD}/model-management`);
        await visible(guest, "versions-table");
        await visible(guest, "sign-in-hint");
        check(await absent(guest, '[data-testid="train-button"]'), "train button visible while signed out");
        check(await absent(guest, '[data-testid="rollback-button"]'), "rollback button visible while signed out");
        check(await absent(guest, '[data-testid^="activate-v"]'), "activate button visible while signed out");
        await shot(guest, "model-management-signed-out");
        await guest.goto(`${DASHBOARD}/audit`);
        await visible(guest, "sign-in-hint");
        check(await absent(guest, '[data-testid="clear-logs-button"]'), "clear-logs button visible while signed out");
        check(await absent(guest, '[data-testid="audit-table"]'), "audit trail visible while signed out");
        await shot(guest, "audit-signed-out");
    });

    test("a direct API call from the page without a token gets 401", async () => {
        for (const [method, route] of [
          ["POST", "/admin/train"],
          ["GET", "/admin/train/status"],
          ["POST", "/admin/rollback"],
          ["GET", "/admin/audit"],
        ]) {
          const res = await pageFetch(guest, `${API}${route}`, {
            method,
            headers: method === "POST" ? { "Content-Type": "application/json" } : {},
            body: method === "POST" ? JSON.stringify({ reason: "e2e without token" }) : undefined,
          });
          check(res.status === 401, `${method} ${route} without a token answered ${res.status}`);
          check(res.body?.status === "error" && res.body?.code === 401, `${route}: not the error envelope`);
          check(Boolean(res.body?.request_id), `${route}: the envelope has no request_id`);
        }
    });

    // ---- operator ------------------------------------------------------------------------------

    test("the operator signs in", async () => {
        await page.goto(`${DASHBOARD}/login`);
        await page.locator('input[name="username"]').fill(USERNAME);
        await page.locator('input[name="password"]').fill("not-the-password");
        await page.getByRole("button", { name: "Sign in", exact: true }).click();
        const form = page.locator('form[aria-label="Operator sign-in"]');
        const failure = form.getByRole("alert");
        await failure.waitFor();
        check(/invalid/i.test(await text(failure)), `sign-in error reads "${await text(failure)}"`);
        const requestId = await text(form.getByTestId("error-request-id"));
        check(requestId.length >= 8, "a failed sign-in shows no request_id");
        await shot(page, "login-error");
        await page.locator('input[name="password"]').fill(PASSWORD);
        await page.getByRole("button", { name: "Sign in", exact: true }).click();
        await page.waitForURL(`${DASHBOARD}/model-management`);
        const who = await text(await visible(page, "signed-in-user"));
        check(who.includes(USERNAME) && who.includes("operator"), `header reads "${who}"`);
        ctx.token = await page.evaluate(() => JSON.parse(sessionStorage.getItem("mlplatform.session") || "{}").token);
        check(typeof ctx.token === "string" && ctx.token.length > 0, "no token in sessionStorage");
        await page.goto(`${DASHBOARD}/login`);
        await shot(page, "login");
    });

    test("train: progress is shown live until the run finishes with a new version", async () => {
        await page.goto(`${DASHBOARD}/model-management`);
        const button = await visible(page, "train-button");
        await page.waitForFunction(() => !document.querySelector('[data-testid="train-button"]')?.hasAttribute("disabled"));
        // The panel shows the latest run (the demo bootstrap's, recorded like any other) until
        // the new one is requested: follow the new run, not the old one.
        const before = await page
          .getByTestId("training-run")
          .first()
          .getAttribute("data-run-id", { timeout: 2_000 })
          .catch(() => null);
        await button.click();
        await visible(page, "training-run");
        await page.waitForFunction(
          (old) => {
            const id = document.querySelector('[data-testid="training-run"]')?.getAttribute("data-run-id");
            return id && id !== old;
          },
          before,
        );
        const seen = new Set<string>();
        const deadline = Date.now() + TRAIN_TIMEOUT_MS;
        let state = "";
        let shotTaken = false;
        while (Date.now() < deadline) {
          state = await text(page.getByTestId("training-state").first());
          const stage = await page.getByTestId("training-stage").first().textContent({ timeout: 500 }).catch(() => null);
          const pct = await page.getByTestId("training-percent").first().textContent({ timeout: 500 }).catch(() => null);
          if (stage !== null) seen.add(`${state}|${stage.trim()}|${(pct ?? "").trim()}`);
          if (!shotTaken && (state === "running" || state === "queued")) {
            await shot(page, "model-management-training");
            shotTaken = true;
          }
          if (state === "succeeded" || state === "failed") break;
          await page.waitForTimeout(250);
        }
        log(`  progress observed: ${[...seen].join(" → ") || "(none)"}`);
        check(state === "succeeded", `training ended as "${state}" ${await text(page.getByTestId("training-run").first())}`);
        check(seen.size > 0, "no progress (stage/percent) was ever shown");
        const result = await text(await visible(page, "training-result"));
        const match = result.match(/v\d+/);
        check(match, `no version in the training result "${result}"`);
        ctx.newVersion = match[0];
        check(!ctx.initialVersions.includes(ctx.newVersion), `${ctx.newVersion} existed before training`);
        await shot(page, "model-management-trained");
    });

    test("the new version appears in the versions table with its metrics", async () => {
        const row = await visible(page, `version-row-${ctx.newVersion}`);
        const cells = await row.locator("td").allTextContents();
        // innerText: a header's glossary tooltip is hidden, so not part of what it reads.
        const headers = await page.getByTestId("versions-table").locator("thead th").allInnerTexts();
        const column = (name: string) => headers.findIndex((h) => h.replace(/\s+/g, " ").trim().startsWith(name));
        const rmse = cells[column("Val. RMSE")] ?? "";
        const skillCell = cells[column("Skill")] ?? "";
        check(/\d\.\d{4}/.test(rmse), `validation rmse cell reads "${rmse}" (headers ${JSON.stringify(headers)}, cells ${JSON.stringify(cells)})`);
        check(/%/.test(skillCell), `skill cell reads "${skillCell}"`);
        const status = cells[column("Status")] ?? "";
        check(["ready", "held"].includes(status.trim()), `status cell reads "${status}"`);
        const models = await pageFetch(page, `${API}/models`);
        ctx.activeAfterTraining = models.body.active_version;
        const numbers = models.body.available_versions.map(versionNumber);
        check(numbers.includes(versionNumber(ctx.newVersion)), "the API does not list the new version");
        // The version to go back to: the newest one other than the one now active.
        ctx.older = models.body.available_versions
          .filter((v) => v !== ctx.activeAfterTraining)
          .sort((a, b) => versionNumber(b) - versionNumber(a))[0];
        check(Boolean(ctx.older), "no other version to activate");
    });

    test("activate the older version with a reason and confirmation", async () => {
        ctx.activateReason = `e2e: back to ${ctx.older} at ${new Date().toISOString()}`;
        await (await visible(page, `activate-${ctx.older}`)).click();
        const form = await visible(page, "activate-confirm");
        const confirm = form.getByRole("button", { name: `Confirm activation of ${ctx.older}` });
        check(await confirm.isDisabled(), "confirmation is possible without a reason");
        await form.locator("textarea").fill(ctx.activateReason);
        await confirm.click();
        const flash = await text(await visible(page, "flash"));
        check(flash.includes(`${ctx.older} is now active`), `flash reads "${flash}"`);
        await page.waitForFunction(
          (v) => document.querySelector(`[data-testid="version-row-${v}"] [data-testid="active-badge"]`),
          ctx.older,
        );
        const models = await pageFetch(page, `${API}/models`);
        check(models.body.active_version === ctx.older, `API says ${models.body.active_version} is active`);
    });

    test("the activation is in the history with actor and reason", async () => {
        await page.waitForFunction(
          (reason) => document.querySelector('[data-testid="activation-history"]')?.textContent?.includes(reason),
          ctx.activateReason,
        );
        const first = await text(page.getByTestId("activation-entry").first());
        check(first.includes(`→ ${ctx.older}`), `newest history entry reads "${first}"`);
        check(first.includes(USERNAME), `newest history entry has no actor: "${first}"`);
        await shot(page, "model-management");
    });

    test("roll back re-activates the version that was active before", async () => {
        ctx.rollbackReason = `e2e: roll back at ${new Date().toISOString()}`;
        await (await visible(page, "rollback-button")).click();
        const form = await visible(page, "rollback-confirm");
        await form.locator("textarea").fill(ctx.rollbackReason);
        await form.getByRole("button", { name: "Confirm roll back" }).click();
        const flash = await page.waitForFunction(
          () => {
            const t = document.querySelector('[data-testid="flash"]')?.textContent ?? "";
            return t.startsWith("Rolled back") ? t : false;
          },
        );
        const message = await flash.jsonValue();
        check(message.includes(`→ ${ctx.activeAfterTraining}`), `flash reads "${message}"`);
        await page.waitForFunction(
          (v) => document.querySelector(`[data-testid="version-row-${v}"] [data-testid="active-badge"]`),
          ctx.activeAfterTraining,
        );
        await page.waitForFunction(
          (reason) => document.querySelector('[data-testid="activation-history"]')?.textContent?.includes(reason),
          ctx.rollbackReason,
        );
        const models = await pageFetch(page, `${API}/models`);
        check(models.body.active_version === ctx.activeAfterTraining, `API says ${models.body.active_version}`);
        await shot(page, "model-management-rolled-back");
    });

    test("activating a version whose artifact is missing is refused and the active version keeps serving", async () => {
        check(Boolean(REGISTRY_DIR), "E2E_REGISTRY_DIR is not set (scripts/e2e_harness.py sets it)");
        const auth = { Authorization: `Token ${ctx.token}`, "Content-Type": "application/json" };
        const before = await pageFetch(page, `${API}/models`);
        const active = before.body.active_version;
        const target = before.body.available_versions.find((v) => v !== active);
        check(Boolean(target), "no inactive version to damage");
        const file = path.join(REGISTRY_DIR, target, "model.json");
        check(existsSync(file), `${file} does not exist`);
        renameSync(file, `${file}.e2e-hidden`);
        try {
          await page.goto(`${DASHBOARD}/model-management`);
          await (await visible(page, `activate-${target}`)).click();
          const form = await visible(page, "activate-confirm");
          await form.locator("textarea").fill(`e2e: try ${target} with its artifact gone`);
          await form.getByRole("button", { name: `Confirm activation of ${target}` }).click();
          const alert = form.getByRole("alert");
          await alert.waitFor();
          const message = await text(alert);
          check(message.includes("model_unavailable") && message.includes("HTTP 409"), `error reads "${message}"`);
          check(message.includes(`${target}/model.json is missing`), `error does not name the file: "${message}"`);
          check(message.includes(`${active} stays active`), `error does not say ${active} stays: "${message}"`);
          await form.getByRole("button", { name: "Cancel" }).click();
          const after = await pageFetch(page, `${API}/models`);
          check(after.body.active_version === active, `API says ${after.body.active_version} is active`);
          const served = await pageFetch(page, `${API}/predict?symbol=AAPL`);
          check(served.status === 200, `GET /predict answered ${served.status}`);
          check(served.body.model_version === active, `served by ${served.body.model_version}, not ${active}`);
          await page.reload();
          const badge = await text(await visible(page, `status-${target}`));
          check(badge === "missing", `${target}'s status badge reads "${badge}"`);
          check(
            await page.getByTestId(`activate-${target}`).isDisabled(),
            `the activate button of the missing ${target} is enabled`,
          );
          await shot(page, "model-management-missing-artifact");
        } finally {
          renameSync(`${file}.e2e-hidden`, file);
        }
        // Storage is whole again: reconciliation marks the version ready.
        const reload = await pageFetch(page, `${API}/admin/reload`, { method: "POST", headers: auth });
        check(reload.status === 200, `POST /admin/reload answered ${reload.status}`);
        check((reload.body.reconcile?.restored ?? []).includes(target), `${target} was not restored`);
    });

    test("rollback walks back through the activation history, naming each target", async () => {
        const auth = { Authorization: `Token ${ctx.token}`, "Content-Type": "application/json" };
        const started = await pageFetch(page, `${API}/admin/train`, {
          method: "POST",
          headers: auth,
          body: JSON.stringify({ policy: "always", origin: "dashboard", reason: "e2e: a third version" }),
        });
        check([200, 202].includes(started.status), `POST /admin/train answered ${started.status}`);
        const deadline = Date.now() + TRAIN_TIMEOUT_MS;
        let run = null;
        while (Date.now() < deadline) {
          run = (await pageFetch(page, `${API}/admin/train/status`, { headers: auth })).body?.training;
          if (run && ["succeeded", "failed"].includes(run.state)) break;
          await page.waitForTimeout(500);
        }
        check(run?.state === "succeeded", `training ended as ${run?.state}: ${run?.error}`);
        check(run.promotion?.decision === "activated", `the new version was not activated: ${JSON.stringify(run.promotion)}`);
        const models = (await pageFetch(page, `${API}/models`)).body;
        check(models.active_version === run.latest_version, `${run.latest_version} is not active`);
        check(Boolean(models.rollback_target), `/models names no rollback target: ${JSON.stringify(models)}`);
        await page.goto(`${DASHBOARD}/model-management`);
        const walked: string[] = [];
        for (let i = 0; i < 2; i += 1) {
          const now = (await pageFetch(page, `${API}/models`)).body;
          const from = now.active_version;
          const to = now.rollback_target;
          check(Boolean(to), `rollback ${i + 1}: no target after ${walked.join(" → ")}`);
          const button = await visible(page, "rollback-button");
          await page.waitForFunction(
            (label) => document.querySelector('[data-testid="rollback-button"]')?.textContent?.includes(label),
            `Roll back ${from} → ${to}`,
          );
          await button.click();
          const form = await visible(page, "rollback-confirm");
          check((await text(form)).includes(`Roll back ${from} → ${to}?`), `dialog reads "${await text(form)}"`);
          await form.locator("textarea").fill(`e2e: walk back ${i + 1}`);
          await form.getByRole("button", { name: `Confirm roll back ${from} → ${to}` }).click();
          await page.waitForFunction(
            (message) => document.querySelector('[data-testid="flash"]')?.textContent?.includes(message),
            `Rolled back ${from} → ${to}.`,
          );
          await page.waitForFunction(
            (v) => document.querySelector(`[data-testid="version-row-${v}"] [data-testid="active-badge"]`),
            to,
          );
          walked.push(`${from} → ${to}`);
        }
        const [first, second] = walked.map((w) => w.split(" → "));
        check(first[1] === second[0] && second[1] !== first[0], `rollbacks flipped instead of walking back: ${walked.join(", ")}`);
        await page.waitForFunction(
          () =>
            [...document.querySelectorAll('[data-testid="activation-kind"]')].filter((b) => b.textContent === "rollback")
              .length >= 2,
        );
        log(`  walked back: ${walked.join(", ")}`);
        ctx.activeAfterTraining = second[1];
        await shot(page, "model-management-walked-back");
    });

    test("the version page shows lineage, metrics, decision, activations and artifacts", async () => {
        await page.goto(`${DASHBOARD}/model-management`);
        await (await visible(page, `version-link-${ctx.newVersion}`)).click();
        await page.waitForURL(`${DASHBOARD}/model-management/${ctx.newVersion}`);
        check((await text(await visible(page, "version-title"))) === ctx.newVersion, "version page title");
        const who = await text(await visible(page, "lineage-who"));
        check(who.includes(USERNAME), `trained by "${who}", expected ${USERNAME}`);
        check((await text(page.getByTestId("lineage-origin"))) !== "—", "no origin of the run");
        const detail = await pageFetch(page, `${API}/models/${ctx.newVersion}`);
        check((await text(page.getByTestId("lineage-horizon"))) === detail.body.forecast_horizon, "horizon differs from the API");
        const symbols = Object.keys(detail.body.dataset_window ?? {}).length;
        const rows = await page.getByTestId("version-windows").locator("tbody tr").count();
        check(rows === symbols, `data window table has ${rows} rows for ${symbols} symbols`);
        await visible(page, "version-config");
        await visible(page, "version-metrics");
        await visible(page, "card-version-calibration");
        await visible(page, "version-status");
        const history = await text(await visible(page, "version-activations"));
        check(history.includes(ctx.newVersion), `activation history of ${ctx.newVersion} reads "${history}"`);
        await shot(page, "version-page");
        await page.goto(`${DASHBOARD}/model-management`);
        await visible(page, "compare-diff");
        await page.waitForFunction(
          () => document.querySelector('[data-testid="compare-config"], [data-testid="compare-diff"] p'),
        );
    });

    test("a single prediction shows the card, the price chart and the features used", async () => {
        await page.goto(`${DASHBOARD}/prediction-explorer`);
        const input = page.locator('input[name="symbol"]');
        await input.fill("1bad");
        await page.getByRole("button", { name: "Predict", exact: true }).click();
        const invalid = await text(page.locator("#symbol-error"));
        check(invalid.includes("starts with a letter"), `invalid symbol message "${invalid}"`);
        await input.fill("aapl");
        // One click must make one /predict (and one /features), leaving one prediction-log row.
        const calls = { predict: 0, features: 0 };
        const countCalls = (req) => {
          const url = req.url();
          if (!url.startsWith(API)) return;
          if (/\/predict\?/.test(url)) calls.predict += 1;
          if (/\/features\?/.test(url)) calls.features += 1;
        };
        page.on("request", countCalls);
        const clickedAt = Date.now();
        await page.getByRole("button", { name: "Predict", exact: true }).click();
        await visible(page, "prediction-card");
        await visible(page, "price-chart");
        await page.waitForTimeout(2500); // a re-mount would have fired its second request by now
        page.off("request", countCalls);
        check(calls.predict === 1, `one click made ${calls.predict} GET /predict requests`);
        check(calls.features === 1, `one click made ${calls.features} GET /features requests`);
        const recent = await pageFetch(page, `${API}/predictions/recent?symbol=AAPL&limit=50`);
        const rowsSinceClick = (recent.body?.entries ?? []).filter((e) => Date.parse(e.timestamp) >= clickedAt - 1000);
        check(rowsSinceClick.length === 1, `one click left ${rowsSinceClick.length} prediction-log rows`);
        log(`  one click: ${calls.predict} /predict, ${calls.features} /features, ${rowsSinceClick.length} log row`);
        const signal = await text(page.getByTestId("prediction-signal"));
        check(["BUY", "HOLD", "SELL"].includes(signal), `signal reads "${signal}"`);
        const version = await text(page.getByTestId("prediction-version"));
        check(version === ctx.activeAfterTraining, `served by ${version}, expected ${ctx.activeAfterTraining}`);
        const requestId = await text(page.getByTestId("prediction-request-id"));
        check(requestId.length >= 8, `request id "${requestId}"`);
        check(/[-+]?\d+\.\d+%/.test(await text(page.getByTestId("prediction-confidence"))), "no confidence");
        await visible(page, "feature-values");
        check((await page.getByTestId("feature-values").locator("tbody tr").count()) > 0, "no feature values");
        const price = await chartPoints(page, "price-chart", 0, { line: true });
        check(price.curves > 0, "price chart has no line");
        const closes = await page.evaluate(() =>
          ((document.querySelector('[data-testid="price-chart"] path.recharts-line-curve')?.getAttribute("d") ?? "").match(/[LC]/g) ?? []).length + 1,
        );
        check(closes >= 20, `the price line has ${closes} points`);
        await visible(page, "recent-predictions");
        check(page.url().includes("symbol=AAPL"), `URL ${page.url()} does not carry the symbol`);
        ctx.predictedAt = Date.now();
    });

    test("a batch prediction shows each row, with a per-row error for an unknown symbol", async () => {
        await page.locator('textarea[name="symbols"]').fill("AAPL, msft\nZZZZQ");
        await page.getByRole("button", { name: "Predict batch" }).click();
        await visible(page, "batch-results");
        for (const symbol of ["AAPL", "MSFT"]) {
          const row = await text(page.getByTestId(`batch-row-${symbol}`));
          check(/BUY|HOLD|SELL/.test(row), `${symbol} row reads "${row}"`);
        }
        const bad = await text(page.getByTestId("batch-row-ZZZZQ"));
        check((await page.getByTestId("batch-row-ZZZZQ").getByTestId("batch-row-error").count()) === 1, `ZZZZQ row "${bad}"`);
        const summary = await text(page.getByTestId("batch-summary"));
        check(summary === "2 succeeded, 1 failed", `summary reads "${summary}"`);
        await shot(page, "prediction-explorer");
    });

    test("an unknown symbol is explained once, and the picker offers the source's symbols", async () => {
        const symbols = await pageFetch(page, `${API}/symbols`);
        check(symbols.status === 200 && symbols.body.symbols.includes("AAPL"), "GET /symbols does not list AAPL");
        const options = await page.getByTestId("symbol-picker").locator("option").count();
        check(options === symbols.body.symbols.length + 1, `picker has ${options - 1} symbols, API ${symbols.body.symbols.length}`);
        await page.locator('input[name="symbol"]').fill("ZZZZQ");
        await page.getByRole("button", { name: "Predict", exact: true }).click();
        const error = await text(await visible(page, "prediction-error"));
        check(error.includes("No market data for ZZZZQ"), `unknown symbol reads "${error}"`);
        check(!/POST \/|\/admin\//.test(error), `the message names an API path: "${error}"`);
        // Next.js's route announcer is a role="alert" region too: count the page's own messages.
        const alerts = await page.evaluate(
          () => [...document.querySelectorAll('[role="alert"]')].filter((n) => !n.closest("next-route-announcer")).length,
        );
        check(alerts === 1, `${alerts} error messages for one failure`);
        await shot(page, "prediction-explorer-unknown-symbol");
    });

    test("served traffic fills the drift window (public batch API, demo symbols)", async () => {
        // DRIFT_MIN_SAMPLES (default 30) served feature vectors make the live drift report real.
        const symbols = ["AAPL", "MSFT", "GOOGL", "AMZN", "NVDA"];
        let served = 0;
        for (let i = 0; i < 8; i += 1) {
          const res = await pageFetch(page, `${API}/predict/batch`, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ symbols }),
          });
          check(res.status === 200, `POST /predict/batch answered ${res.status}`);
          served += res.body.items.filter((item) => !item.error).length;
        }
        check(served >= 30, `only ${served} predictions were served`);
    });

    test("monitoring draws charts with real points and shows when it last refreshed", async () => {
        await page.goto(`${DASHBOARD}/monitoring`);
        const latency = await pageFetch(page, `${API}/monitoring/latency?series=1`);
        const apiPoints = (latency.body?.series ?? []).length;
        check(apiPoints > 0, "the API reports no latency series after predictions were served");
        // Three lines (p50, p95, p99), one dot per API point each.
        const drawn = await chartPoints(page, "latency-chart", apiPoints * 3, { line: apiPoints >= 2 });
        log(`  latency: ${apiPoints} API points, ${drawn.dots} dots, ${drawn.curves} curves`);
        const history = await pageFetch(page, `${API}/monitoring/history`);
        const runs = (history.body?.runs ?? []).length;
        check(runs >= 2, `the API lists ${runs} training runs`);
        const rmse = await chartPoints(page, "training-rmse-chart", runs);
        check(rmse.dots === runs, `training chart draws ${rmse.dots} dots for ${runs} runs`);
        await chartPoints(page, "training-skill-chart", 2);
        // Drift: either per-feature bars or the API's reason for having none.
        await page.waitForFunction(
          () =>
            document.querySelector('[data-testid="drift-table"]') ||
            document.querySelector('[data-testid="card-drift-detail"] [data-testid="empty-state"]'),
        );
        const drift = await pageFetch(page, `${API}/monitoring/drift`);
        const features = Object.keys(drift.body?.details ?? {});
        log(`  drift: ${drift.body?.status}, ${features.length} features, share ${drift.body?.drift_share}`);
        if (features.length) {
          await visible(page, "drift-table");
          const rows = await page.getByTestId("drift-table").locator("tbody tr").count();
          check(rows === features.length, `drift table has ${rows} rows for ${features.length} features`);
          await page.waitForFunction(
            () => document.querySelectorAll('[data-testid="drift-pvalue-chart"] .recharts-bar-rectangle').length > 0,
          );
          const bars = await page.locator('[data-testid="drift-psi-chart"] .recharts-bar-rectangle').count();
          check(bars > 0, "PSI chart without bars");
        }
        const snapshots = await pageFetch(page, `${API}/monitoring/drift/history`);
        const withShare = (snapshots.body?.snapshots ?? []).filter((s) => typeof s.drift_share === "number").length;
        if (withShare) await chartPoints(page, "drift-history-chart", 1, { line: withShare >= 2 });
        // Request counts persist every few seconds per process: poll until /predict shows up.
        const deadline = Date.now() + 30_000;
        let traffic = null;
        while (Date.now() < deadline) {
          traffic = (await pageFetch(page, `${API}/monitoring/requests?minutes=60`)).body;
          if ((traffic?.routes ?? []).some((r) => r.route === "/predict")) break;
          await page.waitForTimeout(1000);
        }
        check((traffic?.routes ?? []).some((r) => r.route === "/predict"), "GET /monitoring/requests never listed /predict");
        await page.reload();
        await page.waitForFunction(() =>
          [...document.querySelectorAll('[data-testid="requests-route"]')].some((r) => r.textContent.includes("GET /predict")),
        );
        log(`  requests: ${traffic.requests} in the last hour, error rate ${traffic.error_rate}`);
        const stamps = await page
          .getByTestId("last-updated")
          .locator("time")
          .evaluateAll((nodes) => nodes.map((n) => n.getAttribute("datetime")).filter(Boolean));
        check(stamps.length >= 3, `only ${stamps.length} widgets show a last-updated time`);
        await shot(page, "monitoring");
    });

    test("the audit trail lists the operator's actions and filters them", async () => {
        await page.goto(`${DASHBOARD}/audit`);
        const table = await visible(page, "audit-table");
        await page.waitForFunction(() => document.querySelector('[data-testid="audit-table"] tbody tr'));
        const all = await text(table);
        for (const action of ["model.activate", "model.rollback", "model.train"]) {
          check(all.includes(action), `audit trail lacks ${action}`);
        }
        check(all.includes("denied"), "the 401s of the signed-out calls are not audited as denied");
        await page.locator('input[name="action"]').fill("model.rollback");
        await page.getByRole("button", { name: "Apply" }).click();
        await page.waitForFunction(() => {
          const rows = [...document.querySelectorAll('[data-testid="audit-table"] tbody tr')];
          return rows.length > 0 && rows.every((r) => r.textContent.includes("model.rollback"));
        });
        await shot(page, "audit");
    });

    test("phone width: pages fit the screen", async () => {
        await page.setViewportSize(PHONE);
        for (const [route, testId, name] of [
          ["/", "active-version", "overview-phone"],
          ["/prediction-explorer?symbol=MSFT", "prediction-card", "prediction-explorer-phone"],
          ["/model-management", "versions-table", "model-management-phone"],
          ["/monitoring", "latency-chart", "monitoring-phone"],
          ["/audit", "audit-table", "audit-phone"],
        ]) {
          await page.goto(`${DASHBOARD}${route}`);
          await visible(page, testId);
          await noHorizontalOverflow(page, route);
          await shot(page, name);
        }
        await page.setViewportSize(LAPTOP);
    });

    test("sign-out hides the controls again and the old token is refused", async () => {
        await page.goto(`${DASHBOARD}/model-management`);
        await visible(page, "train-button");
        await page.getByRole("button", { name: "Sign out" }).click();
        await page.getByRole("link", { name: "Sign in", exact: true }).waitFor();
        await visible(page, "sign-in-hint");
        check(await absent(page, '[data-testid="train-button"]'), "train button still visible");
        check(await absent(page, '[data-testid^="activate-v"]'), "activate button still visible");
        const stored = await page.evaluate(() => sessionStorage.getItem("mlplatform.session"));
        check(stored === null, "the session is still in sessionStorage");
        const res = await pageFetch(page, `${API}/admin/train/status`, {
          headers: { Authorization: `Token ${ctx.token}` },
        });
        check(res.status === 401, `the signed-out token still works (HTTP ${res.status})`);
    });

    test("realized performance: a replayed version's scored outcomes are drawn with real points", async () => {
        const version = process.env.E2E_REPLAY_VERSION || "v2";
        const report = await pageFetch(page, `${API}/monitoring/performance?version=${version}&source=replay`);
        check(report.status === 200, `GET /monitoring/performance answered ${report.status}`);
        check(report.body.scored > 100, `only ${report.body.scored} replay outcomes scored`);
        await page.goto(`${DASHBOARD}/monitoring`);
        await visible(page, "card-performance");
        await page.getByTestId("performance-version").selectOption(version);
        await page.getByRole("button", { name: "Replay" }).click();
        const counts = await visible(page, "performance-counts");
        await page.waitForFunction(
          ([v, n]) => document.querySelector('[data-testid="performance-counts"]')?.textContent?.includes(`${v} · ${n} scored`),
          [version, report.body.scored],
        );
        check((await text(counts)).includes(`${report.body.scored} scored`), `counts read "${await text(counts)}"`);
        const status = await text(page.getByTestId("performance-status"));
        check(/ok|degraded|insufficient data/i.test(status), `status reads "${status}"`);
        await chartPoints(page, "performance-reliability-chart", Math.min(2, report.body.live.reliability.length));
        await chartPoints(page, "performance-skill-chart", 0, { line: true });
        await chartPoints(page, "performance-hit-chart", 0, { line: true });
        const table = await text(page.getByTestId("performance-table"));
        check(table.includes("Skill vs best baseline") && /%/.test(table), `table reads "${table.slice(0, 120)}"`);
        await page.goto(`${DASHBOARD}/`);
        await visible(page, "overview-performance-status");
        await shot(page, "realized-performance-overview");
        await page.goto(`${DASHBOARD}/model-management`);
        await page.waitForFunction(
          (v) => document.querySelector(`[data-testid="live-row-${v}"]`)?.textContent?.includes("hit"),
          version,
        );
        await page.goto(`${DASHBOARD}/monitoring`);
        await page.getByTestId("performance-version").selectOption(version);
        await page.getByRole("button", { name: "Replay" }).click();
        await chartPoints(page, "performance-reliability-chart", 2);
        await shot(page, "realized-performance");
    });

    test("no uncaught error in any page", async () => {
      check(pageErrors.length === 0, `page errors: ${pageErrors.join(" | ")}`);
    });

});
