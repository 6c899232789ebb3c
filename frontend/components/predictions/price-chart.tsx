"use client";

import { LineSeriesChart } from "@/components/charts";
import { Badge } from "@/components/ui/badge";
import { Widget } from "@/components/ui/widget";
import { getFeatures } from "@/lib/api";
import { fmtDate, fmtDateTime, plural } from "@/lib/format";
import { useApi } from "@/lib/use-api";

/** Recent closes from GET /features for the symbol (the API caps `lookback` at 100 rows). */
export function PriceChart({ symbol, exchange, lookback = 100 }: { symbol: string; exchange?: string; lookback?: number }) {
  const state = useApi(`features:${symbol}:${exchange ?? ""}:${lookback}`, () =>
    getFeatures({ symbol, exchange, lookback }),
  );
  return (
    <Widget state={state} isEmpty={(d) => !d.features.length} empty={`No recent candles for ${symbol}.`}>
      {(data) => (
        <div className="space-y-2">
          <div className="flex flex-wrap items-center gap-2 text-xs text-[var(--muted)]">
            <span>
              {plural(data.features.length, "row")} (window {data.window_used}) · latest candle{" "}
              {fmtDateTime(data.upstream_latest_timestamp)}
            </span>
            {data.degraded_input ? <Badge tone="warn">degraded input</Badge> : null}
          </div>
          <LineSeriesChart
            testId="price-chart"
            data={data.features.map((row) => ({ timestamp: row.timestamp, close: row.close }))}
            xKey="timestamp"
            xTickFormatter={(v) => fmtDate(String(v))}
            series={[{ key: "close", label: "Close", color: "var(--chart-1)" }]}
            xLabel="Date"
            yLabel="Close (price)"
            dots={false}
          />
        </div>
      )}
    </Widget>
  );
}
