"use client";

import Link from "next/link";

import { Badge, type Tone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/states";
import { Term } from "@/components/ui/term";
import { fmtDate, fmtDateTime, fmtNum, fmtPct, fmtSkill, plural } from "@/lib/format";
import { baselineName, interval, intervalTone, metric, skill, summarizeWindow } from "@/lib/metrics";
import type { ModelStatus, ModelSummary } from "@/lib/types";
import { useSession } from "@/lib/use-session";

/** Newest first by version number (v10 after v9), then by creation time. */
export function sortVersions(models: ModelSummary[]): ModelSummary[] {
  const num = (v: string) => Number.parseInt(v.replace(/^\D+/, ""), 10);
  return [...models].sort((a, b) => {
    const diff = (num(b.version) || 0) - (num(a.version) || 0);
    return diff !== 0 ? diff : a.created_at < b.created_at ? 1 : -1;
  });
}

const STATUS_TONE: Record<ModelStatus, Tone> = { ready: "good", held: "neutral", missing: "bad", corrupt: "bad" };
const STATUS_HELP: Record<ModelStatus, string> = {
  ready: "Artifacts present and verified.",
  held: "Artifacts fine; the activation policy held it back (it can still be activated).",
  missing: "An artifact is missing from storage: it cannot be served or activated.",
  corrupt: "An artifact fails its SHA-256: it cannot be served or activated.",
};

/** Artifact / promotion status as a badge; the detail (which file) in its tooltip. */
export function VersionStatusBadge({ model }: { model: ModelSummary }) {
  const status = model.status;
  if (!status) return <span className="text-[var(--muted)]">—</span>;
  const help = [STATUS_HELP[status], model.status_detail, status === "held" ? model.promotion?.reason : ""]
    .filter(Boolean)
    .join(" ");
  return (
    <span title={help} aria-label={`${status}: ${help}`}>
      <Badge tone={STATUS_TONE[status] ?? "neutral"} testId={`status-${model.version}`}>
        {status}
      </Badge>
    </span>
  );
}

export function unavailable(model: ModelSummary): boolean {
  return model.status === "missing" || model.status === "corrupt";
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
      <table className="w-full min-w-[52rem] text-sm" data-testid="versions-table">
        <thead>
          <tr className="border-b border-[var(--border)] text-left text-xs text-[var(--muted)]">
            <th className="py-2 pr-2 font-medium">Version</th>
            <th className="py-2 pr-2 font-medium">Status</th>
            <th className="py-2 pr-2 text-right font-medium">Horizon</th>
            <th className="py-2 pr-2 font-medium">Created</th>
            <th className="py-2 pr-2 text-right font-medium">Rows</th>
            <th className="py-2 pr-2 font-medium">Data window</th>
            <th className="py-2 pr-2 text-right font-medium">
              Val. <Term id="rmse" />
            </th>
            <th className="py-2 pr-2 text-right font-medium">
              <Term id="skill" /> (90% CI)
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
                <td className="py-2 pr-2">
                  <VersionStatusBadge model={m} />
                </td>
                <td className="py-2 pr-2 text-right font-mono" data-testid={`horizon-${m.version}`}>
                  {typeof m.horizon === "number" ? `${m.horizon} d` : "—"}
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
                        disabled={unavailable(m)}
                        title={unavailable(m) ? `${m.version} is ${m.status}: ${m.status_detail ?? ""}` : undefined}
                        className="rounded border border-[var(--accent)] px-2 py-1 text-xs font-semibold text-[var(--accent)] hover:bg-[var(--info-bg)] disabled:cursor-not-allowed disabled:opacity-50"
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
      {fmtSkill(skill(set))}
      {ci ? (
        <span className="block text-xs">
          {fmtSkill(ci[0])}…{fmtSkill(ci[1])}
        </span>
      ) : null}
    </td>
  );
}
