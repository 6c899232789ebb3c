"use client";

import { LineSeriesChart } from "@/components/charts";
import { Badge, type Tone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/states";
import { Term } from "@/components/ui/term";
import { fmtDate, fmtDateTime, fmtInterval, fmtNum, fmtPct, fmtSkill, humanize, plural } from "@/lib/format";
import type { GlossaryId } from "@/lib/glossary";
import { baselineRmse, interval, metric, skill } from "@/lib/metrics";
import type { Activation, MetricSet, ModelDetail } from "@/lib/types";
import {
  artifactHashes,
  calibration,
  flattenConfig,
  showValue,
  symbolWindows,
  versionConfig,
  type VersionConfig,
  versionLineage,
  versionPromotion,
  versionStatus,
} from "@/lib/version";

export const STATUS_TONE: Record<string, Tone> = { ready: "good", held: "info", missing: "bad", corrupt: "bad" };

const ORIGIN_TEXT: Record<string, string> = {
  api: "the HTTP API",
  dashboard: "the dashboard",
  admin: "the Django admin",
  cli: "manage.py train",
  bootstrap: "the demo bootstrap",
};

function Fact({ label, children, testId }: { label: React.ReactNode; children: React.ReactNode; testId?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-[var(--muted)]">{label}</dt>
      <dd className="break-words text-sm" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

/** Who trained it, when, from which plane, on what data, with what configuration. */
export function Lineage({ detail }: { detail: ModelDetail }) {
  const run = versionLineage(detail);
  const windows = symbolWindows(detail.dataset_window);
  const config = versionConfig(detail);
  const features = detail.feature_columns ?? [];
  return (
    <div className="space-y-4" data-testid="version-lineage">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Fact label="Trained by" testId="lineage-who">
          {run ? `${run.requested_by} (${run.requested_by_type})` : "not recorded (imported from storage)"}
        </Fact>
        <Fact label="How started" testId="lineage-origin">
          {run ? (ORIGIN_TEXT[run.origin] ?? run.origin) : "—"}
        </Fact>
        <Fact label="Registered">{fmtDateTime(detail.created_at)}</Fact>
        <Fact label="Run">
          {run ? (
            <span className="font-mono text-xs" title={run.run_id}>
              {run.run_id.slice(0, 8)} · {run.state}
            </span>
          ) : (
            "—"
          )}
        </Fact>
        <Fact label="Run started">{fmtDateTime(run?.started_at)}</Fact>
        <Fact label="Run finished">{fmtDateTime(run?.completed_at)}</Fact>
        <Fact label={<Term id="horizon" />} testId="lineage-horizon">
          {typeof detail.forecast_horizon === "string" ? detail.forecast_horizon : "—"}
        </Fact>
        <Fact label="Feature schema">
          <span className="font-mono text-xs" title={String(detail.feature_schema_hash ?? "")}>
            {String(detail.feature_schema_hash ?? "—").slice(0, 12)}
          </span>{" "}
          · {plural(features.length, "feature")}
        </Fact>
      </dl>

      <div>
        <h3 className="mb-1 text-xs font-semibold text-[var(--muted)]">Data window per symbol</h3>
        {windows.length ? (
          <div className="overflow-x-auto">
            <table className="w-full min-w-[24rem] text-sm" data-testid="version-windows">
              <thead>
                <tr className="border-b border-[var(--border)] text-left text-xs text-[var(--muted)]">
                  <th className="py-1 pr-2 font-medium">Symbol</th>
                  <th className="py-1 pr-2 text-right font-medium">Rows</th>
                  <th className="py-1 pr-2 font-medium">First</th>
                  <th className="py-1 font-medium">Last</th>
                </tr>
              </thead>
              <tbody>
                {windows.map((w) => (
                  <tr key={w.symbol} className="border-b border-[var(--border)] last:border-0">
                    <td className="py-1 pr-2 font-medium">{w.symbol}</td>
                    <td className="py-1 pr-2 text-right font-mono">{w.rows?.toLocaleString("en-US") ?? "—"}</td>
                    <td className="py-1 pr-2 font-mono text-xs">{fmtDate(w.first)}</td>
                    <td className="py-1 font-mono text-xs">{fmtDate(w.last)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <EmptyState>No data window recorded.</EmptyState>
        )}
      </div>

      <div className="grid gap-4 md:grid-cols-2">
        <div className="min-w-0">
          <h3 className="mb-1 text-xs font-semibold text-[var(--muted)]">Configuration</h3>
          <ConfigList config={config} />
        </div>
        <div className="min-w-0">
          <h3 className="mb-1 text-xs font-semibold text-[var(--muted)]">Features ({features.length})</h3>
          <ul className="flex flex-wrap gap-1" data-testid="version-features">
            {features.map((f) => (
              <li key={f} className="rounded bg-[var(--hover)] px-1.5 py-0.5 font-mono text-xs">
                {f}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}

function ConfigList({ config }: { config: VersionConfig }) {
  const entries = [...flattenConfig(config).entries()];
  if (!entries.length) return <EmptyState>No configuration recorded.</EmptyState>;
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs" data-testid="version-config">
      {entries.map(([key, value]) => (
        <div key={key} className="contents">
          <dt className="font-mono text-[var(--muted)]">{key}</dt>
          <dd className="break-words font-mono">{value === null || value === undefined ? "—" : showValue(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

interface MetricRow {
  id?: GlossaryId;
  label: string;
  model: (m: MetricSet | null) => number | null;
  zero?: (m: MetricSet | null) => number | null;
  mean?: (m: MetricSet | null) => number | null;
  format: (v: unknown) => string;
}

function baselineMetric(
  set: MetricSet | null,
  baseline: "baseline_zero" | "baseline_mean" | "baseline_majority",
  name: "mae" | "directional_accuracy",
): number | null {
  if (!set) return null;
  if (baseline === "baseline_majority") return name === "directional_accuracy" ? (set.baseline_majority?.directional_accuracy ?? null) : null;
  return set[baseline][name] ?? null;
}

const METRIC_ROWS: MetricRow[] = [
  {
    id: "rmse",
    label: "RMSE",
    model: (m) => metric(m, "rmse"),
    zero: (m) => baselineRmse(m, "zero"),
    mean: (m) => baselineRmse(m, "mean"),
    format: (v) => fmtNum(v, 5),
  },
  {
    label: "MAE",
    model: (m) => metric(m, "mae"),
    zero: (m) => baselineMetric(m, "baseline_zero", "mae"),
    mean: (m) => baselineMetric(m, "baseline_mean", "mae"),
    format: (v) => fmtNum(v, 5),
  },
  {
    id: "directional_accuracy",
    label: "Directional accuracy",
    model: (m) => metric(m, "directional_accuracy"),
    zero: (m) => baselineMetric(m, "baseline_majority", "directional_accuracy"),
    format: (v) => fmtPct(v),
  },
  { id: "ic", label: "IC", model: (m) => metric(m, "ic"), format: (v) => fmtNum(v, 3) },
];

/** The model next to its baselines on the same rows, with the 90% intervals when stored. */
export function MetricsVsBaselines({ detail }: { detail: ModelDetail }) {
  const val = detail.validation_metrics;
  const train = detail.training_metrics;
  const skillVs = val?.skill_vs ?? null;
  const edge = val?.directional_edge ?? null;
  return (
    <div className="space-y-3" data-testid="version-metrics">
      <dl className="grid grid-cols-1 gap-3 sm:grid-cols-3">
        <Fact label={<Term id="skill" />} testId="version-skill">
          <span className="font-mono text-lg font-semibold">{fmtSkill(skill(val))}</span>
          <span className="block text-xs text-[var(--muted)]">
            90% interval {fmtInterval(interval(val, "skill_ci"), fmtSkill)}
            {skillVs ? ` · vs ${skillVs.replace(/^baseline_/, "")} baseline` : ""}
          </span>
        </Fact>
        <Fact label={<Term id="ic" />}>
          <span className="font-mono text-lg font-semibold">{fmtNum(metric(val, "ic"), 3)}</span>
          <span className="block text-xs text-[var(--muted)]">90% interval {fmtInterval(interval(val, "ic_ci"), (v) => fmtNum(v, 3))}</span>
        </Fact>
        <Fact label={<Term id="directional_edge" />}>
          <span className="font-mono text-lg font-semibold">{edge === null ? "—" : fmtSkill(edge)}</span>
          <span className="block text-xs text-[var(--muted)]">
            90% interval {fmtInterval(interval(val, "directional_edge_ci"), fmtSkill)}
          </span>
        </Fact>
      </dl>
      <div className="overflow-x-auto">
        <table className="w-full min-w-[30rem] text-sm">
          <thead>
            <tr className="border-b border-[var(--border)] text-left text-xs text-[var(--muted)]">
              <th className="py-1 pr-2 font-medium">Validation</th>
              <th className="py-1 pr-2 text-right font-medium">Model</th>
              <th className="py-1 pr-2 text-right font-medium">Zero / majority baseline</th>
              <th className="py-1 pr-2 text-right font-medium">Mean baseline</th>
              <th className="py-1 text-right font-medium">Model on training rows</th>
            </tr>
          </thead>
          <tbody>
            {METRIC_ROWS.map((row) => (
              <tr key={row.label} className="border-b border-[var(--border)] last:border-0">
                <td className="py-1 pr-2">{row.id ? <Term id={row.id}>{row.label}</Term> : row.label}</td>
                <td className="py-1 pr-2 text-right font-mono font-semibold">{row.format(row.model(val))}</td>
                <td className="py-1 pr-2 text-right font-mono">{row.zero ? row.format(row.zero(val)) : "—"}</td>
                <td className="py-1 pr-2 text-right font-mono">{row.mean ? row.format(row.mean(val)) : "—"}</td>
                <td className="py-1 text-right font-mono text-[var(--muted)]">{row.format(row.model(train))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** Reliability of P(up): observed up share per bin against the bin's mean P(up). */
export function CalibrationPlot({ detail }: { detail: ModelDetail }) {
  const cal = calibration(detail.validation_metrics);
  if (!cal) return <EmptyState>This version stores no calibration table (trained before calibration was recorded).</EmptyState>;
  const rows = cal.reliability.map((b) => ({ p: b.p_mean, observed: b.up_share, ideal: b.p_mean, n: b.n }));
  return (
    <div className="space-y-2" data-testid="version-calibration">
      <LineSeriesChart
        testId="calibration-chart"
        data={rows}
        xKey="p"
        xDomain={[0, 1]}
        yDomain={[0, 1]}
        xTickFormatter={(v) => fmtPct(Number(v), 0)}
        yTickFormatter={(v) => fmtPct(v, 0)}
        series={[
          { key: "observed", label: "Observed up share", color: "var(--chart-1)" },
          { key: "ideal", label: "Perfect calibration", color: "var(--muted)" },
        ]}
        xLabel="Mean P(up) in the bin"
        yLabel="Share that went up"
        height={260}
      />
      <p className="text-xs text-[var(--muted)]">
        <Term id="brier" /> {fmtNum(cal.brier, 4)} vs {fmtNum(cal.brier_base_rate, 4)} for always forecasting the{" "}
        <Term id="base_rate">base rate</Term> ({fmtPct(cal.base_rate)}) · log loss {fmtNum(cal.log_loss, 4)} vs{" "}
        {fmtNum(cal.log_loss_base_rate, 4)} · {plural(cal.reliability.reduce((s, b) => s + b.n, 0), "row")} in{" "}
        {plural(cal.reliability.length, "bin")}
      </p>
    </div>
  );
}

export function PromotionDecision({ detail }: { detail: ModelDetail }) {
  const promotion = versionPromotion(detail);
  if (!promotion) return <EmptyState>No promotion decision recorded for this version.</EmptyState>;
  return (
    <div className="space-y-1 text-sm" data-testid="version-promotion">
      <Badge tone={promotion.decision === "activated" ? "good" : "info"}>{promotion.decision}</Badge>
      <p>{promotion.reason || "No reason recorded."}</p>
    </div>
  );
}

export function VersionActivations({ version, activations }: { version: string; activations: Activation[] }) {
  const mine = activations.filter((a) => a.to_version === version || a.from_version === version);
  if (!mine.length) return <EmptyState>{version} was never activated or replaced.</EmptyState>;
  return (
    <ol className="space-y-2 text-sm" data-testid="version-activations">
      {mine.map((a, i) => {
        const kind = a.kind;
        return (
          <li key={`${a.timestamp}-${i}`} className="rounded border border-[var(--border)] p-2">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <span className="font-mono font-semibold">
                {a.from_version ?? "∅"} → {a.to_version}
                {kind ? <span className="ml-2 align-middle"><Badge>{kind}</Badge></span> : null}
              </span>
              <span className="text-xs text-[var(--muted)]">{fmtDateTime(a.timestamp)}</span>
            </div>
            <p className="text-xs text-[var(--muted)]">
              {a.to_version === version ? "activated" : "replaced"} by <span className="text-[var(--text)]">{a.actor}</span>
              {a.reason ? <> · “<span className="text-[var(--text)]">{a.reason}</span>”</> : null}
            </p>
          </li>
        );
      })}
    </ol>
  );
}

export function ArtifactStatus({ detail }: { detail: ModelDetail }) {
  const { status, detail: statusDetail } = versionStatus(detail);
  const hashes = Object.entries(artifactHashes(detail));
  return (
    <div className="space-y-2 text-sm" data-testid="version-artifacts">
      <p>
        <Badge tone={STATUS_TONE[status ?? ""] ?? "neutral"} testId="version-status">
          {status ? humanize(status) : "status not reported"}
        </Badge>
        {statusDetail ? <span className="ml-2 text-[var(--muted)]">{statusDetail}</span> : null}
      </p>
      {hashes.length ? (
        <ul className="space-y-1 text-xs">
          {hashes.map(([file, sha]) => (
            <li key={file} className="flex flex-wrap gap-2">
              <span className="font-mono">{file}</span>
              <span className="font-mono text-[var(--muted)]" title={sha}>
                sha256 {sha.slice(0, 16)}…
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
