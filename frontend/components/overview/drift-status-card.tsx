"use client";

import { Badge, statusTone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { LastUpdated } from "@/components/ui/last-updated";
import { Term } from "@/components/ui/term";
import { Widget } from "@/components/ui/widget";
import { getDrift } from "@/lib/api";
import { REFRESH_MS } from "@/lib/config";
import { fmtPct, humanize } from "@/lib/format";
import { useApi } from "@/lib/use-api";

import { driftSentence, driftingFeatures } from "../monitoring/drift-summary";

import { Stat } from "./active-model-card";

export function DriftStatusCard() {
  const state = useApi("drift", () => getDrift(), { refreshMs: REFRESH_MS });
  return (
    <Card title="Input drift" href="/monitoring#drift" testId="card-drift" aside={<LastUpdated at={state.lastUpdated} />}>
      <Widget state={state}>
        {(drift) => {
          const features = Object.entries(drift.details ?? {});
          const drifted = driftingFeatures(drift);
          return (
            <div className="space-y-3">
              <Badge tone={statusTone(drift.status)} testId="drift-status">
                {humanize(drift.status)}
              </Badge>
              <dl className="grid grid-cols-3 gap-2 text-sm">
                <Stat label={<Term id="ks">Features drifting</Term>} value={`${drifted.length} / ${features.length}`} />
                <Stat label="Distinct inputs" value={String(drift.distinct_rows ?? drift.samples ?? "—")} />
                <Stat
                  label="False-alarm rate"
                  value={drift.calibration === "empirical" ? fmtPct(drift.false_alarm_rate, 0) : "unknown"}
                />
              </dl>
              <p className="text-xs text-[var(--muted)]" data-testid="drift-sentence">
                {driftSentence(drift)}
              </p>
            </div>
          );
        }}
      </Widget>
    </Card>
  );
}
