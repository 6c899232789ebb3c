/**
 * Types mirroring the HTTP API in DESIGN.md section 5. Field names are the contract's; fields the
 * contract leaves open ("...") are typed loosely and read through helpers in lib/metrics.ts.
 */

export type Signal = "BUY" | "HOLD" | "SELL";

/** The error envelope every failing route returns. */
export interface ErrorEnvelope {
  status: "error";
  error: string;
  details: unknown;
  code: number;
  timestamp: string;
  request_id: string;
}

/** `{"status":"success","data":...}` envelope used by /health and /ready. */
export interface SuccessEnvelope<T> {
  status: "success";
  data: T;
  timestamp: string;
  request_id: string;
}

export interface HealthData {
  status: string;
  service: string;
  environment: string;
}

export interface ReadinessCheck {
  status: string;
  [detail: string]: unknown;
}

export interface ReadyData {
  status: "ok" | "degraded" | string;
  checks: Partial<Record<"database" | "storage" | "model" | "market_data", ReadinessCheck>> &
    Record<string, ReadinessCheck | undefined>;
}

export interface FeatureRow {
  timestamp: string;
  close: number;
  [feature: string]: number | string | null;
}

export interface FeaturesResponse {
  symbol: string;
  window_used: number;
  upstream_latest_timestamp: string | null;
  degraded_input: boolean;
  features: FeatureRow[];
}

export interface Prediction {
  exchange: string | null;
  symbol: string;
  prediction: Signal;
  confidence: number;
  probability_up: number;
  probability_down: number;
  /** Training share of up moves; null for versions without a calibration map. */
  base_rate?: number | null;
  risk_score: number;
  expected_return: number;
  forecast_horizon: string;
  model_version: string;
  degraded_input: boolean;
  input_data_status: string;
  inference_latency_ms: number;
  timestamp: string;
  request_id: string;
  features: Record<string, number | null>;
  latency_ms: number;
}

/** A per-item error in a batch: `{code, message}` (a string or an envelope are read too). */
export type BatchItemError =
  | string
  | { code?: string; message?: string; error?: string; details?: unknown }
  | null;

export interface BatchItem {
  symbol: string;
  prediction: Signal | null;
  confidence: number | null;
  probability_up: number | null;
  expected_return: number | null;
  version: string | null;
  /** As on /predict; null on an error item (older backends omit them). */
  degraded_input?: boolean | null;
  input_data_status?: string | null;
  error: BatchItemError;
}

export interface BatchResponse {
  items: BatchItem[];
}

export interface PredictionLogEntry {
  request_id: string;
  timestamp: string;
  symbol: string;
  model_version: string;
  prediction: Signal;
  probability_up: number;
  expected_return: number;
  latency_ms: number;
  features: Record<string, number | null> | null;
}

export interface RecentPredictionsResponse {
  entries: PredictionLogEntry[];
}

/** A 90% interval `[lo, hi]` (validation: HAC over dates; live: moving-block bootstrap). */
export type Interval = [number, number];

/** One decile of the reliability table: mean forecast vs realized share of ups. */
export interface ReliabilityBin {
  p_mean: number;
  up_share: number;
  n: number;
}

/** `calibration` of a version's validation metrics (DESIGN section 3). */
export interface CalibrationReport {
  base_rate: number | null;
  brier: number | null;
  brier_base_rate: number | null;
  log_loss: number | null;
  log_loss_base_rate: number | null;
  reliability: ReliabilityBin[];
  method?: string;
}

/** `signals` of a version's validation metrics: share and hit rate per signal. */
export interface SignalsReport {
  BUY: { share: number; hit_rate: number | null };
  SELL: { share: number; hit_rate: number | null };
  HOLD: { share: number };
  margin?: number;
  base_rate?: number;
  rule?: string;
}

