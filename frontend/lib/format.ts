/** Display helpers: every number shown comes from the API; these only format it. */

export function isNum(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

export function fmtNum(value: unknown, digits = 2): string {
  return isNum(value) ? value.toFixed(digits) : "—";
}

export function fmtPct(value: unknown, digits = 1): string {
  return isNum(value) ? `${(value * 100).toFixed(digits)}%` : "—";
}

/** A signed minus sign that reads as one (U+2212), and "+" for positives. */
function signed(text: string, value: number): string {
  if (value > 0) return `+${text}`;
  if (value < 0) return `\u2212${text.replace(/^-/, "")}`;
  return text;
}

/**
 * Returns (expected, realized, mean shifts of returns) in basis points: 1 bp = 0.01 %.
 * One unit for every return on every screen: "+12.5 bp", "−2.8 bp", "+310 bp".
 * `digits` is kept for old call sites; returns under 1000 bp get one decimal.
 */
export function fmtReturn(value: unknown, _digits?: number): string {
  void _digits;
  if (!isNum(value)) return "—";
  const bp = value * 10_000;
  const rounded = Math.abs(bp) >= 1000 ? bp.toFixed(0) : bp.toFixed(1);
  if (Number(rounded) === 0) return "0.0 bp";
  return `${signed(rounded, bp)} bp`;
}

/** Skill (1 − RMSE / best baseline RMSE) as a signed percentage with one decimal: "−1.5%". */
export function fmtSkill(value: unknown): string {
  if (!isNum(value)) return "—";
  const pct = value * 100;
  const rounded = pct.toFixed(1);
  if (Number(rounded) === 0) return "0.0%";
  return `${signed(rounded, pct)}%`;
}

/** A 90% interval "[lo, hi]" in the quantity's own format, or "—" when absent. */
export function fmtInterval(ci: unknown, format: (value: unknown) => string): string {
  if (!Array.isArray(ci) || ci.length !== 2 || !isNum(ci[0]) || !isNum(ci[1])) return "—";
  return `[${format(ci[0])}, ${format(ci[1])}]`;
}

/** A p-value: four decimals, or "< 0.0001" (a KS p-value is often 1e-30 with real drift). */
export function fmtPValue(value: unknown): string {
  if (!isNum(value)) return "—";
  if (value < 0.0001) return "< 0.0001";
  return value.toFixed(4);
}

/** "1 version", "3 versions", "0 versions"; pass `plural` for irregular words. */
export function plural(count: number, singular: string, pluralWord = `${singular}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? singular : pluralWord}`;
}

export function fmtMs(value: unknown): string {
  return isNum(value) ? `${value.toFixed(value < 10 ? 2 : 1)} ms` : "—";
}

export function fmtDateTime(value: string | null | undefined): string {
  if (!value) return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  });
}

export function fmtDate(value: string | null | undefined): string {
  if (!value) return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toISOString().slice(0, 10);
}

export function fmtTime(value: Date | string | null | undefined): string {
  if (!value) return "—";
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

/** "3 min", "2.5 h", "4.0 d" from a number of seconds. */
export function fmtAge(seconds: unknown): string {
  if (!isNum(seconds)) return "—";
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

/** Human label for snake_case identifiers: "market_data" -> "Market data". */
export function humanize(name: string): string {
  const text = name.replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
