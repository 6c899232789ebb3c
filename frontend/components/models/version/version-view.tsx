"use client";

import Link from "next/link";

import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Widget } from "@/components/ui/widget";
import { getActivations, getModel } from "@/lib/api";
import { fmtDateTime } from "@/lib/format";
import { useApi } from "@/lib/use-api";
import { versionHorizon } from "@/lib/version";

import {
  ArtifactStatus,
  CalibrationPlot,
  Lineage,
  MetricsVsBaselines,
  PromotionDecision,
  VersionActivations,
} from "./version-sections";

/** One version's whole story: lineage, metrics against baselines, calibration, decisions. */
export function VersionView({ version }: { version: string }) {
  const detail = useApi(`model:${version}`, () => getModel(version));
  const activations = useApi("activations", getActivations);
  return (
    <div className="space-y-4" data-testid="version-page">
      <p className="text-sm">
        <Link href="/model-management" className="text-[var(--accent)] hover:underline">
          ← All versions
        </Link>
      </p>
      <Widget state={detail} loadingLines={8}>
        {(d) => (
          <>
            <div className="flex flex-wrap items-center gap-3">
              <h2 className="text-2xl font-bold" data-testid="version-title">
                {d.version}
              </h2>
              {d.is_active ? (
                <Badge tone="good" testId="active-badge">
                  active
                </Badge>
              ) : null}
              <span className="text-sm text-[var(--muted)]">
                horizon {versionHorizon(d) ?? "—"} · registered {fmtDateTime(d.created_at)}
              </span>
            </div>
            <Card title="Lineage" testId="card-version-lineage">
              <Lineage detail={d} />
            </Card>
            <div className="grid gap-4 lg:grid-cols-2">
              <Card title="Metrics against baselines" testId="card-version-metrics">
                <MetricsVsBaselines detail={d} />
              </Card>
              <Card title="Calibration of P(up)" testId="card-version-calibration">
                <CalibrationPlot detail={d} />
              </Card>
            </div>
            <div className="grid gap-4 lg:grid-cols-3">
              <Card title="Promotion decision" testId="card-version-promotion">
                <PromotionDecision detail={d} />
              </Card>
              <Card title="Artifacts" testId="card-version-artifacts">
                <ArtifactStatus detail={d} />
              </Card>
              <Card title="Activation history" testId="card-version-activations">
                <Widget state={activations}>
                  {(data) => <VersionActivations version={d.version} activations={data.activations} />}
                </Widget>
              </Card>
            </div>
          </>
        )}
      </Widget>
    </div>
  );
}
