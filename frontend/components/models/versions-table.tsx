"use client";

import Link from "next/link";

import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/states";
import { Term } from "@/components/ui/term";
import { fmtDate, fmtDateTime, fmtNum, fmtPct, fmtSkill, plural } from "@/lib/format";
import { metric, skill, summarizeWindow } from "@/lib/metrics";
import type { ModelSummary } from "@/lib/types";
import { useSession } from "@/lib/use-session";

/** Newest first by version number (v10 after v9), then by creation time. */
export function sortVersions(models: ModelSummary[]): ModelSummary[] {
  const num = (v: string) => Number.parseInt(v.replace(/^\D+/, ""), 10);
  return [...models].sort((a, b) => {
    const diff = (num(b.version) || 0) - (num(a.version) || 0);
    return diff !== 0 ? diff : a.created_at < b.created_at ? 1 : -1;
  });
}

/** The registry's versions; an operator gets an Activate button on each inactive row. */
export function VersionsTable({
  models,
  onActivate,
}: {
  models: ModelSummary[];
  onActivate?: (version: string) => void;
}) {
  const { isOperator } = useSession();
  if (!models.length) return <EmptyState>No model versions yet. Train one to fill the registry.</EmptyState>;
  const controls = isOperator && onActivate;
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[44rem] text-sm" data-testid="versions-table">
        <thead>
          <tr className="border-b border-[var(--border)] text-left text-xs text-[var(--muted)]">
            <th className="py-2 pr-2 font-medium">Version</th>
            <th className="py-2 pr-2 font-medium">Created</th>
            <th className="py-2 pr-2 text-right font-medium">Rows</th>
            <th className="py-2 pr-2 font-medium">Data window</th>
            <th className="py-2 pr-2 text-right font-medium">
              Val. <Term id="rmse" />
            </th>
            <th className="py-2 pr-2 text-right font-medium">
              <Term id="skill" />
            </th>
            <th className="py-2 pr-2 text-right font-medium">
              <Term id="directional_accuracy">Dir. acc.</Term>
            </th>
            <th className="py-2 pr-2 text-right font-medium">
              <Term id="ic" />
            </th>
            {controls ? <th className="py-2 font-medium">Action</th> : null}
          </tr>
        </thead>
        <tbody>
          {sortVersions(models).map((m) => {
            const win = summarizeWindow(m.dataset_window);
            const val = m.validation_metrics;
            return (
              <tr
                key={m.version}
                data-testid={`version-row-${m.version}`}
                className={`border-b border-[var(--border)] last:border-0 ${m.is_active ? "bg-[var(--good-bg)]" : ""}`}
              >
                <td className="py-2 pr-2 font-semibold">
                  <Link
                    href={`/model-management/${encodeURIComponent(m.version)}`}
                    data-testid={`version-link-${m.version}`}
                    className="mr-2 text-[var(--accent)] hover:underline"
                  >
                    {m.version}
                  </Link>
                  {typeof m.forecast_horizon === "string" ? (
                    <span className="mr-2 text-xs font-normal text-[var(--muted)]">{m.forecast_horizon}</span>
                  ) : null}
                  {m.is_active ? (
                    <Badge tone="good" testId="active-badge">
                      active
                    </Badge>
                  ) : null}
                </td>
                <td className="py-2 pr-2 text-xs">{fmtDateTime(m.created_at)}</td>
                <td className="py-2 pr-2 text-right font-mono">{win.rows ?? "—"}</td>
                <td className="py-2 pr-2 text-xs">
                  {fmtDate(win.first)} → {fmtDate(win.last)}
                  {win.symbols.length ? (
                    <span className="block text-[var(--muted)]">{plural(win.symbols.length, "symbol")}</span>
                  ) : null}
                </td>
                <td className="py-2 pr-2 text-right font-mono">{fmtNum(metric(val, "rmse"), 4)}</td>
                <td className="py-2 pr-2 text-right font-mono">{fmtSkill(skill(val))}</td>
                <td className="py-2 pr-2 text-right font-mono">{fmtPct(metric(val, "directional_accuracy"))}</td>
                <td className="py-2 pr-2 text-right font-mono">{fmtNum(metric(val, "ic"), 3)}</td>
                {controls ? (
                  <td className="py-2">
                    {m.is_active ? null : (
                      <button
                        type="button"
                        data-testid={`activate-${m.version}`}
                        onClick={() => onActivate(m.version)}
                        className="rounded border border-[var(--accent)] px-2 py-1 text-xs font-semibold text-[var(--accent)] hover:bg-[var(--info-bg)]"
                      >
                        Activate…
                      </button>
                    )}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
