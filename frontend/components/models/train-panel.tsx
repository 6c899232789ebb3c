"use client";

import { useEffect, useRef, useState } from "react";

import { Badge, statusTone } from "@/components/ui/badge";
import { ProgressBar } from "@/components/ui/progress";
import { ErrorState } from "@/components/ui/states";
import { ApiError, getTrainingStatus, startTraining, toApiError } from "@/lib/api";
import { TRAIN_POLL_MS } from "@/lib/config";
import { fmtDateTime, isNum } from "@/lib/format";
import type { TrainingRun } from "@/lib/types";

const IN_PROGRESS = new Set(["queued", "pending", "started", "running"]);

export function isRunning(run: TrainingRun | null | undefined): boolean {
  return Boolean(run) && IN_PROGRESS.has(String(run!.state).toLowerCase());
}

/** Progress percent as 0..1: the API reports 0..100. */
function fraction(run: TrainingRun): number | null {
  const pct = run.progress?.percent;
  return isNum(pct) ? pct / 100 : null;
}

export function TrainingRunView({ run }: { run: TrainingRun }) {
  const running = isRunning(run);
  const pct = fraction(run);
  return (
    <div className="space-y-2 text-sm" data-testid="training-run">
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={statusTone(run.state)} testId="training-state">
          {run.state}
        </Badge>
        <span className="text-xs text-[var(--muted)]">
          run {String(run.run_id)} · started {fmtDateTime(run.started_at)}
          {run.completed_at ? ` · finished ${fmtDateTime(run.completed_at)}` : ""}
        </span>
      </div>
      {running || pct !== null ? (
        <div>
          <div className="mb-1 flex justify-between text-xs text-[var(--muted)]">
            <span data-testid="training-stage">{run.progress?.stage ?? "waiting for a worker"}</span>
            <span data-testid="training-percent">{pct !== null ? `${Math.round(pct * 100)}%` : ""}</span>
          </div>
          <ProgressBar value={pct} label="Training progress" />
        </div>
      ) : null}
      {!running && run.latest_version && !run.error ? (
        <p data-testid="training-result">
          Produced <span className="font-mono font-semibold">{run.latest_version}</span>.
        </p>
      ) : null}
      {run.error ? (
        <p role="alert" className="text-[var(--bad)]" data-testid="training-error">
          {run.error}
        </p>
      ) : null}
    </div>
  );
}

/** Train button with live progress from GET /admin/train/status and the run's outcome. */
export function TrainPanel({ onFinished }: { onFinished: () => void }) {
  const [run, setRun] = useState<TrainingRun | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const following = useRef(false);
  const mounted = useRef(true);

  async function follow() {
    if (following.current) return;
    following.current = true;
    try {
      while (mounted.current) {
        await new Promise((resolve) => window.setTimeout(resolve, TRAIN_POLL_MS));
        if (!mounted.current) return;
        let current: TrainingRun | null;
        try {
          current = (await getTrainingStatus()).training;
        } catch (err) {
          setError(toApiError(err));
          continue;
        }
        setError(null);
        setRun(current);
        if (!isRunning(current)) {
          onFinished();
          return;
        }
      }
    } finally {
      following.current = false;
    }
  }

  useEffect(() => {
    mounted.current = true;
    getTrainingStatus()
      .then(({ training }) => {
        if (!mounted.current) return;
        setRun(training);
        if (isRunning(training)) void follow();
      })
      .catch((err: unknown) => mounted.current && setError(toApiError(err)));
    return () => {
      mounted.current = false;
    };
    // follow() reads only refs and stable setters; run once on mount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  async function onTrain() {
    setBusy(true);
    setError(null);
    try {
      const res = await startTraining();
      setRun(res.training);
      setNote(res.status === "already_running" ? "A run was already in progress; following it." : "Training started.");
      if (isRunning(res.training)) void follow();
      else onFinished();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  }

  const running = isRunning(run);
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          data-testid="train-button"
          onClick={onTrain}
          disabled={busy || running}
          className="rounded bg-[var(--accent)] px-3 py-2 text-sm font-semibold text-white disabled:opacity-60"
        >
          {running ? "Training…" : busy ? "Starting…" : "Train new version"}
        </button>
        {note ? <span className="text-xs text-[var(--muted)]">{note}</span> : null}
      </div>
      {error ? <ErrorState error={error} title="Training request failed" /> : null}
      {run && run.run_id !== null ? (
        <TrainingRunView run={run} />
      ) : (
        <p className="text-sm text-[var(--muted)]">No training run yet.</p>
      )}
    </div>
  );
}
