import { render, screen, within } from "@testing-library/react";

import { makePrediction } from "@/test/fixtures";

import { PredictionCard } from "./prediction-card";

test("shows the signal, probabilities, return, risk, version and request id from the API", () => {
  render(<PredictionCard prediction={makePrediction()} />);
  const card = screen.getByTestId("prediction-card");
  expect(within(card).getByTestId("prediction-signal")).toHaveTextContent("BUY");
  expect(within(card).getByTestId("prediction-confidence")).toHaveTextContent("73.4%");
  expect(card).toHaveTextContent(/P\(up\).*62\.0%/);
  expect(card).toHaveTextContent("P(down) 38.0%");
  expect(card).toHaveTextContent(/Expected return.*\(5d\)/);
  expect(card).toHaveTextContent("+123.0 bp");
  expect(card).toHaveTextContent("0.21");
  expect(within(card).getByTestId("term-risk_score")).toHaveTextContent(/annualized volatility/);
  expect(within(card).getByTestId("prediction-version")).toHaveTextContent("v3");
  expect(within(card).getByTestId("prediction-request-id")).toHaveTextContent("req-abc-123");
  expect(screen.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "62");
});

test("fresh input carries no degraded or stale badge", () => {
  render(<PredictionCard prediction={makePrediction()} />);
  expect(screen.queryByTestId("badge-degraded")).not.toBeInTheDocument();
  expect(screen.queryByTestId("badge-stale")).not.toBeInTheDocument();
});

test("degraded and stale inputs are flagged", () => {
  render(
    <PredictionCard
      prediction={makePrediction({ prediction: "SELL", degraded_input: true, input_data_status: "stale", expected_return: -0.004 })}
    />,
  );
  expect(screen.getByTestId("prediction-signal")).toHaveTextContent("SELL");
  expect(screen.getByTestId("badge-degraded")).toBeInTheDocument();
  expect(screen.getByTestId("badge-stale")).toBeInTheDocument();
  expect(screen.getByTestId("prediction-card")).toHaveTextContent("\u221240.0 bp");
});
