import { render, screen, within } from "@testing-library/react";

import { makeDrift } from "@/test/fixtures";

import { DriftBars, NEG_LOG_P_CAP, negLog10P, psiThreshold } from "./drift-bars";

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
  const summary = screen.getByText(/p-value threshold/);
  expect(within(summary).getByTestId("term-drift_share")).toBeInTheDocument();
  expect(summary).toHaveTextContent(/50\.0%$/);
});

test("without per-feature details it explains why instead of drawing empty bars", () => {
  render(<DriftBars report={makeDrift({ status: "no_model", details: {}, drift_share: null })} />);
  expect(screen.getByTestId("empty-state")).toHaveTextContent("No active model");
  expect(screen.queryByTestId("drift-pvalue-chart")).not.toBeInTheDocument();
});

test("uses the API's PSI threshold when it sends one", () => {
  expect(psiThreshold(makeDrift())).toBe(0.25);
  expect(psiThreshold(makeDrift({ psi_threshold: 0.1 }))).toBe(0.1);
});

test("p-values at the bound still draw a bar: −log10 p, capped", () => {
  expect(negLog10P(0.01)).toBeCloseTo(2);
  expect(negLog10P(0)).toBe(NEG_LOG_P_CAP);
  expect(negLog10P(1e-300)).toBe(NEG_LOG_P_CAP);
  expect(negLog10P(1)).toBe(0);
  expect(negLog10P(null)).toBeNull();
  render(<DriftBars report={makeDrift({ details: { ret_1d: { p_value: 0, psi: 2, mean_shift: 1, drift: true, samples: 40 } } })} />);
  expect(screen.getByTestId("drift-row-ret_1d")).toHaveTextContent("< 0.0001");
});
