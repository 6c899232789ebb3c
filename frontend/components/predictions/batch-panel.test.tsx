import { render, screen, within } from "@testing-library/react";

import { BatchResults, itemErrorText } from "./batch-panel";

test("each batch row shows its prediction or its own error", () => {
  render(
    <BatchResults
      items={[
        { symbol: "AAPL", prediction: "HOLD", confidence: 0.5, probability_up: 0.51, expected_return: 0.001, version: "v2", degraded_input: false, input_data_status: "fresh", error: null },
        {
          symbol: "ZZZZ",
          prediction: null,
          confidence: null,
          probability_up: null,
          expected_return: null,
          version: null,
          degraded_input: null,
          input_data_status: null,
          error: { code: "market_data_not_found", message: "No market data for ZZZZ." },
        },
      ]}
    />,
  );
  expect(screen.getByTestId("batch-summary")).toHaveTextContent("1 succeeded, 1 failed");
  expect(within(screen.getByTestId("batch-row-AAPL")).getByText("HOLD")).toBeInTheDocument();
  expect(within(screen.getByTestId("batch-row-ZZZZ")).getByTestId("batch-row-error")).toHaveTextContent(
    "No market data for ZZZZ. (market_data_not_found)",
  );
});

test("an item error reads as its message and code", () => {
  expect(itemErrorText({ code: "not_found", message: "" })).toBe("not_found");
  expect(itemErrorText({ code: "unknown_symbol", message: "no such symbol" })).toBe("no such symbol (unknown_symbol)");
  expect(itemErrorText(null)).toBe("");
});
