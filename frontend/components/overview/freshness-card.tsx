"use client";

import { Badge, statusTone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { LastUpdated } from "@/components/ui/last-updated";
import { Widget } from "@/components/ui/widget";
import { getFreshness } from "@/lib/api";
import { REFRESH_MS } from "@/lib/config";
import { fmtAge, fmtDateTime, humanize, isNum } from "@/lib/format";
import type { FreshnessResponse } from "@/lib/types";
import { useApi } from "@/lib/use-api";

const STAMPS = [
  ["upstream_last_seen", "Market data last fetched"],
  ["model_last_trained", "Model last trained"],
  ["last_prediction_time", "Last prediction"],
] as const;

export interface SymbolFreshness {
  symbol: string;
  exchange: string | null;
  latest_candle_at: string | null;
  last_seen_at: string | null;
  age_seconds: number | null;
  degraded: boolean;
  stale: boolean;
}

/** The per-symbol rows of /monitoring/freshness (candle time and fetch time kept apart). */
export function symbolFreshness(data: FreshnessResponse): SymbolFreshness[] {
  return data.symbols.map((r) => ({
    symbol: r.symbol,
    exchange: r.exchange || null,
    latest_candle_at: r.latest_candle_at,
    last_seen_at: r.last_seen_at,
    age_seconds: r.age_seconds,
    degraded: r.degraded,
    stale: r.stale,
  }));
}

/** The newest candle over every served symbol: the market's time, not when we fetched it. */
export function newestCandle(rows: SymbolFreshness[]): SymbolFreshness | null {
  let best: SymbolFreshness | null = null;
  for (const row of rows) {
    if (row.latest_candle_at && (!best?.latest_candle_at || row.latest_candle_at > best.latest_candle_at)) best = row;
  }
  return best;
}

const AGES: Record<
  (typeof STAMPS)[number][0],
  "upstream_age_seconds" | "model_age_seconds" | "last_prediction_age_seconds"
> = {
  upstream_last_seen: "upstream_age_seconds",
  model_last_trained: "model_age_seconds",
  last_prediction_time: "last_prediction_age_seconds",
};

/** The age the API reports next to a timestamp field, if any. */
function ageFor(data: FreshnessResponse, field: (typeof STAMPS)[number][0]): number | null {
  const value = data[AGES[field]];
  return isNum(value) ? value : null;
}

/** Freshness timestamps with their ages and status, as the API reports them. */
export function FreshnessList({ data }: { data: FreshnessResponse }) {
  const statuses = Object.entries(data).filter(
    ([key, value]) => typeof value === "string" && (key === "status" || key.endsWith("_status")),
  ) as Array<[string, string]>;
  const symbols = symbolFreshness(data);
  const newest = newestCandle(symbols);
  return (
    <div className="space-y-3">
      <dl className="space-y-2 text-sm">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <dt className="text-[var(--muted)]">Newest candle (market time)</dt>
          <dd className="text-right" data-testid="freshness-candle">
            <span className="font-mono">{fmtDateTime(newest?.latest_candle_at)}</span>
            {newest?.age_seconds !== null && newest?.age_seconds !== undefined ? (
              <span className="ml-2 text-xs text-[var(--muted)]">({fmtAge(newest.age_seconds)} old)</span>
            ) : null}
          </dd>
        </div>
        {STAMPS.map(([field, label]) => {
          const age = ageFor(data, field);
          return (
            <div key={field} className="flex flex-wrap items-baseline justify-between gap-2">
              <dt className="text-[var(--muted)]">{label}</dt>
              <dd className="text-right">
                <span className="font-mono">{fmtDateTime(data[field])}</span>
                {age !== null ? <span className="ml-2 text-xs text-[var(--muted)]">({fmtAge(age)} ago)</span> : null}
              </dd>
            </div>
          );
        })}
      </dl>
      {symbols.length ? (
        <details className="text-xs">
          <summary className="cursor-pointer text-[var(--muted)]">Per symbol: candle time and fetch time</summary>
          <table className="mt-1 w-full" data-testid="freshness-symbols">
            <thead>
              <tr className="text-left text-[var(--muted)]">
                <th className="pr-2 font-medium">Symbol</th>
                <th className="pr-2 font-medium">Latest candle</th>
                <th className="pr-2 font-medium">Fetched</th>
                <th className="font-medium">Flags</th>
              </tr>
            </thead>
            <tbody>
              {symbols.map((r) => (
                <tr key={`${r.symbol}:${r.exchange ?? ""}`}>
                  <td className="pr-2 font-medium">{r.symbol}</td>
                  <td className="pr-2 font-mono">{fmtDateTime(r.latest_candle_at)}</td>
                  <td className="pr-2 font-mono">{fmtDateTime(r.last_seen_at)}</td>
                  <td className="space-x-1">
                    {r.stale ? <Badge tone="warn">stale</Badge> : null}
                    {r.degraded ? <Badge tone="warn">degraded</Badge> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
      {Array.isArray(data.reasons) && data.reasons.length ? (
        <ul className="list-disc pl-5 text-xs text-[var(--warn)]" data-testid="freshness-reasons">
          {data.reasons.map((r, i) => (
            <li key={i}>{typeof r === "string" ? r : JSON.stringify(r)}</li>
          ))}
        </ul>
      ) : null}
      {statuses.length ? (
        <div className="flex flex-wrap gap-2">
          {statuses.map(([key, value]) => (
            <Badge key={key} tone={statusTone(value)}>
              {key === "status" ? "" : `${humanize(key.replace(/_status$/, ""))}: `}
              {value}
            </Badge>
          ))}
        </div>
      ) : null}
    </div>
  );
}

export function FreshnessCard({ href = "/monitoring#freshness", id }: { href?: string; id?: string }) {
  const state = useApi("freshness", getFreshness, { refreshMs: REFRESH_MS });
  return (
    <Card title="Freshness" href={href} id={id} testId="card-freshness" aside={<LastUpdated at={state.lastUpdated} />}>
      <Widget state={state}>{(data) => <FreshnessList data={data} />}</Widget>
    </Card>
  );
}
