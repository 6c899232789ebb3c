"use client";

import { Badge, statusTone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState, ErrorState, LoadingState } from "@/components/ui/states";
import { getPerformance } from "@/lib/api";
import { REFRESH_MS } from "@/lib/config";
import { fmtNum, fmtPct, humanize } from "@/lib/format";
import type { PerformanceReport } from "@/lib/performance-types";
import { useApi } from "@/lib/use-api";

/** One row per version: its live outcomes (and replay outcomes, when an operator ran one). */
export function LiveMetricsRow({ live, replay }: { live: PerformanceReport; replay?: PerformanceReport }) {
  const cells = (r: PerformanceReport | undefined) =>
    r && r.live.n ? (
      <>
        {r.live.n} · hit {fmtPct(r.live.hit_rate)} · skill {fmtPct(r.live.skill)}
        {r.live.skill_ci ? ` (${fmtPct(r.live.skill_ci[0])} … ${fmtPct(r.live.skill_ci[1])})` : ""}
      </>
    ) : (
      "—"
    );
  return (
    <tr data-testid={`live-row-${live.version}`} className="border-b border-[var(--border)] last:border-0">
      <td className="py-2 pr-2 font-semibold">{live.version}</td>
      <td className="py-2 pr-2">
        <Badge tone={statusTone(live.status)}>{humanize(live.status)}</Badge>
      </td>
      <td className="py-2 pr-2 font-mono text-xs">{cells(live)}</td>
      <td className="py-2 pr-2 text-right font-mono">{fmtNum(live.live.ic, 3)}</td>
      <td className="py-2 pr-2 text-right font-mono">{live.pending}</td>
      <td className="py-2 font-mono text-xs">{cells(replay)}</td>
    </tr>
  );
}

async function loadAll(versions: string[]): Promise<{ live: PerformanceReport; replay: PerformanceReport }[]> {
  return Promise.all(
    versions.map(async (version) => ({
      live: await getPerformance({ version }),
      replay: await getPerformance({ version, source: "replay" }),
    })),
  );
}

/** Models page: realized performance of every version (from /monitoring/performance). */
export function LiveMetricsCard({ versions }: { versions: string[] }) {
  const state = useApi(versions.length ? `live-metrics:${versions.join(",")}` : null, () => loadAll(versions), {
    refreshMs: REFRESH_MS,
  });
  let body;
  if (!versions.length) body = <EmptyState>No model versions yet.</EmptyState>;
  else if (state.data === undefined && state.error) body = <ErrorState error={state.error} onRetry={state.refresh} />;
  else if (state.data === undefined) body = <LoadingState lines={3} />;
  else
    body = (
      <div className="overflow-x-auto">
        <table className="w-full min-w-[40rem] text-sm" data-testid="live-metrics-table">
          <thead>
            <tr className="border-b border-[var(--border)] text-left text-xs text-[var(--muted)]">
              <th className="py-2 pr-2 font-medium">Version</th>
              <th className="py-2 pr-2 font-medium">Live status</th>
              <th className="py-2 pr-2 font-medium">Live outcomes</th>
              <th className="py-2 pr-2 text-right font-medium">Live IC</th>
              <th className="py-2 pr-2 text-right font-medium">Pending</th>
              <th className="py-2 font-medium">Replay outcomes</th>
            </tr>
          </thead>
          <tbody>
            {state.data.map(({ live, replay }) => (
              <LiveMetricsRow key={live.version} live={live} replay={replay} />
            ))}
          </tbody>
        </table>
      </div>
    );
  return (
    <Card title="Live metrics per version" testId="card-live-metrics">
      {body}
    </Card>
  );
}
