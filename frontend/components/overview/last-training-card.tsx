"use client";

import { Badge, statusTone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { LastUpdated } from "@/components/ui/last-updated";
import { Widget } from "@/components/ui/widget";
import { getTrainingHistory, getTrainingStatus } from "@/lib/api";
import { REFRESH_MS } from "@/lib/config";
import { fmtDateTime, fmtNum, fmtSkill } from "@/lib/format";
import { metric, skill } from "@/lib/metrics";
import type { TrainingHistoryRun } from "@/lib/types";
import { useApi } from "@/lib/use-api";
import { useSession } from "@/lib/use-session";

import { Term } from "@/components/ui/term";

import { Stat } from "./active-model-card";

function latest(runs: TrainingHistoryRun[]): TrainingHistoryRun | undefined {
  return [...runs].sort((a, b) => (a.timestamp < b.timestamp ? 1 : -1))[0];
}

export function LastTrainingCard() {
  const { isOperator } = useSession();
  const history = useApi("training-history", getTrainingHistory, { refreshMs: REFRESH_MS });
  const status = useApi(isOperator ? "train-status" : null, getTrainingStatus, { refreshMs: REFRESH_MS });
  const run = status.data?.training?.run_id != null ? status.data.training : null;
  return (
    <Card
      title="Last training run"
      href="/model-management"
      testId="card-last-training"
      aside={<LastUpdated at={history.lastUpdated} />}
    >
      {run ? (
        <p className="mb-3 flex flex-wrap items-center gap-2 text-sm">
          <Badge tone={statusTone(run.state)}>{run.state}</Badge>
          <span className="text-[var(--muted)]">
            run {String(run.run_id)} · started {fmtDateTime(run.started_at)}
            {run.latest_version ? ` · produced ${run.latest_version}` : ""}
          </span>
          {run.error ? <span className="text-[var(--bad)]">{run.error}</span> : null}
        </p>
      ) : null}
      <Widget state={history} isEmpty={(d) => !d.runs.length} empty="No training run recorded yet.">
        {(data) => {
          const last = latest(data.runs)!;
          return (
            <div className="space-y-2">
              <p className="text-sm">
                <span className="font-semibold">{last.version}</span>{" "}
                <span className="text-[var(--muted)]">trained {fmtDateTime(last.timestamp)}</span>
              </p>
              <dl className="grid grid-cols-3 gap-2 text-sm">
                <Stat label="Validation RMSE" value={fmtNum(metric(last.validation_metrics, "rmse"), 4)} />
                <Stat label={<Term id="skill" />} value={fmtSkill(skill(last.validation_metrics))} />
                <Stat label={<Term id="ic" />} value={fmtNum(metric(last.validation_metrics, "ic"), 3)} />
              </dl>
            </div>
          );
        }}
      </Widget>
    </Card>
  );
}
