/** Symbol rule from DESIGN section 5: `^[A-Z][A-Z0-9._-]{0,19}$` after upper-casing. */
export const SYMBOL_PATTERN = /^[A-Z][A-Z0-9._-]{0,19}$/;

export const EXCHANGES = ["NSE", "BSE", "NASDAQ"] as const;

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
