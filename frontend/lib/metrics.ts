import { isNum } from "./format";
import type { MetricSet } from "./types";

/**
 * Readers for the parts of a version's metadata that DESIGN leaves open (baseline naming,
 * dataset window layout). They only pick numbers out of what the API returned.
 */

/**
 * A model metric of one split. The registry stores `{model: {rmse, ...}, baseline_zero: {...},
 * baseline_mean: {...}, skill}`; a flat `{rmse, ...}` is read too.
 */
export function metric(set: MetricSet | null | undefined, name: keyof MetricSet & string): number | null {
  const flat = set?.[name];
  if (isNum(flat)) return flat;
  const nested = set?.model;
  if (nested && typeof nested === "object") {
    const value = (nested as Record<string, unknown>)[name];
    if (isNum(value)) return value;
  }
  return null;
}

function findBaseline(set: MetricSet | null | undefined, kind: "zero" | "mean"): Record<string, unknown> | null {
  if (!set) return null;
  const stack: Array<[string, unknown]> = Object.entries(set);
  while (stack.length) {
    const [key, value] = stack.shift()!;
    if (value && typeof value === "object" && !Array.isArray(value)) {
      if (key.toLowerCase().includes(kind)) return value as Record<string, unknown>;
      if (/baseline/i.test(key)) stack.push(...Object.entries(value as Record<string, unknown>));
    }
  }
  return null;
}

/** RMSE of a baseline ("zero": predict zero, "mean": predict the training mean), or null. */
export function baselineRmse(set: MetricSet | null | undefined, kind: "zero" | "mean" = "zero"): number | null {
  if (!set) return null;
  const nested = findBaseline(set, kind);
  if (nested && isNum(nested.rmse)) return nested.rmse;
  for (const [key, value] of Object.entries(set)) {
    const lower = key.toLowerCase();
    if (lower.includes("rmse") && lower.includes(kind) && isNum(value)) return value;
  }
  return null;
}

/**
 * The API's `skill` (against the best of the zero and training-mean baselines); for old
 * versions without it, 1 - rmse / rmse_zero_baseline.
 */
export function skill(set: MetricSet | null | undefined): number | null {
  const reported = metric(set, "skill");
  if (reported !== null) return reported;
  const rmse = metric(set, "rmse");
  const base = baselineRmse(set, "zero");
  return rmse !== null && base !== null && base > 0 ? 1 - rmse / base : null;
}

export interface WindowSummary {
  rows: number | null;
  first: string | null;
  last: string | null;
  symbols: string[];
}

function pickDate(obj: Record<string, unknown>, which: "first" | "last"): string | null {
  const keys =
    which === "first"
      ? ["first", "first_date", "start", "start_date", "from"]
      : ["last", "last_date", "end", "end_date", "to"];
  for (const key of keys) {
    const value = obj[key];
    if (typeof value === "string" && value) return value;
  }
  return null;
}

/** Rows and first/last date of a dataset window, flat or per symbol. */
export function summarizeWindow(window: unknown): WindowSummary {
  const empty: WindowSummary = { rows: null, first: null, last: null, symbols: [] };
  if (!window || typeof window !== "object" || Array.isArray(window)) return empty;
  const obj = window as Record<string, unknown>;
  const flatFirst = pickDate(obj, "first");
  const flatLast = pickDate(obj, "last");
  let rows = isNum(obj.rows) ? obj.rows : null;
  let first = flatFirst;
  let last = flatLast;
  const symbols: string[] = [];
  const perSymbol =
    obj.symbols && typeof obj.symbols === "object" && !Array.isArray(obj.symbols)
      ? (obj.symbols as Record<string, unknown>)
      : obj;
  let summed = 0;
  for (const [key, value] of Object.entries(perSymbol)) {
    if (!value || typeof value !== "object" || Array.isArray(value)) continue;
    const entry = value as Record<string, unknown>;
    if (!isNum(entry.rows) && !pickDate(entry, "first")) continue;
    symbols.push(key);
    if (isNum(entry.rows)) summed += entry.rows;
    const f = pickDate(entry, "first");
    const l = pickDate(entry, "last");
    if (f && (!first || f < first)) first = f;
    if (l && (!last || l > last)) last = l;
  }
  if (rows === null && symbols.length) rows = summed;
  if (Array.isArray(obj.symbols)) {
    for (const s of obj.symbols) if (typeof s === "string") symbols.push(s);
  }
  return { rows, first, last, symbols };
}

/** A stored 90% interval `[lo, hi]`, or null when the version has none. */
export function interval(set: MetricSet | null | undefined, key: string): [number, number] | null {
  const value = set?.[key];
  if (Array.isArray(value) && value.length === 2 && isNum(value[0]) && isNum(value[1])) {
    return [value[0], value[1]];
  }
  return null;
}

/** Colour by the interval, not the sign: above zero good, below zero bad, straddling warn. */
export function intervalTone(ci: [number, number] | null): "good" | "bad" | "warn" | "neutral" {
  if (!ci) return "neutral";
  if (ci[0] > 0) return "good";
  if (ci[1] < 0) return "bad";
  return "warn";
}

/** "training-mean baseline" / "zero baseline" for `skill_vs`. */
export function baselineName(vs: unknown): string {
  if (vs === "mean") return "training-mean baseline";
  if (vs === "zero") return "zero baseline";
  return "best baseline";
}
