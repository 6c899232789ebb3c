"use client";

import { usePathname, useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/states";
import { Widget } from "@/components/ui/widget";
import { getPrediction } from "@/lib/api";
import { useApi } from "@/lib/use-api";
import { normalizeSymbol, symbolError } from "@/lib/validation";

import { BatchPanel, ExchangeSelect } from "./batch-panel";
import { FeatureValues } from "./feature-values";
import { PredictionCard } from "./prediction-card";
import { PriceChart } from "./price-chart";
import { RecentPredictions } from "./recent-predictions";

interface Query {
  symbol: string;
  exchange: string;
  nonce: number;
}

export function ExplorerView({ initialSymbol = "", initialExchange = "" }: { initialSymbol?: string; initialExchange?: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const startValid = initialSymbol !== "" && symbolError(initialSymbol) === null;
  const [symbol, setSymbol] = useState(initialSymbol);
  const [exchange, setExchange] = useState(initialExchange);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [query, setQuery] = useState<Query | null>(
    startValid ? { symbol: normalizeSymbol(initialSymbol), exchange: initialExchange, nonce: 0 } : null,
  );

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
    const params = new URLSearchParams({ symbol: next.symbol });
    if (exchange) params.set("exchange", exchange);
    router.replace(`${pathname}?${params.toString()}`, { scroll: false });
  }

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
              placeholder="AAPL"
              autoCapitalize="characters"
              className="w-40 rounded border border-[var(--border)] px-3 py-2 font-mono uppercase"
            />
          </label>
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
          {query ? (
            <Widget state={prediction} loadingLines={4}>
              {(p) => <PredictionCard prediction={p} />}
            </Widget>
          ) : (
            <EmptyState>Enter a symbol to get the active model&apos;s prediction.</EmptyState>
          )}
        </div>
      </Card>

      {query ? (
        <div className="grid gap-4 lg:grid-cols-3">
          <Card title={`Recent closes · ${query.symbol}`} className="lg:col-span-2">
            <PriceChart symbol={query.symbol} exchange={query.exchange || undefined} />
          </Card>
          <Card title="Feature values used">
            {prediction.data ? (
              <FeatureValues values={prediction.data.features} />
            ) : (
              <EmptyState>Shown once the prediction arrives.</EmptyState>
            )}
          </Card>
          <Card title={`Recent predictions · ${query.symbol}`} className="lg:col-span-3">
            <RecentPredictions symbol={query.symbol} revision={prediction.data?.request_id ?? ""} />
          </Card>
        </div>
      ) : null}

      <Card title="Batch prediction" testId="batch-prediction">
        <BatchPanel />
      </Card>
    </div>
  );
}
