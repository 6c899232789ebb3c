"use client";

import Link from "next/link";

import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { LastUpdated } from "@/components/ui/last-updated";
import { LoadingState } from "@/components/ui/states";
import { getDrift, getFreshness, getModels, getReady, getRequestTraffic } from "@/lib/api";
import { REFRESH_MS } from "@/lib/config";
import { healthRollup, type HealthLevel } from "@/lib/health";
import { useApi } from "@/lib/use-api";

/** Minutes of request history the roll-up judges server errors on. */
export const HEALTH_TRAFFIC_MINUTES = 15;

const LEVEL_TEXT: Record<HealthLevel, string> = {
  ok: "OK: serving, fresh, no drift, no server errors",
  attention: "Needs attention",
  failing: "Failing",
};

const LEVEL_TONE = { ok: "good", attention: "warn", failing: "bad" } as const;

/** The one answer to "is everything fine?", with each reason linking to the panel behind it. */
export function HealthCard() {
  const ready = useApi("ready", getReady, { refreshMs: REFRESH_MS });
  const models = useApi("models", getModels, { refreshMs: REFRESH_MS });
  const drift = useApi("drift", () => getDrift(), { refreshMs: REFRESH_MS });
  const freshness = useApi("freshness", getFreshness, { refreshMs: REFRESH_MS });
  const traffic = useApi(`requests:${HEALTH_TRAFFIC_MINUTES}`, () => getRequestTraffic(HEALTH_TRAFFIC_MINUTES), {
    refreshMs: REFRESH_MS,
  });
  const all = [ready, models, drift, freshness, traffic];
  const waiting = all.some((s) => s.loading);
  const { level, reasons } = healthRollup({
    ready: ready.data?.data,
    readyError: ready.error,
    models: models.data,
    modelsError: models.error,
    drift: drift.data,
    driftError: drift.error,
    freshness: freshness.data,
    freshnessError: freshness.error,
    traffic: traffic.data,
    trafficError: traffic.error,
  });
  const newest = all.map((s) => s.lastUpdated).filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
  return (
    <Card title="Health" testId="card-health" aside={<LastUpdated at={newest} />}>
      {waiting && !reasons.length ? (
        <LoadingState lines={2} />
      ) : (
        <div className="space-y-2">
          <Badge tone={LEVEL_TONE[level]} testId="health-level">
            {level}
          </Badge>
          <span className="ml-2 text-sm font-medium">{LEVEL_TEXT[level]}</span>
          {reasons.length ? (
            <ul className="space-y-1 text-sm" data-testid="health-reasons">
              {reasons.map((r) => (
                <li key={r.text} className="flex flex-wrap items-baseline gap-2">
                  <Badge tone={LEVEL_TONE[r.level]}>{r.level}</Badge>
                  <span>{r.text}</span>
                  <Link href={r.href} className="text-xs font-medium text-[var(--accent)] hover:underline">
                    Why →
                  </Link>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      )}
    </Card>
  );
}
