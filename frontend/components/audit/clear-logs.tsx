"use client";

import { useState, type FormEvent } from "react";

import { ErrorState } from "@/components/ui/states";
import { ApiError, clearPredictionLogs, toApiError } from "@/lib/api";
import { plural } from "@/lib/format";

export const MIN_REASON = 3;

export type RangeChoice = "older_7d" | "older_30d" | "between" | "all";

export interface ClearRange {
  after?: string;
  before?: string;
}

/** `datetime-local` value (the operator's local time) to ISO 8601 UTC; "" stays undefined. */
function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The `after`/`before` bounds of a choice; `null` when a custom range is incomplete or empty. */
export function clearRange(choice: RangeChoice, from: string, to: string, now: Date = new Date()): ClearRange | null {
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
  switch (choice) {
    case "older_7d":
      return { before: daysAgo(7) };
    case "older_30d":
      return { before: daysAgo(30) };
    case "all":
      return {};
    case "between": {
      const after = localToIso(from);
      const before = localToIso(to);
      if (!after && !before) return null;
      if (after && before && after >= before) return null;
      return { after, before };
    }
  }
}

export function describeRange(range: ClearRange): string {
  if (range.after && range.before) return `logged between ${range.after} and ${range.before}`;
  if (range.before) return `logged before ${range.before}`;
  if (range.after) return `logged at or after ${range.after}`;
  return "every prediction log";
}

/** "Clear prediction logs": asks for a range and a reason; the backend audits both. */
export function ClearLogs({ onCleared }: { onCleared: () => void }) {
  const [open, setOpen] = useState(false);
  const [choice, setChoice] = useState<RangeChoice>("older_30d");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const range = clearRange(choice, from, to);
  const ready = range !== null && reason.trim().length >= MIN_REASON;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!ready || !range) return;
    setBusy(true);
    setError(null);
    try {
      const res = await clearPredictionLogs({ ...range, reason: reason.trim() });
      setMessage(`Deleted ${plural(res.deleted, "prediction log row")} ${describeRange(range)} (recorded in the audit trail).`);
      setOpen(false);
      setReason("");
      onCleared();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="space-y-2 text-sm">
      <p className="text-[var(--muted)]">Clears prediction logs only. Audit events are never deletable.</p>
      {open ? (
        <form onSubmit={submit} className="space-y-2 rounded border border-[var(--bad)] p-3" data-testid="clear-logs-form" aria-label="Clear prediction logs">
          <fieldset className="space-y-1">
            <legend className="font-medium">Which logs</legend>
            {(
              [
                ["older_30d", "Older than 30 days"],
                ["older_7d", "Older than 7 days"],
                ["between", "Logged between…"],
                ["all", "All prediction logs"],
              ] as const
            ).map(([value, label]) => (
              <label key={value} className="flex items-center gap-2">
                <input type="radio" name="clear-range" value={value} checked={choice === value} onChange={() => setChoice(value)} />
                {label}
              </label>
            ))}
          </fieldset>
          {choice === "between" ? (
            <div className="flex flex-wrap gap-2">
              <label className="block">
                <span className="mb-1 block text-xs text-[var(--muted)]">From (your time)</span>
                <input type="datetime-local" name="clear-after" value={from} onChange={(e) => setFrom(e.target.value)} className="rounded border border-[var(--border)] px-2 py-1" />
              </label>
              <label className="block">
                <span className="mb-1 block text-xs text-[var(--muted)]">To (your time)</span>
                <input type="datetime-local" name="clear-before" value={to} onChange={(e) => setTo(e.target.value)} className="rounded border border-[var(--border)] px-2 py-1" />
              </label>
              {range === null ? <p className="w-full text-xs text-[var(--bad)]">Give a start, an end, or both, with the start first.</p> : null}
            </div>
          ) : null}
          <label className="block">
            <span className="mb-1 block font-medium">Reason (recorded in the audit trail)</span>
            <textarea
              name="clear-reason"
              rows={2}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              className="w-full rounded border border-[var(--border)] px-2 py-1"
            />
          </label>
          <div className="flex flex-wrap gap-2">
            <button
              type="submit"
              disabled={!ready || busy}
              data-testid="clear-logs-confirm"
              className="rounded bg-[var(--bad)] px-3 py-1.5 font-semibold text-white disabled:opacity-60"
            >
              {busy ? "Clearing…" : choice === "all" ? "Delete all prediction logs" : "Delete these prediction logs"}
            </button>
            <button type="button" onClick={() => setOpen(false)} className="rounded border border-[var(--border)] px-3 py-1.5">
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <button
          type="button"
          data-testid="clear-logs-button"
          onClick={() => {
            setOpen(true);
            setMessage(null);
          }}
          className="rounded border border-[var(--bad)] px-3 py-1.5 font-semibold text-[var(--bad)]"
        >
          Clear prediction logs…
        </button>
      )}
      {message ? <p role="status">{message}</p> : null}
      {error ? <ErrorState error={error} title="Clearing failed" /> : null}
    </div>
  );
}
