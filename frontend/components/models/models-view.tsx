"use client";

import { useState } from "react";

import { SignInHint } from "@/components/auth/sign-in-hint";
import { Card } from "@/components/ui/card";
import { LastUpdated } from "@/components/ui/last-updated";
import { Widget } from "@/components/ui/widget";
import { adminActivate, adminRollback, getModels } from "@/lib/api";
import { useApi } from "@/lib/use-api";
import { useSession } from "@/lib/use-session";

import { ActivationHistory } from "./activation-history";
import { CompareVersions } from "./compare-versions";
import { LiveMetricsCard } from "./live-metrics";
import { ReasonConfirm } from "./reason-confirm";
import { TrainPanel } from "./train-panel";
import { ValidationReport } from "./validation-report";
import { VersionsTable } from "./versions-table";

export function ModelsView() {
  const { isOperator } = useSession();
  const [revision, setRevision] = useState(0);
  const [activating, setActivating] = useState<string | null>(null);
  const [rollingBack, setRollingBack] = useState(false);
  const [flash, setFlash] = useState<string | null>(null);
  const models = useApi(`models:${revision}`, getModels);
  const bump = () => setRevision((r) => r + 1);
  const active = models.data?.active_version ?? null;
  const target = models.data?.rollback_target ?? null;
  const activeStatus = models.data?.active_status ?? null;

  function done(message: string) {
    setActivating(null);
    setRollingBack(false);
    setFlash(message);
    bump();
  }

  return (
    <div className="space-y-4">
      {flash ? (
        <p role="status" data-testid="flash" className="rounded border border-[var(--good)] bg-[var(--good-bg)] p-2 text-sm">
          {flash}
        </p>
      ) : null}

      {active && activeStatus && activeStatus !== "ready" ? (
        <p role="alert" data-testid="active-unavailable" className="rounded border border-[var(--bad)] bg-[var(--bad-bg)] p-2 text-sm">
          The active version {active} is {activeStatus}: instances that already loaded it keep serving it, a
          restarted one cannot. Activate or roll back to an available version.
        </p>
      ) : null}

      <Card
        title="Versions"
        testId="card-versions"
        aside={<LastUpdated at={models.lastUpdated} onRefresh={models.refresh} />}
      >
        {activating ? (
          <div className="mb-3">
            <ReasonConfirm
              key={activating}
              testId="activate-confirm"
              title={`Activate ${activating}? Every instance serves it within a second.`}
              confirmLabel={`Confirm activation of ${activating}`}
              onConfirm={async (reason) => {
                const res = await adminActivate(activating, reason);
                return `${res.active_version} is now active.`;
              }}
              onCancel={() => setActivating(null)}
              onDone={done}
            />
          </div>
        ) : null}
        <Widget state={models} loadingLines={5}>
          {(data) => <VersionsTable models={data.models} onActivate={(v) => setActivating(v)} />}
        </Widget>
      </Card>
      <LiveMetricsCard versions={models.data?.available_versions ?? []} />

      <Card title="Validation report" testId="card-validation-report">
        <Widget state={models}>{(data) => <ValidationReport models={data.models} />}</Widget>
      </Card>

      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Operator controls" testId="card-controls">
          {isOperator ? (
            <div className="space-y-5">
              <section aria-label="Train">
                <h3 className="mb-2 text-sm font-semibold">Train</h3>
                <TrainPanel onFinished={bump} />
              </section>
              <section aria-label="Roll back">
                <h3 className="mb-2 text-sm font-semibold">Roll back</h3>
                {rollingBack && active && target ? (
                  <ReasonConfirm
                    testId="rollback-confirm"
                    title={`Roll back ${active} → ${target}? ${target} is the most recent earlier available version in the activation history.`}
                    confirmLabel={`Confirm roll back ${active} → ${target}`}
                    onConfirm={async (reason) => {
                      const res = await adminRollback(reason);
                      return `Rolled back ${res.previous_version ?? "none"} → ${res.active_version}.`;
                    }}
                    onCancel={() => setRollingBack(false)}
                    onDone={done}
                  />
                ) : (
                  <div className="flex flex-wrap items-center gap-3">
                    <button
                      type="button"
                      data-testid="rollback-button"
                      disabled={!active || !target}
                      onClick={() => setRollingBack(true)}
                      className="rounded border border-[var(--warn)] px-3 py-2 text-sm font-semibold text-[var(--warn)] disabled:cursor-not-allowed disabled:opacity-50"
                    >
                      {active && target ? `Roll back ${active} → ${target}…` : "Roll back…"}
                    </button>
                    {models.data && (!active || !target) ? (
                      <span className="text-xs text-[var(--muted)]" data-testid="rollback-none">
                        {active
                          ? `No earlier available version in ${active}'s activation history.`
                          : "No version is active."}
                      </span>
                    ) : null}
                  </div>
                )}
              </section>
            </div>
          ) : (
            <SignInHint action="train, activate or roll back models" />
          )}
        </Card>

        <Card title="Activation history" testId="card-activations">
          <ActivationHistory revision={revision} />
        </Card>
      </div>

      <Card title="Compare versions" testId="card-compare">
        <Widget state={models}>{(data) => <CompareVersions models={data.models} />}</Widget>
      </Card>
    </div>
  );
}
