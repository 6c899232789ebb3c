import { render, screen, within } from "@testing-library/react";

import { BatchResults, itemErrorText } from "./batch-panel";

test("each batch row shows its prediction or its own error", () => {
  render(
    <BatchResults
      items={[
        { symbol: "AAPL", prediction: "HOLD", confidence: 0.5, probability_up: 0.51, expected_return: 0.001, version: "v2", error: null },
        {
          symbol: "ZZZZ",
          prediction: null,
          confidence: null,
          probability_up: null,
          expected_return: null,
          version: null,
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

test("item errors read well whatever their shape", () => {
  expect(itemErrorText("boom")).toBe("boom");
  expect(itemErrorText({ error: "not_found" })).toBe("not_found");
  expect(itemErrorText({ error: "validation_error", details: { symbol: ["bad"] } })).toBe("symbol: bad");
  expect(itemErrorText(null)).toBe("");
});
