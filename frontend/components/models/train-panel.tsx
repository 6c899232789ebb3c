"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";

import { Badge, statusTone } from "@/components/ui/badge";
import { ProgressBar } from "@/components/ui/progress";
import { ErrorState } from "@/components/ui/states";
import { ApiError, getTrainingStatus, startTraining, toApiError } from "@/lib/api";
import { TRAIN_POLL_MS } from "@/lib/config";
import { fmtDateTime, isNum } from "@/lib/format";
import type { TrainingRun, TrainOptions, TrainPolicy } from "@/lib/types";
import { parseSymbolList, SYMBOL_PATTERN } from "@/lib/validation";

const IN_PROGRESS = new Set(["queued", "pending", "started", "running"]);

export function isRunning(run: TrainingRun | null | undefined): boolean {
  return Boolean(run) && IN_PROGRESS.has(String(run!.state).toLowerCase());
}

/** "v5 registered, not activated: <reason>" (the words the CLI and the admin use), or null. */
export function decisionText(run: TrainingRun): string | null {
  const version = run.latest_version;
  const promotion = run.promotion;
  if (!version || !promotion) return null;
  const verb = promotion.decision === "activated" ? "registered and activated" : "registered, not activated";
  return `${version} ${verb}: ${promotion.reason}`;
}

export interface TrainForm {
  symbols: string;
  lookback: string;
  horizon: string;
  policy: "" | TrainPolicy;
}

const EMPTY_FORM: TrainForm = { symbols: "", lookback: "", horizon: "", policy: "" };

/** The request body for a filled form, or an error message naming the bad field. */
export function trainOptions(form: TrainForm): { options: TrainOptions } | { error: string } {
  const options: TrainOptions = { origin: "dashboard" };
  const symbols = parseSymbolList(form.symbols);
  const bad = symbols.filter((s) => !SYMBOL_PATTERN.test(s));
  if (bad.length) return { error: `Invalid symbol(s): ${bad.slice(0, 5).join(", ")}` };
  if (symbols.length) options.symbols = symbols;
  for (const [key, min, max] of [
    ["lookback", 60, 100000],
    ["horizon", 1, 252],
  ] as const) {
    const raw = form[key].trim();
    if (!raw) continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      return { error: `${key === "lookback" ? "Lookback" : "Horizon"} must be a whole number from ${min} to ${max}.` };
    }
    options[key] = value;
  }
  if (form.policy) options.policy = form.policy;
  return { options };
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
    <div className="space-y-2 text-sm" data-testid="training-run" data-run-id={String(run.run_id)}>
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
        <p
          data-testid="training-result"
          className={run.promotion?.decision === "held" ? "text-[var(--warn)]" : undefined}
        >
          {decisionText(run) ?? (
            <>
              Latest version <span className="font-mono font-semibold">{run.latest_version}</span>.
            </>
          )}
        </p>
      ) : null}
      {run.origin ? <p className="text-xs text-[var(--muted)]">started from {run.origin}</p> : null}
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
  const [form, setForm] = useState<TrainForm>(EMPTY_FORM);
  const [formError, setFormError] = useState<string | null>(null);
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

  async function onTrain(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = trainOptions(form);
    if ("error" in parsed) {
      setFormError(parsed.error);
      return;
    }
    setFormError(null);
    setBusy(true);
    setError(null);
    try {
      const res = await startTraining(parsed.options);
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
  const field = "w-full rounded border border-[var(--border)] px-2 py-1 text-sm";
  const set = (key: keyof TrainForm) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));
  return (
    <div className="space-y-3">
      <form onSubmit={onTrain} aria-label="Training options" data-testid="train-form" className="space-y-2">
        <div className="grid grid-cols-2 gap-2 sm:grid-cols-4">
          <label className="col-span-2 block text-xs">
            <span className="mb-1 block text-[var(--muted)]">Symbols (empty: the configured set)</span>
            <input name="symbols" value={form.symbols} onChange={set("symbols")} placeholder="AAPL, MSFT" className={field} />
          </label>
          <label className="block text-xs">
            <span className="mb-1 block text-[var(--muted)]">Lookback (candles)</span>
            <input name="lookback" inputMode="numeric" value={form.lookback} onChange={set("lookback")} placeholder="default" className={field} />
          </label>
          <label className="block text-xs">
            <span className="mb-1 block text-[var(--muted)]">Horizon (days)</span>
            <input name="horizon" inputMode="numeric" value={form.horizon} onChange={set("horizon")} placeholder="default" className={field} />
          </label>
          <label className="col-span-2 block text-xs">
            <span className="mb-1 block text-[var(--muted)]">Activation policy</span>
            <select name="policy" value={form.policy} onChange={set("policy")} className={field}>
              <option value="">default (server setting)</option>
              <option value="if_better">if_better: activate when it beats the active version</option>
              <option value="always">always: activate the new version</option>
              <option value="never">never: register only</option>
            </select>
          </label>
        </div>
        {formError ? (
          <p role="alert" className="text-xs text-[var(--bad)]" data-testid="train-form-error">
            {formError}
          </p>
        ) : null}
        <div className="flex flex-wrap items-center gap-3">
          <button
            type="submit"
            data-testid="train-button"
            disabled={busy || running}
            className="rounded bg-[var(--accent)] px-3 py-2 text-sm font-semibold text-white disabled:opacity-60"
          >
            {running ? "Training…" : busy ? "Starting…" : "Train new version"}
          </button>
          {note ? <span className="text-xs text-[var(--muted)]">{note}</span> : null}
        </div>
      </form>
      {error ? <ErrorState error={error} title="Training request failed" /> : null}
      {run && run.run_id !== null ? (
        <TrainingRunView run={run} />
      ) : (
        <p className="text-sm text-[var(--muted)]">No training run yet.</p>
      )}
    </div>
  );
}
