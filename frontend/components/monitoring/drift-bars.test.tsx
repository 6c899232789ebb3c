import { render, screen, within } from "@testing-library/react";

import type { DriftReport } from "@/lib/types";
import { makeDrift, makeFeatureDrift } from "@/test/fixtures";

import { DriftBars, NEG_LOG_P_CAP, negLog10P, psiThreshold, statisticRatio } from "./drift-bars";
import { driftSentence, falseAlarmText } from "./drift-summary";

test("shows each feature's p-value, PSI and drift flag with the report status", () => {
  render(<DriftBars report={makeDrift()} />);
  expect(screen.getByTestId("drift-status")).toHaveTextContent("Drift detected");
  const drifting = screen.getByTestId("drift-row-ret_1d");
  expect(drifting).toHaveTextContent("0.0010");
  expect(drifting).toHaveTextContent("0.3100");
  expect(within(drifting).getByText("drift")).toBeInTheDocument();
  const stable = screen.getByTestId("drift-row-vol_20d");
  expect(stable).toHaveTextContent("0.4200");
  expect(within(stable).getByText("ok")).toBeInTheDocument();
  expect(screen.getByTestId("drift-pvalue-chart")).toBeInTheDocument();
  expect(screen.getByTestId("drift-psi-chart")).toBeInTheDocument();
  expect(screen.getByTestId("drift-false-alarm")).toHaveTextContent(/p-value threshold/);
  const summary = screen.getByTestId("drift-window");
  expect(within(summary).getByTestId("term-drift_share")).toBeInTheDocument();
  expect(summary).toHaveTextContent(/50\.0%$/);
});

test("without per-feature details it explains why instead of drawing empty bars", () => {
  render(<DriftBars report={makeDrift({ status: "no_model", details: {}, drift_share: null })} />);
  expect(screen.getByTestId("empty-state")).toHaveTextContent("No active model");
  expect(screen.queryByTestId("drift-pvalue-chart")).not.toBeInTheDocument();
});

test("the PSI band edge is the backend's 0.25", () => {
  expect(psiThreshold()).toBe(0.25);
});

function makeCalibrated(overrides: Partial<DriftReport> = {}): DriftReport {
  return makeDrift({
    method: "ks_calibrated+psi",
    calibration: "empirical",
    false_alarm_rate: 0.05,
    requests: 500,
    distinct_rows: 167,
    drift_share: 0.5,
    details: {
      ret_1d: makeFeatureDrift({
        p_value: 0.004,
        psi: 0.31,
        mean_shift: 0.8,
        drift: true,
        samples: 167,
        statistic: 0.62,
        threshold_statistic: 0.41,
        effective_rows: 12.4,
      }),
      volatility: makeFeatureDrift({
        p_value: 0.6,
        psi: 0.03,
        mean_shift: 0.05,
        drift: false,
        samples: 167,
        statistic: 0.2,
        threshold_statistic: 0.55,
        effective_rows: 6,
      }),
    },
    ...overrides,
  });
}

test("a calibrated report shows each statistic against its threshold, the distinct rows and the false-alarm rate", () => {
  render(<DriftBars report={makeCalibrated()} />);
  expect(screen.getByTestId("drift-statistic-chart")).toBeInTheDocument();
  expect(screen.queryByTestId("drift-pvalue-chart")).not.toBeInTheDocument();
  expect(screen.getByTestId("drift-window")).toHaveTextContent("167 distinct inputs from 500 requests");
  expect(screen.getByTestId("drift-false-alarm")).toHaveTextContent("false-alarm rate 5% per window");
  const drifting = screen.getByTestId("drift-row-ret_1d");
  expect(drifting).toHaveTextContent("0.620");
  expect(drifting).toHaveTextContent("0.410");
  expect(drifting).toHaveTextContent("(12)");
  expect(within(drifting).getByText("drift")).toBeInTheDocument();
  expect(within(screen.getByTestId("drift-row-volatility")).getByText("ok")).toBeInTheDocument();
});

test("statisticRatio needs both numbers and a positive threshold", () => {
  expect(statisticRatio({ statistic: 0.5, threshold_statistic: 0.25 })).toBe(2);
  expect(statisticRatio({ statistic: 0.5, threshold_statistic: 0 })).toBeNull();
  expect(statisticRatio({ statistic: 0.5 })).toBeNull();
});

test("the sentence says what was tested and how far to trust it", () => {
  expect(driftSentence(makeCalibrated())).toBe(
    "1 of 2 features beyond their thresholds (ret_1d) over 167 distinct inputs from 500 requests; " +
      "false-alarm rate 5% per window (calibrated on the training period).",
  );
  const healthy = makeCalibrated({ status: "healthy" });
  expect(driftSentence(healthy)).toMatch(/^All 2 features within their thresholds over 167 distinct inputs/);
  const thin = makeCalibrated({ status: "insufficient_data", details: {}, requests: 30, distinct_rows: 1 });
  expect(driftSentence(thin)).toBe(
    "Not enough distinct inputs to test (1 distinct input from 30 requests); " +
      "false-alarm rate 5% per window (calibrated on the training period).",
  );
  expect(driftSentence(makeDrift({ status: "healthy" }))).toMatch(/uncalibrated .*false-alarm rate unknown/);
  expect(falseAlarmText(makeDrift())).toMatch(/^uncalibrated/);
});

test("p-values at the bound still draw a bar: −log10 p, capped", () => {
  expect(negLog10P(0.01)).toBeCloseTo(2);
  expect(negLog10P(0)).toBe(NEG_LOG_P_CAP);
  expect(negLog10P(1e-300)).toBe(NEG_LOG_P_CAP);
  expect(negLog10P(1)).toBe(0);
  expect(negLog10P(null)).toBeNull();
  render(<DriftBars report={makeDrift({ details: { ret_1d: makeFeatureDrift({ p_value: 0, psi: 2, mean_shift: 1, drift: true, samples: 40 }) } })} />);
  expect(screen.getByTestId("drift-row-ret_1d")).toHaveTextContent("< 0.0001");
});
