"use client";

import { Badge, statusTone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { LastUpdated } from "@/components/ui/last-updated";
import { Term } from "@/components/ui/term";
import { Widget } from "@/components/ui/widget";
import { getDrift } from "@/lib/api";
import { REFRESH_MS } from "@/lib/config";
import { fmtNum, fmtPct, humanize } from "@/lib/format";
import { useApi } from "@/lib/use-api";

import { Stat } from "./active-model-card";

export function DriftStatusCard() {
  const state = useApi("drift", () => getDrift(), { refreshMs: REFRESH_MS });
  return (
    <Card title="Input drift" href="/monitoring#drift" testId="card-drift" aside={<LastUpdated at={state.lastUpdated} />}>
      <Widget state={state}>
        {(drift) => {
          const features = Object.entries(drift.details ?? {});
          const drifted = features.filter(([, d]) => d.drift).map(([name]) => name);
          return (
            <div className="space-y-3">
              <Badge tone={statusTone(drift.status)} testId="drift-status">
                {humanize(drift.status)}
              </Badge>
              <dl className="grid grid-cols-3 gap-2 text-sm">
                <Stat label={<Term id="drift_share" />} value={fmtPct(drift.drift_share)} />
                <Stat label="Features drifting" value={`${drifted.length} / ${features.length}`} />
                <Stat label={<Term id="ks">KS p threshold</Term>} value={fmtNum(drift.threshold, 3)} />
              </dl>
              {drifted.length ? (
                <p className="text-xs text-[var(--muted)]">Drifting: {drifted.join(", ")}</p>
              ) : null}
            </div>
          );
        }}
      </Widget>
    </Card>
  );
}
