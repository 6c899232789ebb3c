"use client";

import { Badge, statusTone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { LastUpdated } from "@/components/ui/last-updated";
import { Widget } from "@/components/ui/widget";
import { getPerformance } from "@/lib/api";
import { REFRESH_MS } from "@/lib/config";
import { fmtPct, humanize, isNum } from "@/lib/format";
import { useApi } from "@/lib/use-api";

import { Stat } from "./active-model-card";

/** Overview: how the active version's served predictions actually did. */
export function RealizedPerformanceCard() {
  const state = useApi("performance:overview", () => getPerformance(), { refreshMs: REFRESH_MS });
  return (
    <Card
      title="Realized performance"
      href="/monitoring"
      testId="card-realized-performance"
      aside={<LastUpdated at={state.lastUpdated} />}
    >
      <Widget state={state}>
        {(report) => {
          const live = report.live;
          const ci = live.skill_ci;
          return (
            <div className="space-y-3">
              <Badge tone={statusTone(report.status)} testId="overview-performance-status">
                {humanize(report.status)}
              </Badge>
              <dl className="grid grid-cols-3 gap-2 text-sm">
                <Stat label="Scored / pending" value={`${report.scored} / ${report.pending}`} />
                <Stat label={`Hit rate (base ${fmtPct(live.base_rate)})`} value={fmtPct(live.hit_rate)} />
                <Stat
                  label="Live skill"
                  value={fmtPct(live.skill)}
                  tone={ci && ci[0] > 0 ? "good" : ci && ci[1] < 0 ? "bad" : undefined}
                />
              </dl>
              <p className="text-xs text-[var(--muted)]">
                {report.version}
                {ci ? ` · skill 90% interval ${fmtPct(ci[0])} … ${fmtPct(ci[1])}` : ""}
                {isNum(live.ic) ? ` · IC ${live.ic.toFixed(3)}` : ""}
              </p>
            </div>
          );
        }}
      </Widget>
    </Card>
  );
}
