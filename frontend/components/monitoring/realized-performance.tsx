"use client";

import { useState } from "react";

import { LineSeriesChart, type ChartRow } from "@/components/charts";
import { Badge, statusTone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { LastUpdated } from "@/components/ui/last-updated";
import { Widget } from "@/components/ui/widget";
import { adminScore, getModels, getPerformance, toApiError } from "@/lib/api";
import { REFRESH_MS } from "@/lib/config";
import { fmtDate, fmtNum, fmtPct, humanize, isNum } from "@/lib/format";
import { metric, skill } from "@/lib/metrics";
import type {
  Interval,
  OutcomeSource,
  PerformancePoint,
  PerformanceReport,
  ReliabilityBin,
} from "@/lib/performance-types";
import { useApi } from "@/lib/use-api";
import { useSession } from "@/lib/use-session";

const WINDOWS = [
  { label: "All", days: undefined },
  { label: "90 d", days: 90 },
  { label: "30 d", days: 30 },
] as const;

/** Rolling skill and hit rate with their 90% intervals (null where the API computed none). */
export function rollingRows(series: PerformancePoint[]): ChartRow[] {
  return series.map((p) => ({
    date: p.date,
    skill: p.rolling_skill,
    skill_lo: p.rolling_skill_ci?.[0] ?? null,
    skill_hi: p.rolling_skill_ci?.[1] ?? null,
    hit_rate: p.rolling_hit_rate,
    hit_lo: p.rolling_hit_rate_ci?.[0] ?? null,
    hit_hi: p.rolling_hit_rate_ci?.[1] ?? null,
  }));
}

/** Reliability groups with the perfect-calibration diagonal for reference. */
export function reliabilityRows(bins: ReliabilityBin[]): ChartRow[] {
  return bins.map((b) => ({ p: Number(b.p_mean.toFixed(3)), observed: b.up_share, ideal: b.p_mean, n: b.n }));
}

function fmtInterval(ci: Interval, pct = false): string {
  if (!ci) return "—";
  const f = (v: number) => (pct ? fmtPct(v) : fmtNum(v, 4));
  return `${f(ci[0])} … ${f(ci[1])}`;
}

/** Live metrics next to what validation promised, one row per metric. */
export function LiveVsValidation({ report }: { report: PerformanceReport }) {
  const live = report.live;
  const val = report.validation;
  const rows: { label: string; live: string; validation: string }[] = [
    { label: "Outcomes (n)", live: String(live.n), validation: fmtNum(metric(val, "n"), 0) },
    {
      label: "Skill vs best baseline",
      live: `${fmtPct(live.skill)} (${humanize(live.skill_vs ?? "—")})`,
      validation: fmtPct(skill(val)),
    },
    {
      label: "Skill 90% interval",
      live: fmtInterval(live.skill_ci, true),
      validation: fmtInterval(val.skill_ci ?? null, true),
    },
    {
      label: "Hit rate",
      live: `${fmtPct(live.hit_rate)} (base ${fmtPct(live.base_rate)})`,
      validation: fmtPct(metric(val, "directional_accuracy")),
    },
    { label: "IC (Spearman)", live: fmtNum(live.ic, 3), validation: fmtNum(metric(val, "ic"), 3) },
    {
      label: "RMSE (zero / mean baseline)",
      live: `${fmtNum(live.rmse, 4)} (${fmtNum(live.rmse_zero, 4)} / ${fmtNum(live.rmse_mean, 4)})`,
      validation: fmtNum(metric(val, "rmse"), 4),
    },
    {
      label: "Brier (base-rate constant)",
      live: `${fmtNum(live.brier, 4)} (${fmtNum(live.brier_base_rate, 4)})`,
      validation: val.calibration
        ? `${fmtNum(val.calibration.brier, 4)} (${fmtNum(val.calibration.brier_base_rate, 4)})`
        : "—",
    },
    {
      label: "BUY / SELL hit rate",
      live: `${fmtPct(live.signals.BUY?.hit_rate)} / ${fmtPct(live.signals.SELL?.hit_rate)}`,
      validation: val.signals ? `${fmtPct(val.signals.BUY.hit_rate)} / ${fmtPct(val.signals.SELL.hit_rate)}` : "—",
    },
  ];
  return (
    <table className="w-full text-sm" data-testid="performance-table">
      <thead>
        <tr className="border-b border-[var(--border)] text-left text-xs text-[var(--muted)]">
          <th className="py-1 pr-2 font-medium">Metric</th>
          <th className="py-1 pr-2 text-right font-medium">Live</th>
          <th className="py-1 text-right font-medium">Validation</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.label} className="border-b border-[var(--border)] last:border-0">
            <td className="py-1 pr-2 text-xs">{r.label}</td>
            <td className="py-1 pr-2 text-right font-mono">{r.live}</td>
            <td className="py-1 text-right font-mono">{r.validation}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The body of the section for one report: status, counts, the table and three charts. */
export function PerformanceDetail({ report }: { report: PerformanceReport }) {
  const rows = rollingRows(report.series);
  return (
    <div className="space-y-4" data-testid="performance-detail">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <Badge tone={statusTone(report.status)} testId="performance-status">
          {humanize(report.status)}
        </Badge>
        <span className="text-xs text-[var(--muted)]" data-testid="performance-counts">
          {report.version} · {report.scored} scored · {report.pending} pending · {report.unscorable} unscorable ·
          horizon {report.horizon_days} trading days
          {report.live.first_date ? ` · ${fmtDate(report.live.first_date)} → ${fmtDate(report.live.last_date)}` : ""}
        </span>
      </div>
      <p className="text-xs text-[var(--muted)]">{report.status_reason}</p>
      <div className="grid gap-4 lg:grid-cols-2">
        <LiveVsValidation report={report} />
        <div>
          <p className="mb-1 text-xs text-[var(--muted)]">Reliability of probability_up (live)</p>
          <LineSeriesChart
            testId="performance-reliability-chart"
            data={reliabilityRows(report.live.reliability)}
            xKey="p"
            series={[
              { key: "observed", label: "Observed up share", color: "var(--chart-1)" },
              { key: "ideal", label: "Perfect calibration", color: "var(--muted)" },
            ]}
            xLabel="Mean predicted probability up"
            yLabel="Share up (0–1)"
            height={220}
          />
        </div>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <LineSeriesChart
          testId="performance-skill-chart"
          data={rows}
          xKey="date"
          xTickFormatter={(v) => fmtDate(String(v))}
          series={[
            { key: "skill", label: "Rolling skill", color: "var(--chart-4)" },
            { key: "skill_lo", label: "90% low", color: "var(--chart-2)" },
            { key: "skill_hi", label: "90% high", color: "var(--chart-2)" },
          ]}
          xLabel="Candle date"
          yLabel="Skill (ratio)"
          referenceY={{ value: 0, label: "baseline", color: "var(--muted)" }}
          dots={false}
          height={220}
        />
        <LineSeriesChart
          testId="performance-hit-chart"
          data={rows}
          xKey="date"
          xTickFormatter={(v) => fmtDate(String(v))}
          series={[
            { key: "hit_rate", label: "Rolling hit rate", color: "var(--chart-1)" },
            { key: "hit_lo", label: "90% low", color: "var(--chart-3)" },
            { key: "hit_hi", label: "90% high", color: "var(--chart-3)" },
          ]}
          xLabel="Candle date"
          yLabel="Hit rate (0–1)"
          referenceY={isNum(report.live.majority_rate) ? { value: report.live.majority_rate, label: "majority" } : undefined}
          dots={false}
          height={220}
        />
      </div>
    </div>
  );
}

const TOGGLE = "px-2 py-0.5";
const PRESSED = "bg-[var(--accent)] text-white";
const RELEASED = "hover:bg-[var(--hover)]";

/**
 * Monitoring's "Realized performance" section: the active version's live outcomes by default;
 * any version, and the outcomes of `manage.py replay` (a version judged on past days before it
 * is activated), on request.
 */
export function RealizedPerformanceSection() {
  const [days, setDays] = useState<number | undefined>(undefined);
  const [source, setSource] = useState<OutcomeSource>("live");
  const [version, setVersion] = useState<string>("");
  const versions = useApi("performance:versions", getModels, { refreshMs: REFRESH_MS });
  const { isOperator } = useSession();
  const [scoring, setScoring] = useState<string | null>(null);
  const scoreNow = async () => {
    setScoring("Scoring…");
    try {
      const res = await adminScore();
      setScoring(`Scored ${res.scored}, ${res.pending} pending, ${res.unscorable} unscorable.`);
      state.refresh();
    } catch (err) {
      setScoring(toApiError(err).message);
    }
  };
  const params = {
    ...(days ? { days } : {}),
    ...(source !== "live" ? { source } : {}),
    ...(version ? { version } : {}),
  };
  const state = useApi(`performance:${version}:${source}:${days ?? "all"}`, () => getPerformance(params), {
    refreshMs: REFRESH_MS,
  });
  return (
    <Card
      title="Realized performance"
      testId="card-performance"
      aside={
        <>
          <select
            aria-label="Version"
            data-testid="performance-version"
            value={version}
            onChange={(e) => setVersion(e.target.value)}
            className="rounded border border-[var(--border)] bg-[var(--panel)] px-1 py-0.5"
          >
            <option value="">Active version</option>
            {(versions.data?.available_versions ?? []).map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
          <div role="group" aria-label="Outcomes" className="flex overflow-hidden rounded border border-[var(--border)]">
            {(["live", "replay"] as const).map((s) => (
              <button
                key={s}
                type="button"
                aria-pressed={source === s}
                onClick={() => setSource(s)}
                className={`${TOGGLE} ${source === s ? PRESSED : RELEASED}`}
              >
                {s === "live" ? "Live" : "Replay"}
              </button>
            ))}
          </div>
          <div role="group" aria-label="Window" className="flex overflow-hidden rounded border border-[var(--border)]">
            {WINDOWS.map((w) => (
              <button
                key={w.label}
                type="button"
                aria-pressed={days === w.days}
                onClick={() => setDays(w.days)}
                className={`${TOGGLE} ${days === w.days ? PRESSED : RELEASED}`}
              >
                {w.label}
              </button>
            ))}
          </div>
          {isOperator ? (
            <button
              type="button"
              data-testid="score-now"
              onClick={scoreNow}
              className="rounded border border-[var(--accent)] px-2 py-0.5 text-xs font-semibold text-[var(--accent)] hover:bg-[var(--info-bg)]"
            >
              Score now
            </button>
          ) : null}
          <LastUpdated at={state.lastUpdated} everyMs={REFRESH_MS} onRefresh={state.refresh} />
        </>
      }
    >
      {scoring ? (
        <p className="mb-2 text-xs text-[var(--muted)]" data-testid="score-result">
          {scoring}
        </p>
      ) : null}
      <Widget
        state={state}
        loadingLines={6}
        isEmpty={(r) => r.live.n === 0}
        empty={
          state.data
            ? `No scored ${state.data.source} outcomes for ${state.data.version} yet (${state.data.pending} pending: a prediction is scored once its horizon of ${state.data.horizon_days} trading days has passed${state.data.source === "replay" ? "; run manage.py replay to judge a version on past days" : ""}).`
            : "No scored outcomes yet."
        }
      >
        {(report) => <PerformanceDetail report={report} />}
      </Widget>
    </Card>
  );
}
