"use client";

import { useState, type FormEvent } from "react";

import { ErrorState } from "@/components/ui/states";
import { ApiError, toApiError } from "@/lib/api";

export const MIN_REASON = 3;

/**
 * A control action guarded by a reason and an explicit confirmation: the first click asks, the
 * second (after a reason is typed) runs `action(reason)`.
 */
export function ReasonConfirm({
  title,
  confirmLabel,
  onConfirm,
  onCancel,
  onDone,
  testId,
}: {
  title: string;
  confirmLabel: string;
  onConfirm: (reason: string) => Promise<string>;
  onCancel: () => void;
  onDone: (message: string) => void;
  testId: string;
}) {
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const tooShort = reason.trim().length < MIN_REASON;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (tooShort) return;
    setBusy(true);
    setError(null);
    try {
      onDone(await onConfirm(reason.trim()));
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  }

  return (
    <form
      onSubmit={submit}
      data-testid={testId}
      aria-label={title}
      className="space-y-2 rounded-lg border border-[var(--warn)] bg-[var(--warn-bg)] p-3"
    >
      <p className="text-sm font-semibold">{title}</p>
      <label className="block text-sm">
        <span className="mb-1 block">Reason (recorded in the audit trail)</span>
        <textarea
          name="reason"
          rows={2}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          className="w-full rounded border border-[var(--border)] px-2 py-1"
        />
      </label>
      {error ? <ErrorState error={error} title="The action failed" /> : null}
      <div className="flex flex-wrap gap-2">
        <button
          type="submit"
          disabled={busy || tooShort}
          className="rounded bg-[var(--warn)] px-3 py-1.5 text-sm font-semibold text-white disabled:opacity-50"
        >
          {busy ? "Working…" : confirmLabel}
        </button>
        <button
          type="button"
          onClick={onCancel}
          disabled={busy}
          className="rounded border border-[var(--border)] bg-[var(--panel)] px-3 py-1.5 text-sm"
        >
          Cancel
        </button>
      </div>
      {tooShort ? <p className="text-xs text-[var(--muted)]">A reason of at least {MIN_REASON} characters is required.</p> : null}
    </form>
  );
}
