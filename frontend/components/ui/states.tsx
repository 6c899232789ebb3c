import type { ReactNode } from "react";

import type { ApiError } from "@/lib/api";

export function LoadingState({ label = "Loading…", lines = 3 }: { label?: string; lines?: number }) {
  return (
    <div role="status" aria-live="polite" className="space-y-2">
      <span className="sr-only">{label}</span>
      {Array.from({ length: lines }, (_, i) => (
        <div
          key={i}
          className="h-4 animate-pulse rounded bg-[var(--skeleton)]"
          style={{ width: `${90 - i * 15}%` }}
        />
      ))}
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return (
    <p data-testid="empty-state" className="rounded border border-dashed border-[var(--border)] p-4 text-sm text-[var(--muted)]">
      {children}
    </p>
  );
}

/** An API failure, readable, with the backend request id for support and a retry. */
export function ErrorState({
  error,
  onRetry,
  title = "Could not load this",
}: {
  error: ApiError | Error;
  onRetry?: () => void;
  title?: string;
}) {
  const apiError = error as Partial<ApiError>;
  return (
    <div role="alert" className="rounded border border-[var(--bad)] bg-[var(--bad-bg)] p-3 text-sm">
      <p className="font-semibold text-[var(--bad)]">{title}</p>
      <p className="mt-1 break-words">{error.message}</p>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-2 text-xs text-[var(--muted)]">
        {apiError.code ? (
          <>
            <dt>error</dt>
            <dd className="font-mono">
              {apiError.code}
              {apiError.status ? ` (HTTP ${apiError.status})` : ""}
            </dd>
          </>
        ) : null}
        {apiError.requestId ? (
          <>
            <dt>request_id</dt>
            <dd className="break-all font-mono" data-testid="error-request-id">
              {apiError.requestId}
            </dd>
          </>
        ) : null}
      </dl>
      {onRetry ? (
        <button
          type="button"
          onClick={onRetry}
          className="mt-2 rounded border border-[var(--border)] bg-[var(--panel)] px-2 py-1 text-xs font-medium hover:bg-[var(--hover)]"
        >
          Retry
        </button>
      ) : null}
    </div>
  );
}