/** Metrics of one split (section 3). Baseline figures are nested or prefixed by the backend. */
export interface MetricSet {
  rmse?: number | null;
  mae?: number | null;
  r2?: number | null;
  directional_accuracy?: number | null;
  ic?: number | null;
  /** Skill against the best of the zero and training-mean baselines. */
  skill?: number | null;
  skill_vs?: "zero" | "mean" | null;
  skill_zero?: number | null;
  skill_mean?: number | null;
  skill_ci?: Interval | null;
  ic_ci?: Interval | null;
  directional_edge?: number | null;
  directional_edge_ci?: Interval | null;
  calibration?: CalibrationReport;
  signals?: SignalsReport;
  [extra: string]: unknown;
}

/** ready / missing / corrupt (artifacts), held (fine, but its promotion was held and it is not active). */
export type ModelStatus = "ready" | "missing" | "corrupt" | "held";

/** The promotion decision recorded when a version was registered. */
export interface Promotion {
  decision: "activated" | "held";
  reason: string;
  policy?: string;
}

export interface ModelSummary {
  version: string;
  created_at: string;
  training_metrics: MetricSet | null;
  validation_metrics: MetricSet | null;
  dataset_window: unknown;
  is_active: boolean;
  status?: ModelStatus;
  /** What storage says about the artifacts alone: ready / missing / corrupt. */
  artifact_status?: "ready" | "missing" | "corrupt";
  status_detail?: string;
  promotion?: Promotion | null;
  /** Forecast horizon in days. */
  horizon?: number;
  [extra: string]: unknown;
}

export interface ModelsResponse {
  available_versions: string[];
  active_version: string | null;
  /** Artifact status of the active version (it stays active even when missing/corrupt). */
  active_status?: "ready" | "missing" | "corrupt" | null;
  /** The version POST /admin/rollback would activate now, or null when there is none. */
  rollback_target?: string | null;
  models: ModelSummary[];
}

export interface ModelDetail extends ModelSummary {
  metadata?: Record<string, unknown>;
  metrics?: Record<string, unknown>;
  feature_columns?: string[];
  dataset_summary?: unknown;
}

export type ActivationKind = "activate" | "rollback" | "policy";

export interface Activation {
  timestamp: string;
  from_version: string | null;
  to_version: string;
  actor: string;
  reason: string;
  kind?: ActivationKind;
}

export interface ActivationsResponse {
  activations: Activation[];
}

export type DriftStatus = "healthy" | "drift_detected" | "insufficient_data" | "no_model";

export interface FeatureDrift {
  p_value: number | null;
  psi: number | null;
  mean_shift: number | null;
  drift: boolean;
  samples: number;
  psi_band?: "stable" | "moderate" | "significant" | null;
  /** KS statistic against the training reference, and the calibrated limit it is held to. */
  statistic?: number | null;
  threshold_statistic?: number | null;
  /** Rows an independent sample would need for the same null spread (calibrated reports). */
  effective_rows?: number | null;
  [extra: string]: unknown;
}

export interface DriftReport {
  status: DriftStatus;
  method: string;
  threshold: number;
  drift_share: number | null;
  details: Record<string, FeatureDrift>;
  drifted_features?: string[];
  reason?: string | null;
  hint?: string;
  /** "empirical": calibrated on the version's training windows; "none": the old iid rule. */
  calibration?: "empirical" | "none";
  /** Stated per-window false-alarm rate of drift_detected (null when uncalibrated). */
  false_alarm_rate?: number | null;
  requests?: number;
  distinct_rows?: number;
  [extra: string]: unknown;
}

export interface DriftSnapshot {
  timestamp: string;
  version: string | null;
  source: string;
  status: DriftStatus;
  drift_share: number | null;
  [extra: string]: unknown;
}

export interface DriftHistoryResponse {
  snapshots: DriftSnapshot[];
}

export interface TrainingHistoryRun {
  version: string;
  timestamp: string;
  training_metrics: MetricSet | null;
  validation_metrics: MetricSet | null;
  dataset_range: unknown;
}

