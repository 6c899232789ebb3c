"use client";

import { useState } from "react";

import { LineSeriesChart, type ChartRow } from "@/components/charts";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { LastUpdated } from "@/components/ui/last-updated";
import { Term } from "@/components/ui/term";
import { Widget } from "@/components/ui/widget";
import { getRequestTraffic } from "@/lib/api";
import { REFRESH_MS } from "@/lib/config";
import { fmtMs, fmtPct, fmtTime, plural } from "@/lib/format";
import type { RequestTrafficResponse } from "@/lib/types";
import { useApi } from "@/lib/use-api";

const WINDOWS = [15, 60, 360, 1440] as const;

/** One row per persisted minute (epoch ms on a time axis, so idle minutes show as gaps). */
export function requestRows(series: RequestTrafficResponse["series"]): ChartRow[] {
  return series.map((p) => ({
    t: Date.parse(p.minute),
    requests: p.requests,
    client_errors: p.client_errors,
    server_errors: p.server_errors,
    error_rate: p.error_rate,
  }));
}

function statusTone(status: number) {
  if (status >= 500) return "bad" as const;
  if (status >= 400) return "warn" as const;
  return "good" as const;
}

/** Requests and errors per minute by route and status, from the persisted request counts. */
export function RequestsCard() {
  const [minutes, setMinutes] = useState<number>(60);
  const state = useApi(`requests:${minutes}`, () => getRequestTraffic(minutes), { refreshMs: REFRESH_MS });
  return (
    <Card
      title="Requests and errors"
      id="requests"
      testId="card-requests"
      aside={
        <>
          <select
            aria-label="Window"
            value={minutes}
            onChange={(e) => setMinutes(Number(e.target.value))}
            className="rounded border border-[var(--border)] px-1 py-0.5 text-xs"
          >
            {WINDOWS.map((m) => (
              <option key={m} value={m}>
                last {m < 60 ? `${m} min` : `${m / 60} h`}
              </option>
            ))}
          </select>
          <LastUpdated at={state.lastUpdated} everyMs={REFRESH_MS} />
        </>
      }
    >
      <Widget state={state} isEmpty={(d) => d.requests === 0} empty="No requests recorded in this window yet.">
        {(data) => {
          const rows = requestRows(data.series);
          return (
            <div className="space-y-3">
              <p className="text-xs text-[var(--muted)]" data-testid="requests-summary">
                {plural(data.requests, "request")} · {plural(data.client_errors, "4xx answer")} ·{" "}
                {plural(data.server_errors, "5xx answer")} · <Term id="error_rate" /> {fmtPct(data.error_rate)} · counts
                persist every {data.flush_seconds} s per process
              </p>
              <LineSeriesChart
                testId="requests-chart"
                data={rows}
                xKey="t"
                timeAxis
                connectNulls={false}
                xTickFormatter={(v) => fmtTime(new Date(Number(v)))}
                series={[
                  { key: "requests", label: "All requests", color: "var(--chart-1)" },
                  { key: "client_errors", label: "4xx", color: "var(--chart-2)" },
                  { key: "server_errors", label: "5xx", color: "var(--chart-3)" },
                ]}
                xLabel="Minute (gaps: no recorded requests)"
                yLabel="Requests per minute"
                dots={rows.length < 60}
              />
              <div className="overflow-x-auto">
                <table className="w-full min-w-[36rem] text-sm" data-testid="requests-table">
                  <thead>
                    <tr className="border-b border-[var(--border)] text-left text-xs text-[var(--muted)]">
                      <th className="py-1 pr-2 font-medium">Route</th>
                      <th className="py-1 pr-2 text-right font-medium">Requests</th>
                      <th className="py-1 pr-2 text-right font-medium">
                        <Term id="error_rate" />
                      </th>
                      <th className="py-1 pr-2 text-right font-medium">Mean time</th>
                      <th className="py-1 font-medium">Statuses</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.routes.map((r) => (
                      <tr key={`${r.method} ${r.route}`} className="border-b border-[var(--border)] last:border-0" data-testid="requests-route">
                        <td className="py-1 pr-2 font-mono text-xs">
                          {r.method} {r.route}
                        </td>
                        <td className="py-1 pr-2 text-right font-mono">{r.requests.toLocaleString("en-US")}</td>
                        <td className={`py-1 pr-2 text-right font-mono ${r.server_errors ? "text-[var(--bad)]" : ""}`}>{fmtPct(r.error_rate)}</td>
                        <td className="py-1 pr-2 text-right font-mono">{fmtMs(r.avg_ms)}</td>
                        <td className="py-1">
                          <span className="flex flex-wrap gap-1">
                            {r.statuses.map((s) => (
                              <Badge key={s.status} tone={statusTone(s.status)}>
                                {s.status} × {s.requests}
                              </Badge>
                            ))}
                          </span>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          );
        }}
      </Widget>
    </Card>
  );
}
