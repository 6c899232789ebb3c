import { render, screen, within } from "@testing-library/react";

import { makeMetrics } from "@/test/fixtures";

import { latencyRows, trainingRows } from "./monitoring-view";
import { requestRows, RequestsCard } from "./requests-card";

const api = vi.hoisted(() => ({ getRequestTraffic: vi.fn() }));
vi.mock("@/lib/api", async (importOriginal) => ({ ...(await importOriginal<object>()), ...api }));

afterEach(() => vi.clearAllMocks());

test("measured series sit on a time axis: a gap in minutes stays a gap", () => {
  const rows = latencyRows([
    { minute: "2024-05-01T14:30:00Z", count: 3, avg_ms: 5, p50_ms: 4, p95_ms: 9, p99_ms: 9.5 },
    { minute: "2024-05-01T10:01:00Z", count: 2, avg_ms: 3, p50_ms: 3, p95_ms: 4, p99_ms: 4 },
  ]);
  expect(rows.map((r) => r.t)).toEqual([Date.parse("2024-05-01T10:01:00Z"), Date.parse("2024-05-01T14:30:00Z")]);
  expect(Number(rows[1]!.t) - Number(rows[0]!.t)).toBe((4 * 60 + 29) * 60_000);
});

test("versions of different horizons are labelled with their horizon", () => {
  const metrics = makeMetrics(10, { rmse: 0.02 }, 0.021, 0.0211);
  const dataset_range = { start: null, end: null, symbols: [], rows: 0 };
  const runs = ["v2", "v1"].map((version) => ({
    version,
    timestamp: "",
    training_metrics: metrics,
    validation_metrics: metrics,
    dataset_range,
  }));
  expect(trainingRows(runs, { v1: "5d", v2: "10d" }).map((r) => r.version)).toEqual(["v1 · 5d", "v2 · 10d"]);
  expect(trainingRows(runs, { v1: "5d", v2: "5d" }).map((r) => r.version)).toEqual(["v1", "v2"]);
});

const TRAFFIC = {
  minutes: 60,
  since: "2024-05-01T10:00:00Z",
  until: "2024-05-01T11:00:00Z",
  flush_seconds: 5,
  requests: 120,
  client_errors: 15,
  server_errors: 5,
  error_rate: 20 / 120,
  avg_ms: 4,
  series: [
    { minute: "2024-05-01T10:05:00Z", requests: 100, client_errors: 10, server_errors: 5, error_rate: 0.15, avg_ms: 4 },
    { minute: "2024-05-01T10:40:00Z", requests: 20, client_errors: 5, server_errors: 0, error_rate: 0.25, avg_ms: 4 },
  ],
  routes: [
    {
      route: "/predict",
      method: "GET",
      requests: 110,
      client_errors: 5,
      server_errors: 5,
      error_rate: 10 / 110,
      avg_ms: 4.2,
      statuses: [
        { status: 200, requests: 100 },
        { status: 404, requests: 5 },
        { status: 503, requests: 5 },
      ],
    },
    { route: "(unmatched)", method: "GET", requests: 10, client_errors: 10, server_errors: 0, error_rate: 1, avg_ms: 1, statuses: [{ status: 404, requests: 10 }] },
  ],
  statuses: [
    { status: 200, requests: 100 },
    { status: 404, requests: 15 },
    { status: 503, requests: 5 },
  ],
};

test("the requests panel shows rates by route and status from the API", async () => {
  api.getRequestTraffic.mockResolvedValue(TRAFFIC);
  render(<RequestsCard />);
  expect(await screen.findByTestId("requests-summary")).toHaveTextContent("120 requests · 15 4xx answers · 5 5xx answers");
  expect(screen.getByTestId("requests-summary")).toHaveTextContent("16.7%");
  const [predict] = screen.getAllByTestId("requests-route");
  expect(predict).toHaveTextContent("GET /predict");
  expect(within(predict!).getByText("503 × 5")).toBeInTheDocument();
  expect(within(predict!).getByText("9.1%")).toBeInTheDocument();
  expect(api.getRequestTraffic).toHaveBeenCalledWith(60);
  expect(requestRows(TRAFFIC.series).map((r) => r.requests)).toEqual([100, 20]);
});
