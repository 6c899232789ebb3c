"use client";

import { useState } from "react";

import { ReliabilityChart } from "@/components/charts";
import { Badge, type Tone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/states";
import { Widget } from "@/components/ui/widget";
import { getModel } from "@/lib/api";
import { fmtNum, fmtPct } from "@/lib/format";
import { baselineName, interval, intervalTone, metric } from "@/lib/metrics";
import type { ModelDetail, ModelSummary } from "@/lib/types";
import { useApi } from "@/lib/use-api";

import { sortVersions } from "./versions-table";

function signed(value: number | null | undefined, digits = 1): string {
  if (typeof value !== "number" || !Number.isFinite(value)) return "—";
  const pct = (value * 100).toFixed(digits);
  return `${value > 0 ? "+" : ""}${pct}%`.replace("-", "−");
}

function ciText(ci: [number, number] | null, fmt: (v: number) => string = (v) => signed(v)): string {
  return ci ? `90% CI ${fmt(ci[0])}…${fmt(ci[1])}` : "no interval stored";
}

const TONE_WORD: Record<string, string> = {
  good: "interval above zero",
  bad: "interval below zero",
  warn: "interval straddles zero",
  neutral: "no interval",
};

function Headline({ label, value, ci, tone, testId }: { label: string; value: string; ci: string; tone: Tone; testId: string }) {
  return (
    <div className="min-w-0 rounded border border-[var(--border)] p-2" data-testid={testId} data-tone={tone}>
      <div className="truncate text-xs text-[var(--muted)]">{label}</div>
      <div className="flex items-baseline gap-2">
        <span className="font-mono text-lg font-semibold">{value}</span>
        <Badge tone={tone}>{TONE_WORD[tone] ?? "no interval"}</Badge>
      </div>
      <div className="text-xs text-[var(--muted)]">{ci}</div>
    </div>
  );
}

/** The honest validation numbers of one version: skill vs the best baseline with intervals,
 * calibration (reliability plot), signals and data sanity. */
export function ValidationReportBody({ detail }: { detail: ModelDetail }) {
  const val = detail.validation_metrics;
  const skillCi = interval(val, "skill_ci");
  const icCi = interval(val, "ic_ci");
  const edgeCi = interval(val, "directional_edge_ci");
  const cal = val.calibration;
  const signals = val.signals;
  const summary = detail.dataset_summary;
  const skipped = Object.entries(summary.skipped_symbols);
  const quarantined = summary.quarantined_rows;
  const promotion = detail.promotion;
  const majority = val.baseline_majority;
  if (val.skill_zero === undefined && !cal) {
    return (
      <EmptyState>
        {detail.version} was trained before honest metrics: its skill is against the zero baseline only, and its
        probability_up is Φ(ŷ/σ), not calibrated.
      </EmptyState>
    );
  }
  return (
    <div className="space-y-4" data-testid="validation-report">
      {promotion?.reason ? (
        <p className="text-sm" data-testid="promotion-reason">
          <Badge tone={promotion.decision === "activated" ? "good" : "warn"}>{promotion.decision}</Badge>{" "}
          {promotion.reason}
        </p>
      ) : null}
      <div className="grid gap-2 sm:grid-cols-3">
        <Headline
          testId="headline-skill"
          label={`Skill vs the ${baselineName(val.skill_vs)}`}
          value={signed(val.skill as number | null)}
          ci={`${ciText(skillCi)} · vs zero ${signed(val.skill_zero)}, vs mean ${signed(val.skill_mean)}`}
          tone={intervalTone(skillCi)}
        />
        <Headline
          testId="headline-ic"
          label="IC (Spearman)"
          value={fmtNum(metric(val, "ic"), 3)}
          ci={ciText(icCi, (v) => v.toFixed(3))}
          tone={intervalTone(icCi)}
        />
        <Headline
          testId="headline-edge"
          label={`Directional edge vs always ${majority?.direction ?? "up"} (${fmtPct(majority?.directional_accuracy)})`}
          value={signed(val.directional_edge)}
          ci={ciText(edgeCi)}
          tone={intervalTone(edgeCi)}
        />
      </div>
      {cal ? (
        <div className="grid gap-4 lg:grid-cols-2">
          <div>
            <h3 className="mb-1 text-sm font-semibold">Reliability of probability_up (validation deciles)</h3>
            {cal.reliability.length ? (
              <ReliabilityChart points={cal.reliability} baseRate={cal.base_rate} testId="reliability-chart" />
            ) : (
              <EmptyState>No validation rows.</EmptyState>
            )}
          </div>
          <div className="space-y-2 text-sm">
            <table className="w-full" data-testid="calibration-table">
              <thead>
                <tr className="text-left text-xs text-[var(--muted)]">
                  <th className="py-1 font-medium">Score (lower is better)</th>
                  <th className="py-1 text-right font-medium">Model</th>
                  <th className="py-1 text-right font-medium">Base rate {fmtPct(cal.base_rate)}</th>
                </tr>
              </thead>
              <tbody className="font-mono">
                <tr>
                  <td className="py-1 font-sans">Brier</td>
                  <td className="py-1 text-right">{fmtNum(cal.brier, 4)}</td>
                  <td className="py-1 text-right">{fmtNum(cal.brier_base_rate, 4)}</td>
                </tr>
                <tr>
                  <td className="py-1 font-sans">Log loss</td>
                  <td className="py-1 text-right">{fmtNum(cal.log_loss, 4)}</td>
                  <td className="py-1 text-right">{fmtNum(cal.log_loss_base_rate, 4)}</td>
                </tr>
              </tbody>
            </table>
            {signals ? (
              <table className="w-full" data-testid="signals-table">
                <thead>
                  <tr className="text-left text-xs text-[var(--muted)]">
                    <th className="py-1 font-medium">Signal</th>
                    <th className="py-1 text-right font-medium">Share</th>
                    <th className="py-1 text-right font-medium">Hit rate</th>
                  </tr>
                </thead>
                <tbody className="font-mono">
                  {(["BUY", "SELL"] as const).map((name) => (
                    <tr key={name}>
                      <td className="py-1 font-sans">{name}</td>
                      <td className="py-1 text-right">{fmtPct(signals[name].share)}</td>
                      <td className="py-1 text-right">{fmtPct(signals[name].hit_rate)}</td>
                    </tr>
                  ))}
                  <tr>
                    <td className="py-1 font-sans">HOLD</td>
                    <td className="py-1 text-right">{fmtPct(signals.HOLD.share)}</td>
                    <td className="py-1 text-right">—</td>
                  </tr>
                </tbody>
              </table>
            ) : null}
            <p className="text-xs text-[var(--muted)]">
              BUY/SELL only when the calibrated P(up) is more than {fmtPct(signals?.margin ?? 0.05, 0)} from the base
              rate and the expected return beats the drift baseline; a BUY hit rate is worth comparing with the base
              rate, a SELL hit rate with 1 − base rate.
            </p>
          </div>
        </div>
      ) : null}
      <div className="text-sm" data-testid="data-sanity">
        <h3 className="mb-1 font-semibold">Data sanity</h3>
        {skipped.length === 0 && quarantined.length === 0 ? (
          <p className="text-xs text-[var(--muted)]">No symbol skipped, no row quarantined.</p>
        ) : (
          <ul className="list-disc space-y-1 pl-5 text-xs">
            {skipped.map(([symbol, reason]) => (
              <li key={`skip-${symbol}`}>
                <Badge tone="bad">skipped</Badge> {symbol}: {reason}
              </li>
            ))}
            {quarantined.map((q, i) => (
              <li key={`q-${i}`}>
                <Badge tone="warn">quarantined</Badge> {q.message ?? `${q.symbol} row ${q.row} (${q.date})`}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

/** Pick a version (default: the active one, else the newest) and show its validation report. */
export function ValidationReport({ models }: { models: ModelSummary[] }) {
  const sorted = sortVersions(models);
  const [picked, setPicked] = useState<string | null>(null);
  const fallback = sorted.find((m) => m.is_active) ?? sorted[0];
  const version = picked ?? fallback?.version ?? null;
  const detail = useApi(version ? `model:${version}` : null, () => getModel(version!));
  if (!version) return <EmptyState>No model versions yet.</EmptyState>;
  return (
    <div className="space-y-3">
      <label className="flex items-center gap-2 text-sm">
        <span className="text-[var(--muted)]">Version</span>
        <select
          data-testid="report-version"
          value={version}
          onChange={(e) => setPicked(e.target.value)}
          className="rounded border border-[var(--border)] bg-[var(--panel)] px-2 py-1"
        >
          {sorted.map((m) => (
            <option key={m.version} value={m.version}>
              {m.version}
              {m.is_active ? " (active)" : ""}
            </option>
          ))}
        </select>
      </label>
      <Widget state={detail}>{(data) => <ValidationReportBody detail={data} />}</Widget>
    </div>
  );
}
