"use client";

import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { LastUpdated } from "@/components/ui/last-updated";
import { Widget } from "@/components/ui/widget";
import { getModels } from "@/lib/api";
import { REFRESH_MS } from "@/lib/config";
import { fmtDateTime, fmtNum, fmtPct } from "@/lib/format";
import { baselineName, baselineRmse, interval, intervalTone, metric, skill } from "@/lib/metrics";
import type { ModelsResponse } from "@/lib/types";
import { useApi } from "@/lib/use-api";

function activeOf(data: ModelsResponse) {
  return data.models.find((m) => m.is_active) ?? data.models.find((m) => m.version === data.active_version);
}

export function ActiveModelCard() {
  const state = useApi("models", getModels, { refreshMs: REFRESH_MS });
  return (
    <Card
      title="Active model"
      href="/model-management"
      testId="card-active-model"
      aside={<LastUpdated at={state.lastUpdated} />}
    >
      <Widget state={state} isEmpty={(d) => !activeOf(d)} empty="No active version yet: train a model to start serving.">
        {(data) => {
          const model = activeOf(data)!;
          const val = model.validation_metrics;
          const s = skill(val);
          const ci = interval(val, "skill_ci");
          const tone = intervalTone(ci);
          return (
            <div className="space-y-3">
              <div className="flex items-baseline gap-3">
                <span className="text-3xl font-bold" data-testid="active-version">
                  {model.version}
                </span>
                <Badge tone="good">active</Badge>
                <span className="text-xs text-[var(--muted)]">created {fmtDateTime(model.created_at)}</span>
              </div>
              <dl className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-4">
                <Stat
                  label={`Skill vs ${baselineName(val?.skill_vs)}`}
                  value={ci ? `${fmtPct(s)} (90% CI ${fmtPct(ci[0])}…${fmtPct(ci[1])})` : fmtPct(s)}
                  tone={tone === "good" || tone === "bad" ? tone : undefined}
                />
                <Stat label="Validation RMSE" value={fmtNum(metric(val, "rmse"), 4)} />
                <Stat label="Zero-baseline RMSE" value={fmtNum(baselineRmse(val, "zero"), 4)} />
                <Stat label="Directional accuracy" value={fmtPct(metric(val, "directional_accuracy"))} />
              </dl>
              <p className="text-xs text-[var(--muted)]">{data.available_versions.length} versions in the registry</p>
            </div>
          );
        }}
      </Widget>
    </Card>
  );
}

export function Stat({ label, value, tone }: { label: string; value: string; tone?: "good" | "bad" }) {
  const color = tone === "good" ? "text-[var(--good)]" : tone === "bad" ? "text-[var(--bad)]" : "";
  return (
    <div className="min-w-0">
      <dt className="truncate text-xs text-[var(--muted)]">{label}</dt>
      <dd className={`font-mono text-base font-semibold ${color}`}>{value}</dd>
    </div>
  );
}
