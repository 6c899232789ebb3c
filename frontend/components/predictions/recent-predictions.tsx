"use client";

import { Badge } from "@/components/ui/badge";
import { Widget } from "@/components/ui/widget";
import { getRecentPredictions } from "@/lib/api";
import { fmtDateTime, fmtMs, fmtPct, fmtReturn } from "@/lib/format";
import type { PredictionLogEntry } from "@/lib/types";
import { useApi } from "@/lib/use-api";

import { SIGNAL_TONE } from "./prediction-card";

/** Recent logged predictions, optionally only one symbol's; `revision` forces a reload. */
export function RecentPredictions({ symbol, revision = "" }: { symbol?: string; revision?: string }) {
  const state = useApi(`recent:${symbol ?? ""}:${revision}`, () => getRecentPredictions({ limit: 50, symbol }));
  const pick = (entries: PredictionLogEntry[]) => (symbol ? entries.filter((e) => e.symbol === symbol) : entries);
  return (
    <Widget
      state={state}
      isEmpty={(d) => !pick(d.entries).length}
      empty={symbol ? `No logged predictions for ${symbol} yet.` : "No predictions logged yet."}
    >
      {(data) => (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[36rem] text-sm" data-testid="recent-predictions">
            <thead>
              <tr className="border-b border-[var(--border)] text-left text-xs text-[var(--muted)]">
                <th className="py-1 pr-2 font-medium">Time</th>
                <th className="py-1 pr-2 font-medium">Symbol</th>
                <th className="py-1 pr-2 font-medium">Signal</th>
                <th className="py-1 pr-2 text-right font-medium">P(up)</th>
                <th className="py-1 pr-2 text-right font-medium">Exp. return</th>
                <th className="py-1 pr-2 font-medium">Version</th>
                <th className="py-1 text-right font-medium">Latency</th>
              </tr>
            </thead>
            <tbody>
              {pick(data.entries)
                .slice(0, 20)
                .map((e) => (
                  <tr key={e.request_id} className="border-b border-[var(--border)] last:border-0">
                    <td className="py-1 pr-2 text-xs">{fmtDateTime(e.timestamp)}</td>
                    <td className="py-1 pr-2 font-medium">{e.symbol}</td>
                    <td className="py-1 pr-2">
                      <Badge tone={SIGNAL_TONE[e.prediction] ?? "neutral"}>{e.prediction}</Badge>
                    </td>
                    <td className="py-1 pr-2 text-right font-mono">{fmtPct(e.probability_up)}</td>
                    <td className="py-1 pr-2 text-right font-mono">{fmtReturn(e.expected_return, 3)}</td>
                    <td className="py-1 pr-2 font-mono">{e.model_version}</td>
                    <td className="py-1 text-right font-mono">{fmtMs(e.latency_ms)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      )}
    </Widget>
  );
}
