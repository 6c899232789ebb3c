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

/** A signed percentage for returns: +0.42%. */
export function fmtReturn(value: unknown, digits = 2): string {
  if (!isNum(value)) return "—";
  const pct = value * 100;
  const sign = pct > 0 ? "+" : "";
  // Tiny returns would print as "-0.000%"; show their real size instead.
  if (pct !== 0 && Math.abs(pct) < 10 ** -digits) return `${sign}${pct.toExponential(1)}%`;
  return `${sign}${pct.toFixed(digits)}%`;
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
