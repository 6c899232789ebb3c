import type { Exchange } from "./types";

/**
 * The symbol rule the backend validates with (`mlplatform/core/symbols.py`, served by GET /symbols
 * as `symbol_pattern` and stated in the schema as the `pattern` of a symbol); validation.test.ts
 * holds this copy to the generated schema, so the two cannot drift apart.
 */
export const SYMBOL_PATTERN = /^[A-Z][A-Z0-9._-]{0,19}$/;

/** Every exchange the schema's `ExchangeEnum` lists, in its order (checked exhaustive below). */
export const EXCHANGES = ["NSE", "BSE", "NASDAQ"] as const satisfies readonly Exchange[];
type MissingExchange = Exclude<Exchange, (typeof EXCHANGES)[number]>;
const exhaustive: MissingExchange extends never ? true : false = true;
void exhaustive;

export const MAX_BATCH_SYMBOLS = 50;

export function normalizeSymbol(raw: string): string {
  return raw.trim().toUpperCase();
}

/** An error message for an invalid symbol, or null when it is valid. */
export function symbolError(raw: string): string | null {
  const symbol = normalizeSymbol(raw);
  if (!symbol) return "Enter a symbol.";
  if (!SYMBOL_PATTERN.test(symbol)) {
    return "A symbol starts with a letter and has up to 20 letters, digits, '.', '_' or '-'.";
  }
  return null;
}

/** Splits a pasted list (commas, spaces, new lines, semicolons) into unique upper-cased symbols. */
export function parseSymbolList(raw: string): string[] {
  const seen = new Set<string>();
  for (const part of raw.split(/[\s,;]+/)) {
    const symbol = normalizeSymbol(part);
    if (symbol) seen.add(symbol);
  }
  return [...seen];
}

/** Where a sign-in sends the user when `next` is missing or unsafe. */
export const DEFAULT_AFTER_SIGN_IN = "/model-management";

const REDIRECT_BASE = "http://dashboard.invalid";

/**
 * A same-origin path to go to after sign-in, or `fallback`.
 *
 * Only a path on this origin passes: it must start with one "/" and contain no backslash and no
 * control or whitespace characters (browsers treat "\" as "/" and drop tabs and new lines, so
 * `/\evil.com` and `/\t/evil.com` would leave the site), and it must still resolve to this
 * origin. Schemes (`javascript:`, `https://...`) and protocol-relative `//host` are refused.
 */
export function safeRedirectPath(
  raw: string | null | undefined,
  fallback: string = DEFAULT_AFTER_SIGN_IN,
): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2048) return fallback;
  if (!raw.startsWith("/") || raw.startsWith("//")) return fallback;
  if (/[\\\u0000-\u0020\u007f-\u00a0\u2028\u2029]/.test(raw)) return fallback;
  let url: URL;
  try {
    url = new URL(raw, REDIRECT_BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== REDIRECT_BASE) return fallback;
  if (url.pathname.startsWith("//")) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
