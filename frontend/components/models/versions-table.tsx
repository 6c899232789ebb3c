"use client";

import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/states";
import { fmtDate, fmtDateTime, fmtNum, fmtPct } from "@/lib/format";
import { baselineName, interval, intervalTone, metric, skill, summarizeWindow } from "@/lib/metrics";
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
            <th className="py-2 pr-2 text-right font-medium">Val. RMSE</th>
            <th className="py-2 pr-2 text-right font-medium" title="Skill against the best of the zero and training-mean baselines, with its 90% interval">
              Skill (90% CI)
            </th>
            <th className="py-2 pr-2 text-right font-medium">Dir. acc.</th>
            <th className="py-2 pr-2 text-right font-medium">IC</th>
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
                  <span className="mr-2">{m.version}</span>
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
                    <span className="block text-[var(--muted)]">{win.symbols.length} symbols</span>
                  ) : null}
                </td>
                <td className="py-2 pr-2 text-right font-mono">{fmtNum(metric(val, "rmse"), 4)}</td>
                <SkillCell set={val} />
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

const TONE_TEXT = {
  good: "text-[var(--good)]",
  bad: "text-[var(--bad)]",
  warn: "text-[var(--warn)]",
  neutral: "",
} as const;

/** Skill vs the best baseline, coloured by its 90% interval (not by its sign). */
function SkillCell({ set }: { set: ModelSummary["validation_metrics"] }) {
  const ci = interval(set, "skill_ci");
  const tone = intervalTone(ci);
  return (
    <td
      className={`py-2 pr-2 text-right font-mono ${TONE_TEXT[tone]}`}
      data-testid="skill-cell"
      data-tone={tone}
      title={set?.skill_vs ? `vs the ${baselineName(set.skill_vs)}` : undefined}
    >
      {fmtPct(skill(set))}
      {ci ? (
        <span className="block text-xs">
          {fmtPct(ci[0])}…{fmtPct(ci[1])}
        </span>
      ) : null}
    </td>
  );
}
