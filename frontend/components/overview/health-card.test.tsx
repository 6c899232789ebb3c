import { render, screen, within } from "@testing-library/react";

import { ApiError } from "@/lib/api";
import { healthRollup } from "@/lib/health";
import type { FreshnessResponse, ModelsResponse, ReadyData, RequestTrafficResponse } from "@/lib/types";
import { makeDrift, makeModel } from "@/test/fixtures";

import { FreshnessList } from "./freshness-card";
import { HealthCard } from "./health-card";

const api = vi.hoisted(() => ({
  getReady: vi.fn(),
  getModels: vi.fn(),
  getDrift: vi.fn(),
  getFreshness: vi.fn(),
  getRequestTraffic: vi.fn(),
}));
vi.mock("@/lib/api", async (importOriginal) => ({ ...(await importOriginal<object>()), ...api }));

const READY: ReadyData = { status: "ok", checks: { database: { status: "ok", required: true }, model: { status: "ok", required: false } } };
const NO_MODELS: ModelsResponse = { available_versions: [], active_version: null, active_status: null, rollback_target: null, models: [] };
const MODELS: ModelsResponse = { ...NO_MODELS, available_versions: ["v1"], active_version: "v1", active_status: "ready", models: [makeModel("v1", { is_active: true, status: "ready" })] };
const FRESH: FreshnessResponse = {
  status: "fresh",
  checked_at: "2026-11-29T11:00:00Z",
  upstream_last_seen: null,
  upstream_age_seconds: null,
  model_last_trained: null,
  model_age_seconds: null,
  last_prediction_time: null,
  last_prediction_age_seconds: null,
  symbols: [],
  limits: { max_candle_age_hours: 96, max_model_age_days: 30 },
  reasons: [],
};

function traffic(requests: number, serverErrors: number): RequestTrafficResponse {
  return {
    minutes: 15,
    since: "",
    until: "",
    flush_seconds: 5,
    requests,
    client_errors: 0,
    server_errors: serverErrors,
    error_rate: requests ? serverErrors / requests : null,
    avg_ms: 1,
    series: [],
    routes: [],
    statuses: [],
  };
}

const HEALTHY = { ready: READY, models: MODELS, drift: makeDrift({ status: "healthy", details: {} }), freshness: FRESH, traffic: traffic(100, 0) };

test("all signals fine: ok with no reasons", () => {
  expect(healthRollup(HEALTHY)).toEqual({ level: "ok", reasons: [] });
});

test("drift and stale data need attention, each with the panel that explains it", () => {
  const result = healthRollup({
    ...HEALTHY,
    drift: makeDrift(),
    freshness: { ...FRESH, status: "stale", reasons: ["AAPL: latest candle older than 96 hours"] },
  });
  expect(result.level).toBe("attention");
  expect(result.reasons.map((r) => r.href)).toEqual(["/monitoring#drift", "/monitoring#freshness"]);
  expect(result.reasons[0]!.text).toContain("ret_1d");
  expect(result.reasons[1]!.text).toContain("older than 96 hours");
});

test("serving broken is failing: no active model, missing artifact, failed readiness, many 5xx", () => {
  expect(healthRollup({ ...HEALTHY, models: NO_MODELS }).level).toBe("failing");
  const missing = healthRollup({ ...HEALTHY, models: { ...MODELS, models: [makeModel("v1", { is_active: true, status: "missing" })] } });
  expect(missing.level).toBe("failing");
  expect(missing.reasons[0]!.href).toBe("/model-management/v1");
  const down = healthRollup({ ...HEALTHY, ready: { status: "degraded", checks: { database: { status: "failed", required: true } } } });
  expect(down.reasons[0]).toMatchObject({ level: "failing", href: "/#readiness" });
  expect(healthRollup({ ...HEALTHY, traffic: traffic(100, 10) }).level).toBe("failing");
  // A few 5xx among many requests, or among too few to judge: attention, not failing.
  expect(healthRollup({ ...HEALTHY, traffic: traffic(1000, 3) }).level).toBe("attention");
  expect(healthRollup({ ...HEALTHY, traffic: traffic(4, 2) }).level).toBe("attention");
});

test("a signal that cannot be read is a reason too, failing ones first", () => {
  const result = healthRollup({
    ...HEALTHY,
    drift: undefined,
    driftError: new ApiError({ message: "timeout", status: null, code: "network_error", requestId: null }),
    models: NO_MODELS,
  });
  expect(result.reasons.map((r) => r.level)).toEqual(["failing", "attention"]);
  expect(result.reasons[1]!.text).toContain("Drift could not be checked");
});

test("the health card rolls the API answers up and links each reason", async () => {
  api.getReady.mockResolvedValue({ status: "success", data: READY, timestamp: "", request_id: "" });
  api.getModels.mockResolvedValue(MODELS);
  api.getDrift.mockResolvedValue(makeDrift());
  api.getFreshness.mockResolvedValue(FRESH);
  api.getRequestTraffic.mockResolvedValue(traffic(50, 0));
  render(<HealthCard />);
  const reasons = await screen.findByTestId("health-reasons");
  expect(screen.getByTestId("health-level")).toHaveTextContent("attention");
  expect(within(reasons).getByRole("link", { name: "Why →" })).toHaveAttribute("href", "/monitoring#drift");
  expect(api.getRequestTraffic).toHaveBeenCalledWith(15);
});

test("freshness shows candle time and fetch time apart", () => {
  render(
    <FreshnessList
      data={{
        ...FRESH,
        upstream_last_seen: "2026-11-29T11:00:00Z",
        upstream_age_seconds: 23,
        symbols: [
          { symbol: "AAPL", exchange: "NASDAQ", latest_candle_at: "2026-11-13T00:00:00Z", last_seen_at: "2026-11-29T11:00:00Z", source: "csv", age_seconds: 16 * 86400, degraded: true, stale: true },
          { symbol: "MSFT", exchange: "NASDAQ", latest_candle_at: "2026-11-12T00:00:00Z", last_seen_at: "2026-11-29T10:59:00Z", source: "csv", age_seconds: 17 * 86400, degraded: false, stale: true },
        ],
      }}
    />,
  );
  expect(screen.getByTestId("freshness-candle")).toHaveTextContent("16.0 d old");
  expect(screen.getByText("Market data last fetched")).toBeInTheDocument();
  expect(within(screen.getByTestId("freshness-symbols")).getAllByText("stale")).toHaveLength(2);
});
