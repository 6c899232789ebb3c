"use client";

import { fmtTime } from "@/lib/format";

/** "Last updated 12:03:04 · every 15 s" with a manual refresh. */
export function LastUpdated({
  at,
  everyMs,
  onRefresh,
}: {
  at: Date | null;
  everyMs?: number;
  onRefresh?: () => void;
}) {
  return (
    <span className="flex items-center gap-2 text-xs text-[var(--muted)]" data-testid="last-updated">
      <span>
        Last updated <time dateTime={at?.toISOString()}>{at ? fmtTime(at) : "—"}</time>
        {everyMs ? ` · every ${Math.round(everyMs / 1000)} s` : ""}
      </span>
      {onRefresh ? (
        <button type="button" onClick={onRefresh} className="text-[var(--accent)] hover:underline">
          Refresh
        </button>
      ) : null}
    </span>
  );
}
