"use client";

import { useState } from "react";

import { EmptyState } from "@/components/ui/states";
import { fmtNum } from "@/lib/format";
import { baselineRmse, metric, skill } from "@/lib/metrics";
import type { MetricSet, ModelSummary } from "@/lib/types";

import { sortVersions } from "./versions-table";

const ROWS: Array<{ label: string; read: (m: MetricSet | null) => number | null; better: "low" | "high" }> = [
  { label: "RMSE", read: (m) => metric(m, "rmse"), better: "low" },
  { label: "MAE", read: (m) => metric(m, "mae"), better: "low" },
  { label: "R²", read: (m) => metric(m, "r2"), better: "high" },
  { label: "Directional accuracy", read: (m) => metric(m, "directional_accuracy"), better: "high" },
  { label: "IC (Spearman)", read: (m) => metric(m, "ic"), better: "high" },
  { label: "Skill vs best baseline", read: (m) => skill(m), better: "high" },
  { label: "Zero-baseline RMSE", read: (m) => baselineRmse(m, "zero"), better: "low" },
  { label: "Mean-baseline RMSE", read: (m) => baselineRmse(m, "mean"), better: "low" },
];

/** Two versions' training and validation metrics side by side. */
export function CompareVersions({ models }: { models: ModelSummary[] }) {
  const sorted = sortVersions(models);
  const [left, setLeft] = useState<string | null>(null);
  const [right, setRight] = useState<string | null>(null);
  if (sorted.length < 2) return <EmptyState>Comparison needs at least two versions.</EmptyState>;
  const active = sorted.find((m) => m.is_active) ?? sorted[0]!;
  const a = sorted.find((m) => m.version === left) ?? active;
  const b = sorted.find((m) => m.version === right) ?? sorted.find((m) => m.version !== a.version)!;

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-3 text-sm">
        <VersionPick label="Version A" value={a.version} models={sorted} onChange={setLeft} />
        <VersionPick label="Version B" value={b.version} models={sorted} onChange={setRight} />
      </div>
      <div className="overflow-x-auto">
        <table className="w-full min-w-[30rem] text-sm" data-testid="compare-table">
          <thead>
            <tr className="border-b border-[var(--border)] text-left text-xs text-[var(--muted)]">
              <th className="py-1 pr-2 font-medium">Metric</th>
              <th className="py-1 pr-2 text-right font-medium">{a.version} train</th>
              <th className="py-1 pr-2 text-right font-medium">{a.version} valid.</th>
              <th className="py-1 pr-2 text-right font-medium">{b.version} train</th>
              <th className="py-1 text-right font-medium">{b.version} valid.</th>
            </tr>
          </thead>
          <tbody>
            {ROWS.map((row) => {
              const va = row.read(a.validation_metrics);
              const vb = row.read(b.validation_metrics);
              const winner =
                va === null || vb === null || va === vb ? null : (row.better === "low" ? va < vb : va > vb) ? "a" : "b";
              return (
                <tr key={row.label} className="border-b border-[var(--border)] last:border-0">
                  <td className="py-1 pr-2">{row.label}</td>
                  <td className="py-1 pr-2 text-right font-mono text-[var(--muted)]">{fmtNum(row.read(a.training_metrics), 4)}</td>
                  <td className={`py-1 pr-2 text-right font-mono ${winner === "a" ? "font-bold text-[var(--good)]" : ""}`}>
                    {fmtNum(va, 4)}
                  </td>
                  <td className="py-1 pr-2 text-right font-mono text-[var(--muted)]">{fmtNum(row.read(b.training_metrics), 4)}</td>
                  <td className={`py-1 text-right font-mono ${winner === "b" ? "font-bold text-[var(--good)]" : ""}`}>
                    {fmtNum(vb, 4)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="text-xs text-[var(--muted)]">The better validation value of each row is in bold.</p>
    </div>
  );
}

function VersionPick({
  label,
  value,
  models,
  onChange,
}: {
  label: string;
  value: string;
  models: ModelSummary[];
  onChange: (v: string) => void;
}) {
  return (
    <label className="block">
      <span className="mb-1 block text-xs font-medium text-[var(--muted)]">{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} className="rounded border border-[var(--border)] px-2 py-1">
        {models.map((m) => (
          <option key={m.version} value={m.version}>
            {m.version}
            {m.is_active ? " (active)" : ""}
          </option>
        ))}
      </select>
    </label>
  );
}
