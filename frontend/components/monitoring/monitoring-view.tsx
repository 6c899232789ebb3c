"use client";

import { useState } from "react";

import { LineSeriesChart, type ChartRow } from "@/components/charts";
import { FreshnessCard } from "@/components/overview/freshness-card";
import { Card } from "@/components/ui/card";
import { LastUpdated } from "@/components/ui/last-updated";
import { Widget } from "@/components/ui/widget";
import { getDrift, getDriftHistory, getLatency, getModels, getTrainingHistory } from "@/lib/api";
import { REFRESH_MS } from "@/lib/config";
import { fmtDateTime, fmtMs, fmtSkill, fmtTime, humanize, isNum, plural } from "@/lib/format";
import { sourceName } from "@/lib/glossary";
import { metric, skill } from "@/lib/metrics";
import type { DriftSnapshot, LatencyPoint, TrainingHistoryRun } from "@/lib/types";
import { useApi } from "@/lib/use-api";

import { DriftBars } from "./drift-bars";
import { RealizedPerformanceSection } from "./realized-performance";
import { RequestsCard } from "./requests-card";

const SOURCE_COLORS = ["var(--chart-1)", "var(--chart-2)", "var(--chart-4)", "var(--chart-5)"];

/** One row per snapshot time, one column per source (serving, market, ...). */
export function pivotDriftHistory(snapshots: DriftSnapshot[]): { rows: ChartRow[]; sources: string[] } {
  const sources = [...new Set(snapshots.map((s) => s.source || "serving"))];
  const rows = [...snapshots]
    .sort((a, b) => (a.timestamp < b.timestamp ? -1 : 1))
    .map((s): ChartRow => ({ timestamp: s.timestamp, t: Date.parse(s.timestamp), [s.source || "serving"]: s.drift_share }));
  return { rows, sources };
}

export function latencyRows(series: LatencyPoint[]): ChartRow[] {
  return [...series]
    .sort((a, b) => (a.minute < b.minute ? -1 : 1))
    .map((p) => ({ t: Date.parse(p.minute), p50: p.p50_ms, p95: p.p95_ms, p99: p.p99_ms, avg: p.avg_ms, count: p.count }));
}

function versionNumber(v: string): number {
  return Number.parseInt(v.replace(/^\D+/, ""), 10) || 0;
}

/**
 * Chart rows of the training history. With `horizons` (version -> "5d") covering more than one
 * horizon, each version is labelled with its horizon: their errors are not on one scale.
 */
export function trainingRows(runs: TrainingHistoryRun[], horizons: Record<string, string> = {}): ChartRow[] {
  const mixed = new Set(Object.values(horizons)).size > 1;
  return [...runs]
    .sort((a, b) => versionNumber(a.version) - versionNumber(b.version))
    .map((r) => ({
      version: mixed && horizons[r.version] ? `${r.version} · ${horizons[r.version]}` : r.version,
      rmse: metric(r.validation_metrics, "rmse"),
      skill: skill(r.validation_metrics),
    }));
}

function DriftCard() {
  const [source, setSource] = useState<"serving" | "market">("serving");
  const state = useApi(`drift:${source}`, () => getDrift(source === "market" ? "market" : undefined), {
    refreshMs: REFRESH_MS,
  });
  return (
    <Card
      title="Drift per feature"
      id="drift"
      testId="card-drift-detail"
      aside={
        <>
          <div role="group" aria-label="Drift source" className="flex overflow-hidden rounded border border-[var(--border)]">
            {(["serving", "market"] as const).map((s) => (
              <button
                key={s}
                type="button"
                aria-pressed={source === s}
                onClick={() => setSource(s)}
                className={`px-2 py-0.5 ${source === s ? "bg-[var(--accent)] text-white" : "hover:bg-[var(--hover)]"}`}
              >
                {s === "serving" ? "Served traffic" : "Market data"}
              </button>
            ))}
          </div>
          <LastUpdated at={state.lastUpdated} everyMs={REFRESH_MS} onRefresh={state.refresh} />
        </>
      }
    >
      <Widget state={state} loadingLines={6}>
        {(report) => <DriftBars report={report} />}
      </Widget>
    </Card>
  );
}

