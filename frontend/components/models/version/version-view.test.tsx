import { render, screen, within } from "@testing-library/react";

import { configDiff, windowDiff } from "@/lib/version";
import { makeModel } from "@/test/fixtures";

import { HorizonNotice } from "../compare-diff";
import { VersionView } from "./version-view";

const api = vi.hoisted(() => ({ getModel: vi.fn(), getActivations: vi.fn() }));
vi.mock("@/lib/api", async (importOriginal) => ({ ...(await importOriginal<object>()), ...api }));

const base = makeModel("v3", { is_active: true });

function detail(overrides: Record<string, unknown> = {}) {
  return {
    ...base,
    status: "ready",
    forecast_horizon: "5d",
    horizon_days: 5,
    feature_schema_hash: "abcdef0123456789",
    feature_columns: ["ret_1d", "vol_20d"],
    promotion: { decision: "held", reason: "skill -1.2% is not above 0" },
    training_run: {
      run_id: "6f1c2a9e-0000-4000-8000-000000000001",
      state: "succeeded",
      origin: "cli",
      requested_by: "alice",
      requested_by_type: "user",
      params: { horizon: 5 },
      created_at: "2024-05-03T09:00:00Z",
      started_at: "2024-05-03T09:00:01Z",
      completed_at: "2024-05-03T09:02:00Z",
    },
    metadata: { config: { alpha: 1, symbols: ["AAPL", "MSFT"], split: { test_size: 0.2 } }, artifact_hashes: { "model.json": "f".repeat(64) } },
    ...overrides,
  };
}

beforeEach(() => {
  api.getActivations.mockResolvedValue({
    activations: [
      { timestamp: "2024-05-04T10:00:00Z", from_version: "v2", to_version: "v3", actor: "bob", reason: "better", kind: "activate" },
      { timestamp: "2024-05-02T10:00:00Z", from_version: "v1", to_version: "v2", actor: "bob", reason: "unrelated" },
    ],
  });
});

afterEach(() => vi.clearAllMocks());

test("the version page tells where the version came from and what was decided", async () => {
  api.getModel.mockResolvedValue(detail());
  render(<VersionView version="v3" />);
  expect(await screen.findByTestId("version-title")).toHaveTextContent("v3");
  expect(screen.getByTestId("lineage-who")).toHaveTextContent("alice (user)");
  expect(screen.getByTestId("lineage-origin")).toHaveTextContent("manage.py train");
  expect(screen.getByTestId("lineage-horizon")).toHaveTextContent("5d");
  const windows = screen.getByTestId("version-windows");
  expect(within(windows).getByText("AAPL")).toBeInTheDocument();
  expect(within(windows).getByText("180")).toBeInTheDocument();
  expect(screen.getByTestId("version-config")).toHaveTextContent("AAPL, MSFT");
  expect(screen.getByTestId("version-promotion")).toHaveTextContent("held");
  expect(screen.getByTestId("version-promotion")).toHaveTextContent("skill -1.2% is not above 0");
  expect(screen.getByTestId("version-status")).toHaveTextContent("Ready");
  const history = await screen.findByTestId("version-activations");
  expect(history).toHaveTextContent("v2 → v3");
  expect(history).not.toHaveTextContent("unrelated");
  // Without intervals or calibration in the metrics, the page says so instead of breaking.
  expect(screen.getByTestId("version-skill")).toHaveTextContent("+3.0%");
  expect(screen.getByTestId("version-skill")).toHaveTextContent("90% interval —");
  expect(screen.getByTestId("card-version-calibration")).toHaveTextContent("stores no calibration table");
});

test("intervals and the calibration plot appear when the metrics carry them", async () => {
  const validation = {
    ...(base.validation_metrics as object),
    skill: -0.0146,
    skill_vs: "baseline_mean",
    skill_ci: [-0.03, 0.001],
    ic_ci: [0.01, 0.09],
    directional_edge: 0.012,
    directional_edge_ci: [-0.004, 0.028],
    calibration: {
      base_rate: 0.53,
      brier: 0.2481,
      brier_base_rate: 0.2491,
      log_loss: 0.69,
      log_loss_base_rate: 0.692,
      reliability: [
        { p_mean: 0.45, up_share: 0.47, n: 100 },
        { p_mean: 0.55, up_share: 0.54, n: 120 },
      ],
    },
  };
  api.getModel.mockResolvedValue(detail({ validation_metrics: validation }));
  render(<VersionView version="v3" />);
  const skill = await screen.findByTestId("version-skill");
  expect(skill).toHaveTextContent("\u22121.5%");
  expect(skill).toHaveTextContent("[\u22123.0%, +0.1%]");
  expect(skill).toHaveTextContent("vs mean baseline");
  expect(screen.getByTestId("version-metrics")).toHaveTextContent("[0.010, 0.090]");
  expect(screen.getByTestId("calibration-chart")).toBeInTheDocument();
  expect(screen.getByTestId("version-calibration")).toHaveTextContent("220 rows in 2 bins");
});

test("a version without a recorded run or decision still renders", async () => {
  api.getModel.mockResolvedValue(detail({ training_run: null, promotion: null, status: "missing", status_detail: "model.json is gone" }));
  render(<VersionView version="v3" />);
  expect(await screen.findByTestId("lineage-who")).toHaveTextContent("not recorded");
  expect(screen.getByTestId("card-version-promotion")).toHaveTextContent("No promotion decision");
  expect(screen.getByTestId("version-artifacts")).toHaveTextContent("model.json is gone");
});

test("compare: config and window diffs, and a warning across horizons", () => {
  const rows = configDiff({ alpha: 1, split: { test_size: 0.2 } }, { alpha: 2, split: { test_size: 0.2 }, lookback: 500 });
  expect(rows.filter((r) => !r.same).map((r) => r.key)).toEqual(["alpha", "lookback"]);
  expect(rows.find((r) => r.key === "split.test_size")?.same).toBe(true);
  const win = windowDiff(
    { AAPL: { rows: 10, first_date: "2020-01-01", last_date: "2020-02-01" } },
    { AAPL: { rows: 12, first_date: "2020-01-01", last_date: "2020-02-03" }, MSFT: { rows: 5, first_date: "2020-01-01", last_date: "2020-01-09" } },
  );
  expect(win.map((r) => [r.key, r.same])).toEqual([["AAPL", false], ["MSFT", false]]);
  const { rerender } = render(<HorizonNotice a={makeModel("v1", { horizon_days: 5 })} b={makeModel("v2", { horizon_days: 10 })} />);
  expect(screen.getByTestId("horizon-mismatch")).toHaveTextContent("v1 predicts 5d returns and v2 predicts 10d returns");
  rerender(<HorizonNotice a={makeModel("v1", { horizon_days: 5 })} b={makeModel("v2", { horizon_days: 5 })} />);
  expect(screen.queryByTestId("horizon-mismatch")).not.toBeInTheDocument();
});
