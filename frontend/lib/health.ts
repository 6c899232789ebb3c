import type { ApiError } from "./api";
import { fmtPct } from "./format";
import type { DriftReport, FreshnessResponse, ModelsResponse, ReadyData, RequestTrafficResponse } from "./types";

export type HealthLevel = "ok" | "attention" | "failing";

export interface HealthReason {
  level: Exclude<HealthLevel, "ok">;
  text: string;
  /** The panel that explains it. */
  href: string;
}

export interface HealthInputs {
  ready?: ReadyData;
  readyError?: ApiError;
  models?: ModelsResponse;
  modelsError?: ApiError;
  drift?: DriftReport;
  driftError?: ApiError;
  freshness?: FreshnessResponse;
  freshnessError?: ApiError;
  traffic?: RequestTrafficResponse;
  trafficError?: ApiError;
}

/** 5xx share of recent requests at or above which the service is failing (with enough requests). */
export const SERVER_ERROR_FAILING_SHARE = 0.05;
export const SERVER_ERROR_MIN_REQUESTS = 20;

/**
 * One roll-up of the signals the Overview shows: failing when serving is broken (readiness
 * fails, no servable active model, many 5xx), attention when something needs a look (degraded
 * component, drift, stale data, some 5xx, a signal that could not be read), else ok.
 */
export function healthRollup(inputs: HealthInputs): { level: HealthLevel; reasons: HealthReason[] } {
  const reasons: HealthReason[] = [];
  const add = (level: HealthReason["level"], text: string, href: string) => reasons.push({ level, text, href });

  if (inputs.ready) {
    const failing = Object.entries(inputs.ready.checks).filter(([, check]) => check.status !== "ok");
    for (const [name, check] of failing) {
      // a failed required check is what makes /ready answer 503: serving is down
      const level = check.status === "failed" && check.required ? "failing" : "attention";
      add(level, `Readiness: ${name.replace(/_/g, " ")} is ${check.status}`, "/#readiness");
    }
    if (!failing.length && inputs.ready.status !== "ok") add("attention", `Readiness is ${inputs.ready.status}`, "/#readiness");
  } else if (inputs.readyError) {
    add("failing", `Readiness could not be read: ${inputs.readyError.message}`, "/#readiness");
  }

  if (inputs.models) {
    const active = inputs.models.models.find((m) => m.is_active) ?? null;
    if (!inputs.models.active_version && !active) {
      add("failing", "No model version is active: predictions cannot be served", "/model-management");
    } else if (active && (active.status === "missing" || active.status === "corrupt")) {
      add("failing", `Active version ${active.version} is ${active.status}: it cannot be loaded`, `/model-management/${active.version}`);
    }
  } else if (inputs.modelsError) {
    add("attention", `The model registry could not be read: ${inputs.modelsError.message}`, "/model-management");
  }

  if (inputs.drift) {
    if (inputs.drift.status === "drift_detected") {
      const drifted = Object.entries(inputs.drift.details).filter(([, d]) => d.drift).map(([n]) => n);
      add(
        "attention",
        `Served inputs drift from the training data (${fmtPct(inputs.drift.drift_share)} of features${drifted.length ? `: ${drifted.slice(0, 3).join(", ")}${drifted.length > 3 ? ", …" : ""}` : ""})`,
        "/monitoring#drift",
      );
    }
  } else if (inputs.driftError) {
    add("attention", `Drift could not be checked: ${inputs.driftError.message}`, "/monitoring#drift");
  }

  if (inputs.freshness) {
    if (inputs.freshness.status === "stale") {
      const why = inputs.freshness.reasons;
      add("attention", `Data or model is stale${why.length ? `: ${why.slice(0, 2).join("; ")}${why.length > 2 ? "; …" : ""}` : ""}`, "/monitoring#freshness");
    }
  } else if (inputs.freshnessError) {
    add("attention", `Freshness could not be checked: ${inputs.freshnessError.message}`, "/monitoring#freshness");
  }

  if (inputs.traffic) {
    const { requests, server_errors: errors } = inputs.traffic;
    if (errors > 0) {
      const share = requests ? errors / requests : 0;
      const level = share >= SERVER_ERROR_FAILING_SHARE && requests >= SERVER_ERROR_MIN_REQUESTS ? "failing" : "attention";
      add(level, `${errors} server error${errors === 1 ? "" : "s"} (5xx) in the last ${inputs.traffic.minutes} min (${fmtPct(share)} of requests)`, "/monitoring#requests");
    }
  } else if (inputs.trafficError) {
    add("attention", `Request rates could not be read: ${inputs.trafficError.message}`, "/monitoring#requests");
  }

  reasons.sort((a, b) => (a.level === b.level ? 0 : a.level === "failing" ? -1 : 1));
  const level: HealthLevel = reasons.some((r) => r.level === "failing") ? "failing" : reasons.length ? "attention" : "ok";
  return { level, reasons };
}
