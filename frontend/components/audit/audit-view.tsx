"use client";

import { useState } from "react";

import { SignInHint } from "@/components/auth/sign-in-hint";
import { Badge, statusTone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { LastUpdated } from "@/components/ui/last-updated";
import { Widget } from "@/components/ui/widget";
import { getAudit } from "@/lib/api";
import { REFRESH_MS } from "@/lib/config";
import { fmtDateTime } from "@/lib/format";
import type { AuditEvent } from "@/lib/types";
import { useApi } from "@/lib/use-api";
import { useSession } from "@/lib/use-session";

import { ClearLogs } from "./clear-logs";

const LIMITS = [50, 100, 200, 500];

function detailsText(details: AuditEvent["details"]): string {
  return Object.keys(details).length ? JSON.stringify(details) : "";
}

export const OUTCOMES = ["success", "denied", "failed"] as const;

export interface AuditFilters {
  limit: number;
  action: string;
  actor: string;
  outcome: string;
}

export function AuditTable({ events }: { events: AuditEvent[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[48rem] text-sm" data-testid="audit-table">
        <thead>
          <tr className="border-b border-[var(--border)] text-left text-xs text-[var(--muted)]">
            <th className="py-1 pr-2 font-medium">Time</th>
            <th className="py-1 pr-2 font-medium">Actor</th>
            <th className="py-1 pr-2 font-medium">Action</th>
            <th className="py-1 pr-2 font-medium">Target</th>
            <th className="py-1 pr-2 font-medium">Outcome</th>
            <th className="py-1 pr-2 font-medium">Details</th>
            <th className="py-1 font-medium">request_id</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e, i) => (
            <tr key={`${e.timestamp}-${e.request_id}-${i}`} className="border-b border-[var(--border)] align-top last:border-0">
              <td className="whitespace-nowrap py-1 pr-2 text-xs">{fmtDateTime(e.timestamp)}</td>
              <td className="py-1 pr-2">
                {e.actor} <span className="text-xs text-[var(--muted)]">({e.actor_type})</span>
              </td>
              <td className="py-1 pr-2 font-mono text-xs">{e.action}</td>
              <td className="py-1 pr-2 font-mono text-xs">{e.target}</td>
              <td className="py-1 pr-2">
                <Badge tone={statusTone(e.outcome)}>{e.outcome}</Badge>
              </td>
              <td className="max-w-[20rem] break-words py-1 pr-2 font-mono text-xs text-[var(--muted)]">
                {detailsText(e.details)}
              </td>
              <td className="break-all py-1 font-mono text-xs text-[var(--muted)]">{e.request_id}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AuditView() {
  const { isOperator } = useSession();
  const [draft, setDraft] = useState<AuditFilters>({ limit: 100, action: "", actor: "", outcome: "" });
  const [applied, setApplied] = useState<AuditFilters>(draft);
  const state = useApi(
    isOperator ? `audit:${JSON.stringify(applied)}` : null,
    () =>
      getAudit({
        limit: applied.limit,
        action: applied.action || undefined,
        actor: applied.actor || undefined,
        outcome: applied.outcome || undefined,
      }),
    { refreshMs: REFRESH_MS },
  );

  if (!isOperator) {
    return (
      <Card title="Audit trail">
        <SignInHint action="read the audit trail" />
      </Card>
    );
  }

  const set = (patch: Partial<AuditFilters>) => setDraft((d) => ({ ...d, ...patch }));
  return (
    <div className="space-y-4">
      <Card
        title="Audit trail"
        testId="card-audit"
        aside={<LastUpdated at={state.lastUpdated} everyMs={REFRESH_MS} onRefresh={state.refresh} />}
      >
        <form
          className="mb-4 flex flex-wrap items-end gap-3 text-sm"
          aria-label="Audit filters"
          onSubmit={(e) => {
            e.preventDefault();
            setApplied({ ...draft, action: draft.action.trim(), actor: draft.actor.trim() });
          }}
        >
          <label className="block">
            <span className="mb-1 block text-xs font-medium text-[var(--muted)]">Action</span>
            <input
              name="action"
              value={draft.action}
              onChange={(e) => set({ action: e.target.value })}
              placeholder="model.activate"
              className="w-44 rounded border border-[var(--border)] px-2 py-1 font-mono"
            />
          </label>
          <label className="block">
            <span className="mb-1 block text-xs font-medium text-[var(--muted)]">Actor</span>
            <input
              name="actor"
              value={draft.actor}
              onChange={(e) => set({ actor: e.target.value })}
              className="w-36 rounded border border-[var(--border)] px-2 py-1"
            />
          </label>
          <label className="block">
            <span className="mb-1 block text-xs font-medium text-[var(--muted)]">Outcome</span>
            <select
              name="outcome"
              value={draft.outcome}
              onChange={(e) => set({ outcome: e.target.value })}
              className="rounded border border-[var(--border)] px-2 py-1"
            >
              <option value="">All</option>
              {OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          </label>
          <label className="block">
            <span className="mb-1 block text-xs font-medium text-[var(--muted)]">Limit</span>
            <select
              name="limit"
              value={draft.limit}
              onChange={(e) => set({ limit: Number(e.target.value) })}
              className="rounded border border-[var(--border)] px-2 py-1"
            >
              {LIMITS.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="rounded bg-[var(--accent)] px-3 py-1.5 font-semibold text-white">
            Apply
          </button>
        </form>
        <Widget state={state} isEmpty={(d) => !d.events.length} empty="No audit events match these filters." loadingLines={6}>
          {(data) => <AuditTable events={data.events} />}
        </Widget>
      </Card>
      <Card title="Prediction logs">
        <ClearLogs onCleared={state.refresh} />
      </Card>
    </div>
  );
}