export interface TrainingHistoryResponse {
  runs: TrainingHistoryRun[];
}

export interface FreshnessResponse {
  upstream_last_seen: string | null;
  model_last_trained: string | null;
  last_prediction_time: string | null;
  upstream_age_seconds?: number | null;
  model_age_seconds?: number | null;
  last_prediction_age_seconds?: number | null;
  status?: string;
  reasons?: string[];
  [extra: string]: unknown;
}

export interface LatencyPoint {
  minute: string;
  count: number;
  avg_ms: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
}

export interface LatencyResponse {
  avg_latency_ms: number | null;
  recent_calls: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  series?: LatencyPoint[];
}

export interface User {
  username: string;
  is_operator: boolean;
  [extra: string]: unknown;
}

export interface LoginResponse {
  token: string;
  user: User;
}

export interface MeResponse {
  user: User;
}

export type TrainingState = "idle" | "queued" | "running" | "succeeded" | "failed" | string;

export interface TrainingProgress {
  stage: string | null;
  percent: number | null;
}

export interface TrainingRun {
  /** null (with state "idle") when no run was ever requested. */
  run_id: string | number | null;
  state: TrainingState;
  started_at: string | null;
  completed_at: string | null;
  latest_version: string | null;
  error: string | null;
  progress: TrainingProgress | null;
  /** Which plane started it: api, dashboard, admin, cli, bootstrap, schedule. */
  origin?: string | null;
  /** The promotion decision for the version it registered (once it succeeded). */
  promotion?: Promotion | null;
}

export interface TrainStartResponse {
  action: "train";
  status: "started" | "already_running";
  training: TrainingRun;
}

export interface TrainStatusResponse {
  action: "train_status";
  training: TrainingRun | null;
}

export type TrainPolicy = "if_better" | "always" | "never";

export interface TrainOptions {
  symbols?: string[];
  lookback?: number;
  horizon?: number;
  policy?: TrainPolicy;
  origin?: "api" | "dashboard";
  reason?: string;
}

export interface ActivateResponse {
  action: "activate";
  status: "ok";
  active_version: string;
}

export interface RollbackResponse {
  action: "rollback";
  status: "ok";
  active_version: string;
  previous_version: string | null;
}

export interface ReloadResponse {
  action: "reload";
  status: "ok";
  [extra: string]: unknown;
}

export interface AuditEvent {
  timestamp: string;
  actor: string;
  actor_type: string;
  action: string;
  target: string;
  outcome: string;
  details: unknown;
  request_id: string;
}

export interface AuditResponse {
  events: AuditEvent[];
}

// ---- issue 19 part B (operator dashboard) ---------------------------------------------------

/** GET /symbols */
export interface SymbolsResponse {
  source: "csv" | "synthetic" | "http" | string;
  /** files: one per CSV file; train_symbols: the configured TRAIN_SYMBOLS. */
  origin: "files" | "train_symbols" | string;
  symbols: string[];
}

export interface RequestRates {
  requests: number;
  client_errors: number;
  server_errors: number;
  error_rate: number | null;
  avg_ms: number | null;
}

export interface RequestStatusCount {
  status: number;
  requests: number;
}

/** GET /monitoring/requests */
export interface RequestTrafficResponse extends RequestRates {
  minutes: number;
  since: string;
  until: string;
  flush_seconds: number;
  series: Array<RequestRates & { minute: string }>;
  routes: Array<RequestRates & { route: string; method: string; statuses: RequestStatusCount[] }>;
  statuses: RequestStatusCount[];
}

/** The run that produced a version (`training_run` of GET /models/{version}). */
export interface VersionLineage {
  run_id: string;
  state: string;
  origin: string;
  requested_by: string;
  requested_by_type: string;
  params: Record<string, unknown>;
  created_at: string | null;
  started_at: string | null;
  completed_at: string | null;
}

