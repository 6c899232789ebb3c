"use client";

import { Card } from "@/components/ui/card";
import { LastUpdated } from "@/components/ui/last-updated";
import { Widget } from "@/components/ui/widget";
import { getLatency } from "@/lib/api";
import { REFRESH_MS } from "@/lib/config";
import { fmtMs, plural } from "@/lib/format";
import { useApi } from "@/lib/use-api";

import { Stat } from "./active-model-card";

export function LatencyCard() {
  const state = useApi("latency", () => getLatency(false), { refreshMs: REFRESH_MS });
  return (
    <Card title="Inference latency" href="/monitoring#latency" testId="card-latency" aside={<LastUpdated at={state.lastUpdated} />}>
      <Widget state={state} isEmpty={(d) => !d.recent_calls} empty="No predictions served yet.">
        {(lat) => (
          <div className="space-y-2">
            <dl className="grid grid-cols-3 gap-2 text-sm">
              <Stat label="p50" value={fmtMs(lat.p50_ms)} />
              <Stat label="p95" value={fmtMs(lat.p95_ms)} />
              <Stat label="p99" value={fmtMs(lat.p99_ms)} />
            </dl>
            <p className="text-xs text-[var(--muted)]">
              avg {fmtMs(lat.avg_latency_ms)} · max {fmtMs(lat.max_ms)} · {plural(lat.recent_calls, "recent call")}
            </p>
          </div>
        )}
      </Widget>
    </Card>
  );
}
