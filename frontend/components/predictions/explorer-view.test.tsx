import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { ApiError } from "@/lib/api";
import { makePrediction } from "@/test/fixtures";

import { batchToCsv, BatchResults } from "./batch-panel";
import { explainPredictionError } from "./explain-error";
import { ExplorerView } from "./explorer-view";

const api = vi.hoisted(() => ({
  getPrediction: vi.fn(),
  getSymbols: vi.fn(),
  getFeatures: vi.fn(),
  getRecentPredictions: vi.fn(),
}));

vi.mock("@/lib/api", async (importOriginal) => ({ ...(await importOriginal<object>()), ...api }));

function apiError(code: string, status: number, message: string): ApiError {
  return new ApiError({ message, status, code, requestId: "req-err-1" });
}

beforeEach(() => {
  api.getSymbols.mockResolvedValue({ source: "csv", origin: "files", symbols: ["AAPL", "MSFT", "NVDA"] });
  api.getPrediction.mockImplementation(async ({ symbol }: { symbol: string }) => makePrediction({ symbol }));
  api.getFeatures.mockResolvedValue({ symbol: "AAPL", window_used: 100, upstream_latest_timestamp: null, degraded_input: false, features: [] });
  api.getRecentPredictions.mockResolvedValue({ entries: [] });
  window.history.replaceState(null, "", "/prediction-explorer");
});

afterEach(() => vi.clearAllMocks());

test("one click runs one prediction and writes the symbol into the URL", async () => {
  render(<ExplorerView />);
  await userEvent.type(screen.getByRole("combobox", { name: "Symbol" }), "msft");
  await userEvent.click(screen.getByRole("button", { name: "Predict" }));
  expect(await screen.findByTestId("prediction-card")).toHaveTextContent("MSFT");
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(api.getPrediction).toHaveBeenCalledTimes(1);
  expect(window.location.search).toBe("?symbol=MSFT");
  await userEvent.click(screen.getByRole("button", { name: "Predict" }));
  await waitFor(() => expect(api.getPrediction).toHaveBeenCalledTimes(2));
});

test("the symbol picker lists what the market-data source offers", async () => {
  render(<ExplorerView />);
  const picker = await screen.findByTestId("symbol-picker");
  await waitFor(() => expect(within(picker).getAllByRole("option")).toHaveLength(4));
  expect(within(picker).getAllByRole("option")[0]).toHaveTextContent("3 symbols");
  await userEvent.selectOptions(picker, "NVDA");
  expect(screen.getByRole("combobox", { name: "Symbol" })).toHaveValue("NVDA");
});

test("an unknown symbol is explained once, without the chart's second error", async () => {
  api.getPrediction.mockRejectedValue(apiError("unknown_symbol", 404, "unknown symbol ZZZZQ"));
  render(<ExplorerView initialSymbol="ZZZZQ" />);
  const error = await screen.findByTestId("prediction-error");
  expect(error).toHaveTextContent("No market data for ZZZZQ");
  expect(error).toHaveTextContent("Pick one of its 3 symbols");
  expect(screen.getAllByRole("alert")).toHaveLength(1);
  expect(api.getFeatures).not.toHaveBeenCalled();
});

test("no active model: a button to the Models page, not an API path", async () => {
  api.getPrediction.mockRejectedValue(
    apiError("no_active_model", 404, "no model version is active: train one (POST /admin/train or manage.py train)"),
  );
  render(<ExplorerView initialSymbol="AAPL" />);
  const error = await screen.findByTestId("prediction-error");
  expect(error).not.toHaveTextContent("POST");
  expect(within(error).getByRole("link", { name: "Go to Models" })).toHaveAttribute("href", "/model-management");
  expect(error).toHaveTextContent("req-err-1");
});

test("every error code gets a title and a message", () => {
  for (const code of ["unknown_symbol", "no_active_model", "model_unavailable", "insufficient_history", "throttled", "boom"]) {
    const text = explainPredictionError(apiError(code, 400, "detail"), "AAPL");
    expect(text.title.length).toBeGreaterThan(5);
    expect(text.message.length).toBeGreaterThan(3);
  }
});

const ITEMS = [
  { symbol: "AAPL", prediction: "BUY" as const, confidence: 0.5, probability_up: 0.6, expected_return: 0.0012, version: "v2", degraded_input: true, input_data_status: "stale", error: null },
  { symbol: "MSFT", prediction: "HOLD" as const, confidence: 0.1, probability_up: 0.52, expected_return: 0.0001, version: "v2", degraded_input: false, input_data_status: "fresh", error: null },
  { symbol: "ZZZZQ", prediction: null, confidence: null, probability_up: null, expected_return: null, version: null, degraded_input: null, input_data_status: null, error: { code: "unknown_symbol", message: 'no data, "ZZZZQ"' } },
];

test("batch rows carry stale and degraded flags", () => {
  render(<BatchResults items={ITEMS} />);
  const aapl = screen.getByTestId("batch-row-AAPL");
  expect(within(aapl).getByTestId("batch-row-degraded")).toBeInTheDocument();
  expect(within(aapl).getByTestId("batch-row-stale")).toBeInTheDocument();
  expect(aapl).toHaveTextContent("+12.0 bp");
  expect(within(screen.getByTestId("batch-row-MSFT")).queryByTestId("batch-row-degraded")).not.toBeInTheDocument();
  expect(screen.getByTestId("batch-export")).toBeInTheDocument();
});

test("the CSV export keeps raw values, flags and quoted errors", () => {
  const lines = batchToCsv(ITEMS).trimEnd().split("\r\n");
  expect(lines[0]).toBe("symbol,prediction,confidence,probability_up,expected_return,version,degraded_input,input_data_status,error");
  expect(lines[1]).toBe("AAPL,BUY,0.5,0.6,0.0012,v2,true,stale,");
  expect(lines[3]).toBe('ZZZZQ,,,,,,,,"no data, ""ZZZZQ"" (unknown_symbol)"');
});
