import type { DriftReport, FeatureDrift, MetricSet, ModelDetail, ModelSummary, Prediction, RegressionMetrics } from "@/lib/types";

const FEATURES = {
  timestamp: "2024-05-01T00:00:00Z",
  close: 187.2,
  ret_1d: 0.004,
  ret_5d: 0.01,
  ret_20d: 0.03,
  volatility: 0.018,
  rsi_14: 55,
  ma_gap: 0.01,
  zscore_20: 0.4,
  hl_range: 0.02,
  volume_z: 0.1,
  drawdown: -0.05,
};

/** One scored prediction set (model or baseline), with `rmse` and anything else given. */
export function scored(n: number, values: Partial<RegressionMetrics> = {}): RegressionMetrics {
  return { n, rmse: null, mae: null, r2: null, directional_accuracy: null, ic: null, ...values };
}

/** A stored metric set in the registry layout: the model next to both baselines, and skill. */
export function makeMetrics(n: number, model: Partial<RegressionMetrics>, zero: number, mean: number, extra: Partial<MetricSet> = {}): MetricSet {
  return {
    model: scored(n, model),
    baseline_zero: scored(n, { rmse: zero }),
    baseline_mean: scored(n, { rmse: mean }),
    skill: null,
    skill_vs: "zero",
    ...extra,
  };
}

/** One feature's drift figures; the rest of the calibrated fields default to null. */
export function makeFeatureDrift(values: Partial<FeatureDrift> & Pick<FeatureDrift, "drift">): FeatureDrift {
  return {
    p_value: null,
    psi: null,
    psi_band: null,
    mean_shift: null,
    samples: 0,
    statistic: null,
    ks_statistic: null,
    threshold_statistic: null,
    ...values,
  };
}

/** Payloads shaped exactly like DESIGN section 5 responses, for component tests. */
export function makePrediction(overrides: Partial<Prediction> = {}): Prediction {
  return {
    exchange: "NASDAQ",
    symbol: "AAPL",
    prediction: "BUY",
    confidence: 0.734,
    probability_up: 0.62,
    probability_down: 0.38,
    base_rate: 0.52,
    risk_score: 0.21,
    expected_return: 0.0123,
    forecast_horizon: "5d",
    model_version: "v3",
    degraded_input: false,
    input_data_status: "fresh",
    inference_latency_ms: 3.2,
    timestamp: "2024-05-01T12:00:00Z",
    request_id: "req-abc-123",
    features: FEATURES,
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
    training_metrics: makeMetrics(900, { rmse: 0.02, mae: 0.015, r2: 0.05, directional_accuracy: 0.55, ic: 0.1 }, 0.021, 0.0211, {
      skill: 0.05,
    }),
    validation_metrics: makeMetrics(
      200,
      { rmse: 0.03 - n * 0.001, mae: 0.02, r2: 0.01, directional_accuracy: 0.5 + n / 100, ic: 0.05 * n },
      0.031,
      0.0312,
      { skill: 0.01 * n },
    ),
    dataset_window: {
      AAPL: { rows: 60 * n, candles: 80 * n, first_date: "2020-01-02", last_date: "2024-04-30" },
      MSFT: { rows: 40 * n, candles: 60 * n, first_date: "2020-03-02", last_date: "2024-04-29" },
    },
    is_active: false,
    activated_at: null,
    status: "ready",
    artifact_status: "ready",
    status_detail: "",
    promotion: null,
    source: "trained",
    horizon: 5,
    forecast_horizon: "5d",
    horizon_days: 5,
    feature_schema_hash: "f".repeat(16),
    residual_std: 0.02,
    cv_summary: { n_folds: 3, mean_rmse: 0.03, mean_skill: 0.01, mean_ic: 0.05 },
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
      ret_1d: makeFeatureDrift({ p_value: 0.001, psi: 0.31, mean_shift: 0.8, drift: true, samples: 120 }),
      vol_20d: makeFeatureDrift({ p_value: 0.42, psi: 0.03, mean_shift: 0.05, drift: false, samples: 120 }),
    },
    ...overrides,
  };
}

/** GET /models/{version}: a summary plus lineage, CV, dataset summary and metadata. */
export function makeDetail(version: string, overrides: Partial<ModelDetail> = {}): ModelDetail {
  const summary = makeModel(version);
  return {
    ...summary,
    training_run: null,
    feature_columns: ["ret_1d", "volatility"],
    cv_metrics: { ...summary.cv_summary, folds: [] },
    dataset_summary: {
      symbols: ["AAPL", "MSFT"],
      n_symbols: 2,
      rows: 100,
      first_date: "2020-01-02",
      last_date: "2024-04-30",
      train: null,
      validation: null,
      embargo_days: 5,
      skipped_symbols: {},
      quarantined_rows: [],
    },
    metadata: { number: Number(version.slice(1)), artifact_hashes: {}, config: {}, drift_reference_features: [] },
    ...overrides,
  };
}
