"use client";

import { Badge, statusTone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { LastUpdated } from "@/components/ui/last-updated";
import { Widget } from "@/components/ui/widget";
import { getFreshness } from "@/lib/api";
import { REFRESH_MS } from "@/lib/config";
import { fmtAge, fmtDateTime, humanize, isNum } from "@/lib/format";
import type { FreshnessResponse } from "@/lib/types";
import { useApi } from "@/lib/use-api";

const STAMPS = [
  ["upstream_last_seen", "Market data last seen"],
  ["model_last_trained", "Model last trained"],
  ["last_prediction_time", "Last prediction"],
] as const;

const AGES: Record<(typeof STAMPS)[number][0], string> = {
  upstream_last_seen: "upstream_age_seconds",
  model_last_trained: "model_age_seconds",
  last_prediction_time: "last_prediction_age_seconds",
};

/** The age the API reports next to a timestamp field, if any. */
function ageFor(data: FreshnessResponse, field: (typeof STAMPS)[number][0]): number | null {
  const value = data[AGES[field]];
  return isNum(value) ? value : null;
}

/** Freshness timestamps with their ages and status, as the API reports them. */
export function FreshnessList({ data }: { data: FreshnessResponse }) {
  const statuses = Object.entries(data).filter(
    ([key, value]) => typeof value === "string" && (key === "status" || key.endsWith("_status")),
  ) as Array<[string, string]>;
  return (
    <div className="space-y-3">
      <dl className="space-y-2 text-sm">
        {STAMPS.map(([field, label]) => {
          const age = ageFor(data, field);
          return (
            <div key={field} className="flex flex-wrap items-baseline justify-between gap-2">
              <dt className="text-[var(--muted)]">{label}</dt>
              <dd className="text-right">
                <span className="font-mono">{fmtDateTime(data[field])}</span>
                {age !== null ? <span className="ml-2 text-xs text-[var(--muted)]">({fmtAge(age)} ago)</span> : null}
              </dd>
            </div>
          );
        })}
      </dl>
      {Array.isArray(data.reasons) && data.reasons.length ? (
        <ul className="list-disc pl-5 text-xs text-[var(--warn)]" data-testid="freshness-reasons">
          {data.reasons.map((r, i) => (
            <li key={i}>{typeof r === "string" ? r : JSON.stringify(r)}</li>
          ))}
        </ul>
      ) : null}
      {statuses.length ? (
        <div className="flex flex-wrap gap-2">
          {statuses.map(([key, value]) => (
            <Badge key={key} tone={statusTone(value)}>
              {key === "status" ? "" : `${humanize(key.replace(/_status$/, ""))}: `}
              {value}
            </Badge>
          ))}
        </div>
      ) : null}
    </div>
  );
}

export function FreshnessCard({ href = "/monitoring" }: { href?: string }) {
  const state = useApi("freshness", getFreshness, { refreshMs: REFRESH_MS });
  return (
    <Card title="Freshness" href={href} testId="card-freshness" aside={<LastUpdated at={state.lastUpdated} />}>
      <Widget state={state}>{(data) => <FreshnessList data={data} />}</Widget>
    </Card>
  );
}
