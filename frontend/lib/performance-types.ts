/**
 * Types of the realized-performance routes (DESIGN section 5: `/monitoring/performance`,
 * `/monitoring/performance/outcomes`, `POST /admin/score`). Field names are the contract's.
 */

export type PerformanceStatus = "ok" | "degraded" | "insufficient_data";
export type OutcomeSource = "live" | "replay";
/** A 90% interval `[lo, hi]`, or null when there is too little data. */
export type Interval = [number, number] | null;

export interface ReliabilityBin {
  p_mean: number;
  up_share: number;
  n: number;
}

export interface SignalStats {
  n: number;
  share: number;
  hit_rate?: number | null;
}

export interface LiveMetrics {
  n: number;
  dates: number;
  first_date: string | null;
  last_date: string | null;
  hit_rate: number | null;
  hit_rate_ci: Interval;
  base_rate: number | null;
  majority_rate: number | null;
  ic: number | null;
  ic_n?: number;
  rmse: number | null;
  rmse_zero: number | null;
  rmse_mean: number | null;
  skill: number | null;
  skill_vs: string | null;
  skill_zero: number | null;
  skill_mean: number | null;
  skill_ci: Interval;
  brier: number | null;
  brier_base_rate: number | null;
  base_rate_reference?: number | null;
  reliability: ReliabilityBin[];
  signals: Partial<Record<"BUY" | "SELL" | "HOLD", SignalStats>>;
}

export interface PerformancePoint {
  date: string;
  n: number;
  hit_rate: number | null;
  skill: number | null;
  rolling_n: number;
  rolling_hit_rate: number | null;
  rolling_hit_rate_ci: Interval;
  rolling_skill: number | null;
  rolling_skill_ci: Interval;
}

export interface PerformanceReport {
  version: string;
  source: OutcomeSource;
  is_active: boolean;
  horizon_days: number;
  status: PerformanceStatus;
  status_reason: string;
  min_outcomes: number;
  window_days: number | null;
  scored: number;
  pending: number;
  unscorable: number;
  /** The version's stored validation metrics (shape owned by training). */
  validation: Record<string, unknown>;
  live: LiveMetrics;
  rolling: LiveMetrics & { target_outcomes: number };
  series: PerformancePoint[];
}

export interface OutcomeEntry {
  model_version: string;
  symbol: string;
  exchange: string;
  candle_at: string;
  expected_return: number;
  probability_up: number;
  prediction: "BUY" | "HOLD" | "SELL";
  realized_return: number | null;
  hit: boolean | null;
  scored_at: string | null;
  source: OutcomeSource;
}

export interface OutcomesResponse {
  outcomes: OutcomeEntry[];
}

/** `POST /admin/score`: what one scoring run did. */
export interface ScoreResponse {
  action: "score";
  status: "ok";
  scored: number;
  pending: number;
  unscorable: number;
  logs_read: number;
  new_outcomes: number;
  repeats: number;
  retry_later: number;
  without_candle: number;
  last_log_id: number;
  reasons: Record<string, number>;
}
