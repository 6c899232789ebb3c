"use client";

import { useState } from "react";

import { LineSeriesChart, type ChartRow } from "@/components/charts";
import { FreshnessCard } from "@/components/overview/freshness-card";
import { Card } from "@/components/ui/card";
import { LastUpdated } from "@/components/ui/last-updated";
import { Widget } from "@/components/ui/widget";
import { getDrift, getDriftHistory, getLatency, getTrainingHistory } from "@/lib/api";
import { REFRESH_MS } from "@/lib/config";
import { fmtDateTime, fmtMs, fmtTime, humanize, isNum } from "@/lib/format";
import { metric, skill } from "@/lib/metrics";
import type { DriftSnapshot, LatencyPoint, TrainingHistoryRun } from "@/lib/types";
import { useApi } from "@/lib/use-api";

import { DriftBars } from "./drift-bars";
import { RealizedPerformanceSection } from "./realized-performance";

const SOURCE_COLORS = ["var(--chart-1)", "var(--chart-2)", "var(--chart-4)", "var(--chart-5)"];

/** One row per snapshot time, one column per source (serving, market, ...). */
export function pivotDriftHistory(snapshots: DriftSnapshot[]): { rows: ChartRow[]; sources: string[] } {
  const sources = [...new Set(snapshots.map((s) => s.source || "serving"))];
  const rows = [...snapshots]
    .sort((a, b) => (a.timestamp < b.timestamp ? -1 : 1))
    .map((s) => ({ timestamp: s.timestamp, [s.source || "serving"]: s.drift_share }));
  return { rows, sources };
}

export function latencyRows(series: LatencyPoint[]): ChartRow[] {
  return [...series]
    .sort((a, b) => (a.minute < b.minute ? -1 : 1))
    .map((p) => ({ minute: p.minute, p50: p.p50_ms, p95: p.p95_ms, p99: p.p99_ms, avg: p.avg_ms, count: p.count }));
}

function versionNumber(v: string): number {
  return Number.parseInt(v.replace(/^\D+/, ""), 10) || 0;
}

export function trainingRows(runs: TrainingHistoryRun[]): ChartRow[] {
  return [...runs]
    .sort((a, b) => versionNumber(a.version) - versionNumber(b.version))
    .map((r) => ({
      version: r.version,
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
    <Card title="Drift history" testId="card-drift-history" aside={<LastUpdated at={state.lastUpdated} everyMs={REFRESH_MS} />}>
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
              xKey="timestamp"
              xTickFormatter={(v) => fmtDateTime(String(v))}
              series={sources.map((s, i) => ({ key: s, label: s, color: SOURCE_COLORS[i % SOURCE_COLORS.length]! }))}
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
    <Card title="Latency percentiles" testId="card-latency-series" aside={<LastUpdated at={state.lastUpdated} everyMs={REFRESH_MS} />}>
      <Widget state={state} isEmpty={(d) => !d.series?.length} empty="No served predictions in the recent window.">
        {(data) => (
          <div className="space-y-2">
            <p className="text-xs text-[var(--muted)]">
              Now: p50 {fmtMs(data.p50_ms)} · p95 {fmtMs(data.p95_ms)} · p99 {fmtMs(data.p99_ms)} · max {fmtMs(data.max_ms)} ·{" "}
              {data.recent_calls} calls
            </p>
            <LineSeriesChart
              testId="latency-chart"
              data={latencyRows(data.series ?? [])}
              xKey="minute"
              xTickFormatter={(v) => fmtTime(String(v))}
              series={[
                { key: "p50", label: "p50", color: "var(--chart-1)" },
                { key: "p95", label: "p95", color: "var(--chart-2)" },
                { key: "p99", label: "p99", color: "var(--chart-3)" },
              ]}
              xLabel="Minute"
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
  return (
    <Card title="Training history" testId="card-training-history" aside={<LastUpdated at={state.lastUpdated} everyMs={REFRESH_MS} />}>
      <Widget state={state} isEmpty={(d) => !d.runs.length} empty="No trained versions yet.">
        {(data) => {
          const rows = trainingRows(data.runs);
          return (
            <div className="grid gap-4 md:grid-cols-2">
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
                series={[{ key: "skill", label: "Skill vs zero", color: "var(--chart-4)" }]}
                xLabel="Version"
                yLabel="Skill (ratio)"
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
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <TrainingHistoryCard />
        </div>
        <FreshnessCard href="/" />
      </div>
    </div>
  );
}
