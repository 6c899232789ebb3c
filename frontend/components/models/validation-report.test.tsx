import { render, screen, within } from "@testing-library/react";

import type { ModelDetail } from "@/lib/types";
import { makeDetail, makeModel } from "@/test/fixtures";

import { ValidationReportBody } from "./validation-report";
import { VersionsTable } from "./versions-table";

const reliability = Array.from({ length: 10 }, (_, i) => ({ p_mean: 0.3 + i * 0.04, up_share: 0.31 + i * 0.04, n: 100 }));

function detail(overrides: Record<string, unknown> = {}): ModelDetail {
  const base = makeDetail("v2", { is_active: true });
  return {
    ...base,
    promotion: { decision: "held", reason: "policy if_better: does not beat the training-mean baseline: skill −0.4%" },
    validation_metrics: {
      ...base.validation_metrics,
      skill: 0.081,
      skill_vs: "mean",
      skill_zero: 0.083,
      skill_mean: 0.081,
      skill_ci: [0.016, 0.138],
      ic_ci: [-0.01, 0.2],
      directional_edge: -0.05,
      directional_edge_ci: [-0.09, -0.01],
      baseline_majority: { n: 200, direction: "up", directional_accuracy: 0.56 },
      calibration: {
        base_rate: 0.51,
        brier: 0.222,
        brier_base_rate: 0.2505,
        log_loss: 0.641,
        log_loss_base_rate: 0.694,
        reliability,
      },
      signals: {
        BUY: { share: 0.37, hit_rate: 0.69 },
        SELL: { share: 0.29, hit_rate: 0.74 },
        HOLD: { share: 0.34 },
        margin: 0.05,
      },
      ...overrides,
    },
    dataset_summary: {
      ...base.dataset_summary,
      skipped_symbols: { XYZ: "XYZ.csv: row 9 ... a level shift" },
      quarantined_rows: [
        {
          symbol: "AAA",
          origin: "AAA.csv",
          row: 301,
          date: "2021-03-02",
          close: 12000,
          rule: "glitch",
          message: "AAA.csv: row 301 (2021-03-02) close 1.2e4 is 100x the previous close",
        },
      ],
    },
  };
}

test("headlines are coloured by their interval, not their sign", () => {
  render(<ValidationReportBody detail={detail()} />);
  const skill = screen.getByTestId("headline-skill");
  expect(skill).toHaveAttribute("data-tone", "good");
  expect(skill).toHaveTextContent("Skill vs the training-mean baseline");
  expect(skill).toHaveTextContent("+8.1%");
  expect(skill).toHaveTextContent("90% CI +1.6%…+13.8%");
  expect(screen.getByTestId("headline-ic")).toHaveAttribute("data-tone", "warn"); // straddles 0
  expect(screen.getByTestId("headline-edge")).toHaveAttribute("data-tone", "bad"); // below 0
  expect(screen.getByTestId("headline-edge")).toHaveTextContent("−5.0%");
});

test("calibration, signals, promotion and data sanity are shown", () => {
  render(<ValidationReportBody detail={detail()} />);
  expect(screen.getByTestId("reliability-chart")).toBeInTheDocument();
  const cal = screen.getByTestId("calibration-table");
  expect(within(cal).getByText("0.2220")).toBeInTheDocument();
  expect(within(cal).getByText("0.2505")).toBeInTheDocument();
  expect(within(cal).getByText(/Base rate 51.0%/)).toBeInTheDocument();
  const signals = screen.getByTestId("signals-table");
  expect(within(signals).getByText("37.0%")).toBeInTheDocument();
  expect(within(signals).getByText("74.0%")).toBeInTheDocument();
  expect(screen.getByTestId("promotion-reason")).toHaveTextContent("does not beat the training-mean baseline");
  const sanity = screen.getByTestId("data-sanity");
  expect(sanity).toHaveTextContent("AAA.csv: row 301");
  expect(sanity).toHaveTextContent("XYZ: XYZ.csv: row 9");
});

test("a version from before honest metrics says so instead of inventing numbers", () => {
  const old = makeDetail("v1");
  render(<ValidationReportBody detail={old} />);
  expect(screen.getByTestId("empty-state")).toHaveTextContent("trained before honest metrics");
});

test("the versions table colours skill by its interval", () => {
  const straddling = makeModel("v3", {
    validation_metrics: { ...makeModel("v3").validation_metrics, skill: 0.01, skill_ci: [-0.02, 0.04] },
  });
  render(<VersionsTable models={[straddling]} />);
  const cell = screen.getByTestId("skill-cell");
  expect(cell).toHaveAttribute("data-tone", "warn");
  expect(cell).toHaveTextContent("+1.0%");
  expect(cell).toHaveTextContent("−2.0%…+4.0%");
});
