"use client";

import type { SymbolsResponse } from "@/lib/types";
import type { ApiState } from "@/lib/use-api";
import { plural } from "@/lib/format";

export const SYMBOL_LIST_ID = "market-symbols";

const ORIGIN_TEXT: Record<string, string> = {
  files: "one per CSV file",
  train_symbols: "the configured training symbols",
};

/**
 * The symbols the market-data source offers (GET /symbols): suggestions for the symbol field
 * and a picker. Typing any other symbol still works; the source decides.
 */
export function SymbolOptions({ state, onPick }: { state: ApiState<SymbolsResponse>; onPick: (symbol: string) => void }) {
  const data = state.data;
  return (
    <>
      <datalist id={SYMBOL_LIST_ID}>
        {(data?.symbols ?? []).map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      <label className="block text-sm">
        <span className="mb-1 block font-medium">Available</span>
        <select
          name="symbol-picker"
          data-testid="symbol-picker"
          value=""
          disabled={!data?.symbols.length}
          onChange={(e) => e.target.value && onPick(e.target.value)}
          title={
            data
              ? `${plural(data.symbols.length, "symbol")} from the ${data.source} source (${ORIGIN_TEXT[data.origin] ?? data.origin})`
              : state.error
                ? `Could not list symbols: ${state.error.message}`
                : "Loading symbols…"
          }
          className="max-w-[12rem] rounded border border-[var(--border)] px-2 py-2"
        >
          <option value="">
            {data ? `${plural(data.symbols.length, "symbol")}…` : state.error ? "unavailable" : "loading…"}
          </option>
          {(data?.symbols ?? []).map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
