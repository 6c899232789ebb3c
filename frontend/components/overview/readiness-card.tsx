"use client";

import { Badge, statusTone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { LastUpdated } from "@/components/ui/last-updated";
import { Widget } from "@/components/ui/widget";
import { getReady } from "@/lib/api";
import { REFRESH_MS } from "@/lib/config";
import { humanize } from "@/lib/format";
import type { ReadinessCheck } from "@/lib/types";
import { useApi } from "@/lib/use-api";

function note(check: ReadinessCheck): string {
  return check.error || check.message || check.active_version || check.vendor || check.source || check.kind || "";
}

export function ReadinessCard() {
  const state = useApi("ready", getReady, { refreshMs: REFRESH_MS });
  return (
    <Card title="Readiness" id="readiness" testId="card-readiness" aside={<LastUpdated at={state.lastUpdated} />}>
      <Widget state={state} isEmpty={(d) => !Object.keys(d.data.checks ?? {}).length} empty="No readiness checks reported.">
        {({ data }) => (
          <div className="space-y-3">
            <Badge tone={statusTone(data.status)} testId="ready-status">
              {data.status}
            </Badge>
            <ul className="divide-y divide-[var(--border)] text-sm">
              {Object.entries(data.checks).map(([name, check]) =>
                check ? (
                  <li key={name} className="flex flex-wrap items-center justify-between gap-2 py-1.5">
                    <span>{humanize(name)}</span>
                    <span className="flex items-center gap-2">
                      <span className="max-w-[14rem] break-words text-right text-xs text-[var(--muted)]" title={note(check)}>
                        {note(check)}
                      </span>
                      <Badge tone={statusTone(check.status)}>{check.status}</Badge>
                    </span>
                  </li>
                ) : null,
              )}
            </ul>
          </div>
        )}
      </Widget>
    </Card>
  );
}
