import { render, screen, within } from "@testing-library/react";

import { makeDrift } from "@/test/fixtures";

import { DriftBars, psiThreshold } from "./drift-bars";

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
  expect(screen.getByText(/drift share 50\.0%/)).toBeInTheDocument();
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
