import type { CalibrationReport, MetricSet, ModelDetail, Promotion, VersionLineage } from "./types";

/**
 * Readers for GET /models/{version}, typed by the generated schema (see lib/types.ts).
 */

export function versionStatus(detail: ModelDetail): { status: ModelDetail["status"]; detail: string | null } {
  return { status: detail.status, detail: detail.status_detail || null };
}

export function versionHorizon(detail: Pick<ModelDetail, "horizon_days">): string {
  return `${detail.horizon_days}d`;
}

export function versionPromotion(detail: ModelDetail): Promotion | null {
  return detail.promotion;
}

export function versionLineage(detail: ModelDetail): VersionLineage | null {
  return detail.training_run;
}

/** The stored training configuration (a free-form JSON map in the schema). */
export type VersionConfig = ModelDetail["metadata"]["config"];

export function versionConfig(detail: ModelDetail): VersionConfig {
  return detail.metadata.config;
}

export function artifactHashes(detail: ModelDetail): Record<string, string> {
  return detail.metadata.artifact_hashes;
}

export interface SymbolWindow {
  symbol: string;
  rows: number;
  first: string;
  last: string;
}

type DatasetWindow = ModelDetail["dataset_window"];

/** The data window per symbol (`dataset_window`: symbol -> {rows, first_date, last_date}). */
export function symbolWindows(window: DatasetWindow | null | undefined): SymbolWindow[] {
  return Object.entries(window ?? {})
    .map(([symbol, w]) => ({ symbol, rows: w.rows, first: w.first_date, last: w.last_date }))
    .sort((a, b) => a.symbol.localeCompare(b.symbol));
}

export type Calibration = CalibrationReport;

/** `validation_metrics.calibration` when it has a reliability table; null otherwise. */
export function calibration(set: MetricSet | null | undefined): Calibration | null {
  const c = set?.calibration;
  if (!c || !c.reliability.length) return null;
  return { ...c, reliability: [...c.reliability].sort((a, b) => a.p_mean - b.p_mean) };
}

export interface DiffRow {
  key: string;
  a: string;
  b: string;
  same: boolean;
}

type JsonValue = VersionConfig[string];

function isObject(value: unknown): value is { [key: string]: JsonValue } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Nested configuration as dotted keys (`split.train.rows`), leaves kept as they are. */
export function flattenConfig(
  value: { [key: string]: JsonValue },
  prefix = "",
  out: Map<string, unknown> = new Map(),
): Map<string, unknown> {
  for (const [key, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isObject(v) && Object.keys(v).length) flattenConfig(v, path, out);
    else out.set(path, v);
  }
  return out;
}

export function showValue(value: unknown): string {
  if (value === undefined) return "—";
  if (value === null) return "null";
  if (Array.isArray(value)) return value.map(showValue).join(", ");
  if (typeof value === "object") return Object.keys(value as object).length ? JSON.stringify(value) : "(none)";
  return String(value);
}

/** Lines two configurations up, key by key (flattened). */
export function configDiff(a: VersionConfig, b: VersionConfig): DiffRow[] {
  const fa = flattenConfig(a);
  const fb = flattenConfig(b);
  const keys = [...new Set([...fa.keys(), ...fb.keys()])].sort();
  return keys.map((key) => {
    const sa = showValue(fa.get(key));
    const sb = showValue(fb.get(key));
    return { key, a: sa, b: sb, same: sa === sb };
  });
}

/** Data windows of two versions per symbol: rows and first/last date on each side. */
export function windowDiff(a: DatasetWindow | null | undefined, b: DatasetWindow | null | undefined): DiffRow[] {
  const wa = new Map(symbolWindows(a).map((w) => [w.symbol, w]));
  const wb = new Map(symbolWindows(b).map((w) => [w.symbol, w]));
  const fmt = (w: SymbolWindow | undefined) => (w ? `${w.rows} rows, ${w.first} → ${w.last}` : "—");
  const symbols = [...new Set([...wa.keys(), ...wb.keys()])].sort();
  return symbols.map((symbol) => {
    const sa = fmt(wa.get(symbol));
    const sb = fmt(wb.get(symbol));
    return { key: symbol, a: sa, b: sb, same: sa === sb };
  });
}
