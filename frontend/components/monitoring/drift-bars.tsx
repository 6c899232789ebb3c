"use client";

import { BarSeriesChart, type ChartRow } from "@/components/charts";
import { Badge, statusTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/states";
import { Term } from "@/components/ui/term";
import { fmtNum, fmtPct, fmtPValue, humanize, isNum } from "@/lib/format";
import type { DriftReport } from "@/lib/types";

import { driftWindowText, falseAlarmText } from "./drift-summary";

/** PSI at or above this is a significant shift (the backend's `psi_band` "significant"). */
export const DEFAULT_PSI_THRESHOLD = 0.25;

/** The PSI band edge the backend uses for "significant" (it does not send it per report). */
export function psiThreshold(): number {
  return DEFAULT_PSI_THRESHOLD;
}

/** PSI at or above this is a moderate shift. */
export const PSI_MODERATE = 0.1;

const color = (drift: unknown) => (drift ? "var(--bad)" : "var(--good)");

/** The KS statistic as a multiple of its threshold (1 = at the limit), when both are known. */
export function statisticRatio(d: { statistic?: unknown; threshold_statistic?: unknown }): number | null {
  return isNum(d.statistic) && isNum(d.threshold_statistic) && d.threshold_statistic > 0
    ? d.statistic / d.threshold_statistic
    : null;
}

/** Bars are capped here: p = 1e-300 and p = 1e-20 both mean "certainly drifted". */
export const NEG_LOG_P_CAP = 20;

/** −log10 p, capped at NEG_LOG_P_CAP (p = 0 included); null without a p-value. */
export function negLog10P(p: unknown): number | null {
  if (!isNum(p) || p < 0) return null;
  if (p <= 10 ** -NEG_LOG_P_CAP) return NEG_LOG_P_CAP;
  return Math.min(NEG_LOG_P_CAP, 0 - Math.log10(p));
}

/** Per-feature drift: each KS statistic against its calibrated threshold, PSI bars, and the
 * evidence in a table; the header states the window (distinct rows) and the false-alarm rate. */
export function DriftBars({ report }: { report: DriftReport }) {
  const features = Object.entries(report.details ?? {});
  const psiLimit = psiThreshold();
  const calibrated = report.calibration === "empirical";
  const header = (
    <div className="space-y-1 text-sm">
      <div className="flex flex-wrap items-center gap-3">
        <Badge tone={statusTone(report.status)} testId="drift-status">
          {humanize(report.status)}
        </Badge>
        <span className="text-[var(--muted)]" data-testid="drift-window">
          {report.method} · {driftWindowText(report)} · <Term id="drift_share" /> {fmtPct(report.drift_share)}
        </span>
      </div>
      <p className="text-xs text-[var(--muted)]" data-testid="drift-false-alarm">
        {calibrated
          ? `Each feature's KS statistic is held to a threshold calibrated on windows of the training period; ${falseAlarmText(report)}.`
          : `p-value threshold ${fmtNum(report.threshold, 3)}; ${falseAlarmText(report)}.`}
      </p>
    </div>
  );
  if (!features.length) {
    return (
      <div className="space-y-3">
        {header}
        <EmptyState>
          {report.status === "no_model"
            ? "No active model, so there is no training reference to compare with."
            : "Not enough served feature vectors yet to test for drift."}
          {typeof report.reason === "string" ? ` (${report.reason})` : ""}
          {typeof report.hint === "string" ? ` Hint: ${report.hint}.` : ""}
        </EmptyState>
      </div>
    );
  }
  const rows: ChartRow[] = features.map(([name, d]) => ({
    feature: name,
    p_value: isNum(d.p_value) ? d.p_value : null,
    ratio: statisticRatio(d),
    neg_log_p: negLog10P(d.p_value),
    psi: isNum(d.psi) ? d.psi : null,
    drift: d.drift ? 1 : 0,
  }));
  const hasThresholds = rows.some((row) => isNum(row.ratio));
  return (
    <div className="space-y-4">
      {header}
      <div className="grid gap-4 xl:grid-cols-2">
        {hasThresholds ? (
          <div>
            <h3 className="mb-1 text-xs font-semibold text-[var(--muted)]">
              KS statistic ÷ {calibrated ? "calibrated " : ""}threshold (above 1 = drift)
            </h3>
            <BarSeriesChart
              testId="drift-statistic-chart"
              data={rows}
              categoryKey="feature"
              categoryLabel="Feature"
              valueKey="ratio"
              valueLabel="statistic / threshold"
              threshold={{ value: 1, label: "threshold" }}
              colorFor={(row) => color(row.drift)}
            />
          </div>
        ) : (
          <div>
            <h3 className="mb-1 text-xs font-semibold text-[var(--muted)]">
              <Term id="ks">KS test</Term>: −log10 p (right of the line = drift; capped at {NEG_LOG_P_CAP})
            </h3>
            <BarSeriesChart
              testId="drift-pvalue-chart"
              data={rows}
              categoryKey="feature"
              categoryLabel="Feature"
              valueKey="neg_log_p"
              valueLabel="−log10 p"
              threshold={{ value: negLog10P(report.threshold) ?? 0, label: `p = ${report.threshold}` }}
              colorFor={(row) => color(row.drift)}
              tooltipFormatter={(row) => `p ${fmtPValue(row.p_value)}`}
            />
          </div>
        )}
        <div>
          <h3 className="mb-1 text-xs font-semibold text-[var(--muted)]">
            <Term id="psi" /> (right of the line = significant shift)
          </h3>
          <BarSeriesChart
            testId="drift-psi-chart"
            data={rows}
            categoryKey="feature"
            categoryLabel="Feature"
            valueKey="psi"
            valueLabel="PSI"
            threshold={{ value: psiLimit, label: `PSI ${psiLimit}` }}
            colorFor={(row) =>
              isNum(row.psi) && row.psi >= psiLimit
                ? "var(--bad)"
                : isNum(row.psi) && row.psi >= PSI_MODERATE
                  ? "var(--warn)"
                  : "var(--good)"
            }
          />
        </div>
      </div>
      <div className="overflow-x-auto">
        <table className="w-full min-w-[32rem] text-sm" data-testid="drift-table">
          <thead>
            <tr className="border-b border-[var(--border)] text-left text-xs text-[var(--muted)]">
              <th className="py-1 pr-2 font-medium">Feature</th>
              <th className="py-1 pr-2 text-right font-medium">
                <Term id="ks">KS statistic</Term>
              </th>
              <th className="py-1 pr-2 text-right font-medium">Threshold</th>
              <th className="py-1 pr-2 text-right font-medium">p-value</th>
              <th className="py-1 pr-2 text-right font-medium">
                <Term id="psi" />
              </th>
              <th className="py-1 pr-2 text-right font-medium">Mean shift</th>
              <th className="py-1 pr-2 text-right font-medium">Rows (effective)</th>
              <th className="py-1 font-medium">Status</th>
            </tr>
          </thead>
          <tbody>
            {features.map(([name, d]) => (
              <tr key={name} data-testid={`drift-row-${name}`} className="border-b border-[var(--border)] last:border-0">
                <td className="py-1 pr-2 font-mono text-xs">{name}</td>
                <td className="py-1 pr-2 text-right font-mono">{fmtNum(d.statistic, 3)}</td>
                <td className="py-1 pr-2 text-right font-mono">{fmtNum(d.threshold_statistic, 3)}</td>
                <td className="py-1 pr-2 text-right font-mono">{fmtPValue(d.p_value)}</td>
                <td className="py-1 pr-2 text-right font-mono">
                  {fmtNum(d.psi, 4)}
                  {typeof d.psi_band === "string" ? (
                    <span className="ml-1 text-xs text-[var(--muted)]">{d.psi_band}</span>
                  ) : null}
                </td>
                <td className="py-1 pr-2 text-right font-mono">{fmtNum(d.mean_shift, 3)}</td>
                <td className="py-1 pr-2 text-right font-mono">
                  {d.samples ?? "—"}
                  {isNum(d.effective_rows) ? (
                    <span className="ml-1 text-xs text-[var(--muted)]">({fmtNum(d.effective_rows, 0)})</span>
                  ) : null}
                </td>
                <td className="py-1">
                  <Badge tone={d.drift ? "bad" : "good"}>{d.drift ? "drift" : "ok"}</Badge>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
