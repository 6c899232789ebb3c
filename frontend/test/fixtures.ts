import type { DriftReport, ModelSummary, Prediction } from "@/lib/types";

/** Payloads shaped exactly like DESIGN section 5 responses, for component tests. */
export function makePrediction(overrides: Partial<Prediction> = {}): Prediction {
  return {
    exchange: "NASDAQ",
    symbol: "AAPL",
    prediction: "BUY",
    confidence: 0.734,
    probability_up: 0.62,
    probability_down: 0.38,
    risk_score: 0.21,
    expected_return: 0.0123,
    forecast_horizon: "5d",
    model_version: "v3",
    degraded_input: false,
    input_data_status: "fresh",
    inference_latency_ms: 3.2,
    timestamp: "2024-05-01T12:00:00Z",
    request_id: "req-abc-123",
    features: { ret_1d: 0.004, vol_20d: 0.018 },
    latency_ms: 12.5,
    ...overrides,
  };
}

export function makeModel(version: string, overrides: Partial<ModelSummary> = {}): ModelSummary {
  const n = Number(version.slice(1));
  return {
    version,
    created_at: `2024-05-0${n}T10:00:00Z`,
    // The registry's layout: model metrics nested next to both baselines, plus skill.
    training_metrics: {
      model: { n: 900, rmse: 0.02, mae: 0.015, r2: 0.05, directional_accuracy: 0.55, ic: 0.1 },
      baseline_zero: { n: 900, rmse: 0.021 },
      baseline_mean: { n: 900, rmse: 0.0211 },
      skill: 0.05,
    },
    validation_metrics: {
      model: {
        n: 200,
        rmse: 0.03 - n * 0.001,
        mae: 0.02,
        r2: 0.01,
        directional_accuracy: 0.5 + n / 100,
        ic: 0.05 * n,
      },
      baseline_zero: { n: 200, rmse: 0.031 },
      baseline_mean: { n: 200, rmse: 0.0312 },
      skill: 0.01 * n,
    },
    dataset_window: {
      AAPL: { rows: 60 * n, candles: 80 * n, first_date: "2020-01-02", last_date: "2024-04-30" },
      MSFT: { rows: 40 * n, candles: 60 * n, first_date: "2020-03-02", last_date: "2024-04-29" },
    },
    is_active: false,
    ...overrides,
  };
}

export function makeDrift(overrides: Partial<DriftReport> = {}): DriftReport {
  return {
    status: "drift_detected",
    method: "ks",
    threshold: 0.05,
    drift_share: 0.5,
    details: {
      ret_1d: { p_value: 0.001, psi: 0.31, mean_shift: 0.8, drift: true, samples: 120 },
      vol_20d: { p_value: 0.42, psi: 0.03, mean_shift: 0.05, drift: false, samples: 120 },
    },
    ...overrides,
  };
}
