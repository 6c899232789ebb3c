import type { DatasetWindowEntry, Interval, MetricSet, RegressionMetrics } from "./types";

/**
 * Readers for a version's metrics and data window, in the one shape the API states
 * (`MetricSet`: `{model, baseline_zero, baseline_mean, skill, ...}`; `dataset_window`: symbol ->
 * `{rows, first_date, last_date}`). No key guessing: a field the schema has is read by its name.
 */

type Metrics = MetricSet | null | undefined;

/** A model metric of one split (`model.<name>`), or null. */
export function metric(set: Metrics, name: keyof RegressionMetrics): number | null {
  return set?.model[name] ?? null;
}

/** RMSE of a baseline ("zero": predict zero, "mean": predict the training mean), or null. */
export function baselineRmse(set: Metrics, kind: "zero" | "mean" = "zero"): number | null {
  if (!set) return null;
  return (kind === "zero" ? set.baseline_zero : set.baseline_mean).rmse ?? null;
}

/** The API's `skill`: 1 - rmse / min(rmse_zero, rmse_mean). */
export function skill(set: Metrics): number | null {
  return set?.skill ?? null;
}

export interface WindowSummary {
  rows: number | null;
  first: string | null;
  last: string | null;
  symbols: string[];
}

/** Rows and overall first/last date of a `dataset_window` (the sums `dataset_summary` states). */
export function summarizeWindow(window: Record<string, DatasetWindowEntry> | null | undefined): WindowSummary {
  const entries = Object.entries(window ?? {});
  if (!entries.length) return { rows: null, first: null, last: null, symbols: [] };
  let rows = 0;
  let first: string | null = null;
  let last: string | null = null;
  for (const [, entry] of entries) {
    rows += entry.rows;
    if (first === null || entry.first_date < first) first = entry.first_date;
    if (last === null || entry.last_date > last) last = entry.last_date;
  }
  return { rows, first, last, symbols: entries.map(([symbol]) => symbol).sort() };
}

export type IntervalKey = "skill_ci" | "ic_ci" | "directional_edge_ci";

/** A stored 90% interval `[lo, hi]`, or null when the version has none. */
export function interval(set: Metrics, key: IntervalKey): Interval | null {
  return set?.[key] ?? null;
}

/** Colour by the interval, not the sign: above zero good, below zero bad, straddling warn. */
export function intervalTone(ci: [number, number] | null): "good" | "bad" | "warn" | "neutral" {
  if (!ci) return "neutral";
  if (ci[0] > 0) return "good";
  if (ci[1] < 0) return "bad";
  return "warn";
}

/** "training-mean baseline" / "zero baseline" for `skill_vs`. */
export function baselineName(vs: MetricSet["skill_vs"] | undefined): string {
  if (vs === "mean") return "training-mean baseline";
  if (vs === "zero") return "zero baseline";
  return "best baseline";
}
