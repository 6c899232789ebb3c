"use client";

import { useState } from "react";

import { Widget } from "@/components/ui/widget";
import { getModel } from "@/lib/api";
import { useApi } from "@/lib/use-api";
import { configDiff, versionConfig, versionHorizon, windowDiff, type DiffRow } from "@/lib/version";
import type { ModelSummary } from "@/lib/types";

/** Says so when two versions predict different horizons: their errors are not on one scale. */
export function HorizonNotice({ a, b }: { a: ModelSummary; b: ModelSummary }) {
  const ha = versionHorizon(a);
  const hb = versionHorizon(b);
  if (!ha || !hb || ha === hb) return null;
  return (
    <p role="note" data-testid="horizon-mismatch" className="rounded border border-[var(--warn)] bg-[var(--warn-bg)] p-2 text-xs">
      {a.version} predicts {ha} returns and {b.version} predicts {hb} returns: RMSE and MAE grow with the horizon, so
      compare skill and IC, not raw errors.
    </p>
  );
}

function DiffTable({ rows, a, b, testId, onlyChanged }: { rows: DiffRow[]; a: string; b: string; testId: string; onlyChanged: boolean }) {
  const shown = onlyChanged ? rows.filter((r) => !r.same) : rows;
  if (!shown.length) return <p className="text-xs text-[var(--muted)]">No differences.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[30rem] text-xs" data-testid={testId}>
        <thead>
          <tr className="border-b border-[var(--border)] text-left text-[var(--muted)]">
            <th className="py-1 pr-2 font-medium">Key</th>
            <th className="py-1 pr-2 font-medium">{a}</th>
            <th className="py-1 font-medium">{b}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.key} className={`border-b border-[var(--border)] last:border-0 ${r.same ? "" : "bg-[var(--warn-bg)]"}`}>
              <td className="py-1 pr-2 font-mono">{r.key}</td>
              <td className="break-all py-1 pr-2 font-mono">{r.a}</td>
              <td className="break-all py-1 font-mono">{r.b}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Configuration and data windows of two versions, line by line (differences highlighted). */
export function CompareDiff({ a, b }: { a: ModelSummary; b: ModelSummary }) {
  const [onlyChanged, setOnlyChanged] = useState(true);
  const details = useApi(`compare:${a.version}:${b.version}`, () => Promise.all([getModel(a.version), getModel(b.version)]));
  return (
    <div className="space-y-3" data-testid="compare-diff">
      <label className="flex items-center gap-2 text-xs">
        <input type="checkbox" checked={onlyChanged} onChange={(e) => setOnlyChanged(e.target.checked)} />
        Only differences
      </label>
      <Widget state={details}>
        {([da, db]) => (
          <div className="grid gap-4 xl:grid-cols-2">
            <section className="min-w-0">
              <h3 className="mb-1 text-xs font-semibold text-[var(--muted)]">Configuration</h3>
              <DiffTable rows={configDiff(versionConfig(da), versionConfig(db))} a={a.version} b={b.version} testId="compare-config" onlyChanged={onlyChanged} />
            </section>
            <section className="min-w-0">
              <h3 className="mb-1 text-xs font-semibold text-[var(--muted)]">Data window per symbol</h3>
              <DiffTable rows={windowDiff(da.dataset_window, db.dataset_window)} a={a.version} b={b.version} testId="compare-windows" onlyChanged={onlyChanged} />
            </section>
          </div>
        )}
      </Widget>
    </div>
  );
}
