import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import type { PerformanceReport } from "@/lib/performance-types";
import { makeMetrics } from "@/test/fixtures";
import { signInAs, signOut } from "@/test/session";

import { PerformanceDetail, RealizedPerformanceSection, reliabilityRows, rollingRows } from "./realized-performance";

const api = vi.hoisted(() => ({
  getPerformance: vi.fn(),
  adminScore: vi.fn(),
  getModels: vi.fn(() => Promise.resolve({ available_versions: ["v1", "v2"], active_version: "v2", models: [] })),
}));
vi.mock("@/lib/api", async (importOriginal) => ({ ...(await importOriginal<object>()), ...api }));

function makeReport(overrides: Partial<PerformanceReport> = {}): PerformanceReport {
  const live = {
    n: 600,
    dates: 120,
    first_date: "2026-01-05",
    last_date: "2026-05-04",
    hit_rate: 0.56,
    hit_rate_ci: [0.52, 0.6] as [number, number],
    base_rate: 0.51,
    majority_rate: 0.51,
    ic: 0.12,
    ic_n: 600,
    rmse: 0.021,
    rmse_zero: 0.022,
    rmse_mean: 0.0221,
    skill: 0.045,
    skill_vs: "zero",
    skill_zero: 0.045,
    skill_mean: 0.05,
    skill_ci: [0.01, 0.08] as [number, number],
    brier: 0.245,
    brier_base_rate: 0.2499,
    reliability: [
      { p_mean: 0.4, up_share: 0.38, n: 300 },
      { p_mean: 0.6, up_share: 0.63, n: 300 },
    ],
    signals: { BUY: { n: 200, share: 0.33, hit_rate: 0.6 }, SELL: { n: 150, share: 0.25, hit_rate: 0.58 } },
  };
  return {
    version: "v2",
    source: "live",
    is_active: true,
    horizon_days: 5,
    status: "ok",
    status_reason: "live skill is not significantly below zero or below validation",
    min_outcomes: 100,
    window_days: null,
    scored: 600,
    pending: 25,
    unscorable: 1,
    validation: makeMetrics(900, { rmse: 0.02, ic: 0.1, directional_accuracy: 0.55 }, 0.021, 0.0211, { skill: 0.03 }),
    live,
    rolling: { ...live, target_outcomes: 500 },
    series: [
      {
        date: "2026-05-01",
        n: 5,
        hit_rate: 0.6,
        skill: 0.1,
        rolling_n: 300,
        rolling_hit_rate: 0.55,
        rolling_hit_rate_ci: null,
        rolling_skill: 0.04,
        rolling_skill_ci: null,
      },
      {
        date: "2026-05-04",
        n: 5,
        hit_rate: 0.4,
        skill: -0.1,
        rolling_n: 300,
        rolling_hit_rate: 0.56,
        rolling_hit_rate_ci: [0.5, 0.61],
        rolling_skill: 0.045,
        rolling_skill_ci: [0.01, 0.08],
      },
    ],
    ...overrides,
  };
}

afterEach(() => vi.clearAllMocks());

test("shows the status, counts and live next to validation", () => {
  render(<PerformanceDetail report={makeReport()} />);
  expect(screen.getByTestId("performance-status")).toHaveTextContent("Ok");
  expect(screen.getByTestId("performance-counts")).toHaveTextContent("600 scored · 25 pending · 1 unscorable");
  const table = screen.getByTestId("performance-table");
  const skillRow = within(table).getByText("Skill vs best baseline").closest("tr")!;
  expect(skillRow).toHaveTextContent("4.5%");
  expect(skillRow).toHaveTextContent("3.0%");
  expect(within(table).getByText("Hit rate").closest("tr")).toHaveTextContent("56.0% (base 51.0%)");
  expect(screen.getByTestId("performance-reliability-chart")).toBeInTheDocument();
  expect(screen.getByTestId("performance-skill-chart")).toBeInTheDocument();
  expect(screen.getByTestId("performance-hit-chart")).toBeInTheDocument();
});

test("chart rows carry the API's intervals and nulls where it computed none", () => {
  const rows = rollingRows(makeReport().series);
  expect(rows[0]).toMatchObject({ date: "2026-05-01", skill: 0.04, skill_lo: null, skill_hi: null });
  expect(rows[1]).toMatchObject({ skill_lo: 0.01, skill_hi: 0.08, hit_lo: 0.5, hit_hi: 0.61 });
  expect(reliabilityRows(makeReport().live.reliability)).toEqual([
    { p: 0.4, observed: 0.38, ideal: 0.4, n: 300 },
    { p: 0.6, observed: 0.63, ideal: 0.6, n: 300 },
  ]);
});

test("the section explains an empty report with the pending count", async () => {
  const empty = makeReport();
  api.getPerformance.mockResolvedValue({ ...empty, scored: 0, live: { ...empty.live, n: 0 }, series: [] });
  render(<RealizedPerformanceSection />);
  expect(await screen.findByTestId("empty-state")).toHaveTextContent("25 pending");
});

test("a degraded report is shown as such", async () => {
  api.getPerformance.mockResolvedValue(makeReport({ status: "degraded", status_reason: "live skill below zero" }));
  render(<RealizedPerformanceSection />);
  expect(await screen.findByTestId("performance-status")).toHaveTextContent("Degraded");
  expect(screen.getByText("live skill below zero")).toBeInTheDocument();
  expect(api.getPerformance).toHaveBeenCalledWith({});
});

test("a version's replay outcomes are one choice away", async () => {
  api.getPerformance.mockResolvedValue(makeReport());
  render(<RealizedPerformanceSection />);
  await screen.findByTestId("performance-status");
  await userEvent.selectOptions(await screen.findByTestId("performance-version"), "v1");
  await userEvent.click(screen.getByRole("button", { name: "Replay" }));
  await waitFor(() => expect(api.getPerformance).toHaveBeenLastCalledWith({ source: "replay", version: "v1" }));
});

test("an operator scores matured predictions now and sees what the run did", async () => {
  signInAs("ops", true);
  api.getPerformance.mockResolvedValue(makeReport());
  api.adminScore.mockResolvedValue({ action: "score", status: "ok", scored: 12, pending: 3, unscorable: 1 });
  render(<RealizedPerformanceSection />);
  await userEvent.click(await screen.findByTestId("score-now"));
  expect(await screen.findByTestId("score-result")).toHaveTextContent("Scored 12, 3 pending, 1 unscorable.");
  signOut();
});

test("signed out, there is no Score now button", async () => {
  api.getPerformance.mockResolvedValue(makeReport());
  render(<RealizedPerformanceSection />);
  await screen.findByTestId("performance-status");
  expect(screen.queryByTestId("score-now")).not.toBeInTheDocument();
});