function DriftHistoryCard() {
  const state = useApi("drift-history", getDriftHistory, { refreshMs: REFRESH_MS });
  return (
    <Card title="Drift history" id="drift-history" testId="card-drift-history" aside={<LastUpdated at={state.lastUpdated} everyMs={REFRESH_MS} />}>
      <Widget
        state={state}
        isEmpty={(d) => !d.snapshots.some((s) => isNum(s.drift_share))}
        empty={
          state.data?.snapshots.length
            ? `${state.data.snapshots.length} snapshot${state.data.snapshots.length === 1 ? "" : "s"} recorded, none with enough samples for a drift share yet (latest: ${humanize(state.data.snapshots[0]!.status)}).`
            : "No drift snapshots recorded yet."
        }
      >
        {(data) => {
          const { rows, sources } = pivotDriftHistory(data.snapshots);
          return (
            <LineSeriesChart
              testId="drift-history-chart"
              data={rows}
              xKey="t"
              timeAxis
              xTickFormatter={(v) => fmtDateTime(new Date(Number(v)).toISOString())}
              series={sources.map((s, i) => ({ key: s, label: sourceName(s), color: SOURCE_COLORS[i % SOURCE_COLORS.length]! }))}
              xLabel="Snapshot time"
              yLabel="Drift share (0–1)"
              yDomain={[0, 1]}
            />
          );
        }}
      </Widget>
    </Card>
  );
}

function LatencyHistoryCard() {
  const state = useApi("latency-series", () => getLatency(true), { refreshMs: REFRESH_MS });
  return (
    <Card title="Latency percentiles" id="latency" testId="card-latency-series" aside={<LastUpdated at={state.lastUpdated} everyMs={REFRESH_MS} />}>
      <Widget state={state} isEmpty={(d) => !d.series?.length} empty="No served predictions in the recent window.">
        {(data) => (
          <div className="space-y-2">
            <p className="text-xs text-[var(--muted)]">
              Now: p50 {fmtMs(data.p50_ms)} · p95 {fmtMs(data.p95_ms)} · p99 {fmtMs(data.p99_ms)} · max {fmtMs(data.max_ms)} ·{" "}
              {plural(data.recent_calls, "call")}
            </p>
            <LineSeriesChart
              testId="latency-chart"
              data={latencyRows(data.series ?? [])}
              xKey="t"
              timeAxis
              connectNulls={false}
              xTickFormatter={(v) => fmtTime(new Date(Number(v)))}
              series={[
                { key: "p50", label: "p50", color: "var(--chart-1)" },
                { key: "p95", label: "p95", color: "var(--chart-2)" },
                { key: "p99", label: "p99", color: "var(--chart-3)" },
              ]}
              xLabel="Minute (gaps: no predictions)"
              yLabel="Latency (ms)"
            />
          </div>
        )}
      </Widget>
    </Card>
  );
}

function TrainingHistoryCard() {
  const state = useApi("training-history", getTrainingHistory, { refreshMs: REFRESH_MS });
  const models = useApi("training-history-models", getModels, { refreshMs: REFRESH_MS });
  const horizons: Record<string, string> = {};
  for (const m of models.data?.models ?? []) {
    if (typeof m.forecast_horizon === "string") horizons[m.version] = m.forecast_horizon;
  }
  const distinct = [...new Set(Object.values(horizons))].sort();
  return (
    <Card title="Training history" testId="card-training-history" aside={<LastUpdated at={state.lastUpdated} everyMs={REFRESH_MS} />}>
      <Widget state={state} isEmpty={(d) => !d.runs.length} empty="No trained versions yet.">
        {(data) => {
          const rows = trainingRows(data.runs, horizons);
          return (
            <div className="grid gap-4 md:grid-cols-2">
              {distinct.length > 1 ? (
                <p role="note" data-testid="training-horizon-note" className="rounded border border-[var(--warn)] bg-[var(--warn-bg)] p-2 text-xs md:col-span-2">
                  These versions predict different horizons ({distinct.join(", ")}); each is labelled with its own. RMSE grows
                  with the horizon, so compare RMSE only between versions of the same horizon; skill is relative to
                  each version&apos;s own baselines.
                </p>
              ) : null}
              <LineSeriesChart
                testId="training-rmse-chart"
                data={rows}
                xKey="version"
                series={[{ key: "rmse", label: "Validation RMSE", color: "var(--chart-1)" }]}
                xLabel="Version"
                yLabel="RMSE (return)"
                height={220}
              />
              <LineSeriesChart
                testId="training-skill-chart"
                data={rows}
                xKey="version"
                series={[{ key: "skill", label: "Skill", color: "var(--chart-4)" }]}
                xLabel="Version"
                yLabel="Skill (%)"
                yTickFormatter={fmtSkill}
                referenceY={{ value: 0, label: "baseline", color: "var(--muted)" }}
                height={220}
              />
            </div>
          );
        }}
      </Widget>
    </Card>
  );
}

export function MonitoringView() {
  return (
    <div className="space-y-4">
      <RealizedPerformanceSection />
      <DriftCard />
      <div className="grid gap-4 lg:grid-cols-2">
        <DriftHistoryCard />
        <LatencyHistoryCard />
      </div>
      <RequestsCard />
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <TrainingHistoryCard />
        </div>
        <FreshnessCard href="" id="freshness" />
      </div>
    </div>
  );
}
