"use client";

import { useState, type FormEvent } from "react";

import { Card } from "@/components/ui/card";
import { EmptyState, LoadingState } from "@/components/ui/states";
import { getPrediction, getSymbols } from "@/lib/api";
import { useApi } from "@/lib/use-api";
import { normalizeSymbol, symbolError } from "@/lib/validation";

import { BatchPanel, ExchangeSelect } from "./batch-panel";
import { PredictionError } from "./explain-error";
import { FeatureValues } from "./feature-values";
import { PredictionCard } from "./prediction-card";
import { PriceChart } from "./price-chart";
import { RecentPredictions } from "./recent-predictions";
import { SYMBOL_LIST_ID, SymbolOptions } from "./symbol-options";

interface Query {
  symbol: string;
  exchange: string;
  nonce: number;
}

/**
 * Writes the query into the address bar without a navigation: `router.replace` would re-render
 * the page and, with it, run the prediction a second time. Next.js keeps useSearchParams in
 * step with history.replaceState.
 */
export function syncQueryToUrl(symbol: string, exchange: string): void {
  const params = new URLSearchParams(window.location.search);
  params.set("symbol", symbol);
  if (exchange) params.set("exchange", exchange);
  else params.delete("exchange");
  window.history.replaceState(window.history.state, "", `${window.location.pathname}?${params.toString()}`);
}

export function ExplorerView({ initialSymbol = "", initialExchange = "" }: { initialSymbol?: string; initialExchange?: string }) {
  const startValid = initialSymbol !== "" && symbolError(initialSymbol) === null;
  const [symbol, setSymbol] = useState(initialSymbol);
  const [exchange, setExchange] = useState(initialExchange);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [query, setQuery] = useState<Query | null>(
    startValid ? { symbol: normalizeSymbol(initialSymbol), exchange: initialExchange, nonce: 0 } : null,
  );
  const symbols = useApi("symbols", getSymbols);

  const prediction = useApi(
    query ? `predict:${query.symbol}:${query.exchange}:${query.nonce}` : null,
    () => getPrediction({ symbol: query!.symbol, exchange: query!.exchange || undefined }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problem = symbolError(symbol);
    setFieldError(problem);
    if (problem) return;
    const next = { symbol: normalizeSymbol(symbol), exchange, nonce: Date.now() };
    setSymbol(next.symbol);
    setQuery(next);
    syncQueryToUrl(next.symbol, exchange);
  }

  const offered = symbols.data?.symbols ?? [];
  return (
    <div className="space-y-4">
      <Card title="Single prediction" testId="single-prediction">
        <form onSubmit={onSubmit} noValidate className="flex flex-wrap items-end gap-2" aria-label="Single prediction">
          <label className="block text-sm">
            <span className="mb-1 block font-medium">Symbol</span>
            <input
              name="symbol"
              value={symbol}
              onChange={(e) => setSymbol(e.target.value)}
              aria-invalid={fieldError ? true : undefined}
              aria-describedby={fieldError ? "symbol-error" : undefined}
              placeholder={offered[0] ?? "AAPL"}
              list={SYMBOL_LIST_ID}
              autoComplete="off"
              autoCapitalize="characters"
              className="w-40 rounded border border-[var(--border)] px-3 py-2 font-mono uppercase"
            />
          </label>
          <SymbolOptions state={symbols} onPick={setSymbol} />
          <ExchangeSelect value={exchange} onChange={setExchange} name="exchange" />
          <button type="submit" className="rounded bg-[var(--accent)] px-3 py-2 text-sm font-semibold text-white">
            Predict
          </button>
        </form>
        {fieldError ? (
          <p id="symbol-error" role="alert" className="mt-2 text-sm text-[var(--bad)]">
            {fieldError}
          </p>
        ) : null}
        <div className="mt-4">
          {!query ? (
            <EmptyState>Pick or type a symbol to get the active model&apos;s prediction.</EmptyState>
          ) : prediction.error ? (
            <PredictionError error={prediction.error} symbol={query.symbol} symbolCount={offered.length} />
          ) : prediction.data ? (
            <PredictionCard prediction={prediction.data} />
          ) : (
            <LoadingState lines={4} />
          )}
        </div>
      </Card>

      {/* The details only for a symbol that was served: a failure is explained once, above. */}
      {query && prediction.data ? (
        <div className="grid gap-4 lg:grid-cols-3">
          <Card title={`Recent closes · ${query.symbol}`} className="lg:col-span-2">
            <PriceChart symbol={query.symbol} exchange={query.exchange || undefined} />
          </Card>
          <Card title="Feature values used">
            <FeatureValues values={prediction.data.features} />
          </Card>
          <Card title={`Recent predictions · ${query.symbol}`} className="lg:col-span-3">
            <RecentPredictions symbol={query.symbol} revision={prediction.data.request_id} />
          </Card>
        </div>
      ) : null}

      <Card title="Batch prediction" testId="batch-prediction">
        <BatchPanel suggestions={offered} />
      </Card>
    </div>
  );
}
