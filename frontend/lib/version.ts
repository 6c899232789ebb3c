import { isNum } from "./format";
import type { ModelDetail, Promotion, VersionLineage } from "./types";

/**
 * Readers for GET /models/{version} fields the shared types leave open (status, promotion,
 * lineage, config, intervals, calibration). Each returns null when the backend does not send it,
 * so the version page renders whatever an older or newer backend provides.
 */

function obj(value: unknown): Record<string, unknown> | null {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function str(value: unknown): string | null {
  return typeof value === "string" && value ? value : null;
}

export function versionStatus(detail: ModelDetail): { status: string | null; detail: string | null } {
  return { status: str(detail.status), detail: str(detail.status_detail) };
}

export function versionHorizon(detail: Record<string, unknown>): string | null {
  if (isNum(detail.horizon_days)) return `${detail.horizon_days}d`;
  return str(detail.forecast_horizon);
}

export function versionPromotion(detail: ModelDetail): Promotion | null {
  const p = obj(detail.promotion);
  const decision = str(p?.decision);
  return decision === "activated" || decision === "held" ? { decision, reason: str(p?.reason) ?? "" } : null;
}

export function versionLineage(detail: ModelDetail): VersionLineage | null {
  const run = obj(detail.training_run);
  return run && str(run.run_id) ? (run as unknown as VersionLineage) : null;
}

export function versionConfig(detail: ModelDetail): Record<string, unknown> {
  return obj(obj(detail.metadata)?.config) ?? {};
}

export function artifactHashes(detail: ModelDetail): Record<string, string> {
  const hashes = obj(obj(detail.metadata)?.artifact_hashes) ?? {};
  return Object.fromEntries(Object.entries(hashes).filter(([, v]) => typeof v === "string")) as Record<string, string>;
}

export interface SymbolWindow {
  symbol: string;
  rows: number | null;
  first: string | null;
  last: string | null;
}

/** The data window per symbol (`dataset_window`: symbol -> {rows, first_date, last_date}). */
export function symbolWindows(window: unknown): SymbolWindow[] {
  const all = obj(window) ?? {};
  return Object.entries(all)
    .map(([symbol, value]) => {
      const w = obj(value) ?? {};
      return {
        symbol,
        rows: isNum(w.rows) ? w.rows : null,
        first: str(w.first_date) ?? str(w.first),
        last: str(w.last_date) ?? str(w.last),
      };
    })
    .filter((w) => w.rows !== null || w.first !== null)
    .sort((a, b) => a.symbol.localeCompare(b.symbol));
}

/** A 90% interval `[lo, hi]` of a metric set (skill_ci, ic_ci, directional_edge_ci), or null. */
export function interval(set: unknown, key: string): [number, number] | null {
  const value = obj(set)?.[key];
  return Array.isArray(value) && value.length === 2 && isNum(value[0]) && isNum(value[1]) ? [value[0], value[1]] : null;
}

export function topNumber(set: unknown, key: string): number | null {
  const value = obj(set)?.[key];
  return isNum(value) ? value : null;
}

export function topString(set: unknown, key: string): string | null {
  return str(obj(set)?.[key]);
}

export interface ReliabilityBin {
  p_mean: number;
  up_share: number;
  n: number;
}

export interface Calibration {
  base_rate: number | null;
  brier: number | null;
  brier_base_rate: number | null;
  log_loss: number | null;
  log_loss_base_rate: number | null;
  reliability: ReliabilityBin[];
}

/** `validation_metrics.calibration` when it has a reliability table; null otherwise. */
export function calibration(set: unknown): Calibration | null {
  const c = obj(obj(set)?.calibration);
  if (!c || !Array.isArray(c.reliability)) return null;
  const reliability = c.reliability
    .map((b) => obj(b))
    .filter((b): b is Record<string, unknown> => b !== null && isNum(b.p_mean) && isNum(b.up_share))
    .map((b) => ({ p_mean: b.p_mean as number, up_share: b.up_share as number, n: isNum(b.n) ? b.n : 0 }))
    .sort((a, b) => a.p_mean - b.p_mean);
  if (!reliability.length) return null;
  const num = (k: string) => (isNum(c[k]) ? (c[k] as number) : null);
  return {
    base_rate: num("base_rate"),
    brier: num("brier"),
    brier_base_rate: num("brier_base_rate"),
    log_loss: num("log_loss"),
    log_loss_base_rate: num("log_loss_base_rate"),
    reliability,
  };
}

export interface DiffRow {
  key: string;
  a: string;
  b: string;
  same: boolean;
}

/** Nested configuration as dotted keys (`split.train.rows`), leaves kept as they are. */
export function flattenConfig(value: Record<string, unknown>, prefix = "", out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [key, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const nested = obj(v);
    if (nested && Object.keys(nested).length) flattenConfig(nested, path, out);
    else out[path] = v;
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
export function configDiff(a: Record<string, unknown>, b: Record<string, unknown>): DiffRow[] {
  const fa = flattenConfig(a);
  const fb = flattenConfig(b);
  const keys = [...new Set([...Object.keys(fa), ...Object.keys(fb)])].sort();
  return keys.map((key) => {
    const sa = showValue(fa[key]);
    const sb = showValue(fb[key]);
    return { key, a: sa, b: sb, same: sa === sb };
  });
}

/** Data windows of two versions per symbol: rows and first/last date on each side. */
export function windowDiff(a: unknown, b: unknown): DiffRow[] {
  const wa = new Map(symbolWindows(a).map((w) => [w.symbol, w]));
  const wb = new Map(symbolWindows(b).map((w) => [w.symbol, w]));
  const fmt = (w: SymbolWindow | undefined) => (w ? `${w.rows ?? "?"} rows, ${w.first ?? "?"} → ${w.last ?? "?"}` : "—");
  const symbols = [...new Set([...wa.keys(), ...wb.keys()])].sort();
  return symbols.map((symbol) => {
    const sa = fmt(wa.get(symbol));
    const sb = fmt(wb.get(symbol));
    return { key: symbol, a: sa, b: sb, same: sa === sb };
  });
}
