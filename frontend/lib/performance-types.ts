/** Realized-performance shapes (`/monitoring/performance*`, `POST /admin/score`), generated. */

import type { components } from "./api-schema";

type Schemas = components["schemas"];

export type PerformanceStatus = Schemas["PerformanceStatusEnum"];
export type OutcomeSource = Schemas["OutcomeSourceEnum"];
export type Interval = [number, number] | null;
export type ReliabilityBin = Schemas["ReliabilityBin"];
export type SignalStats = Schemas["SignalStats"];
export type LiveMetrics = Schemas["LiveMetrics"];
export type PerformancePoint = Schemas["SeriesPoint"];
export type PerformanceReport = Schemas["Performance"];
export type OutcomeEntry = Schemas["OutcomeOutput"];
export type OutcomesResponse = Schemas["OutcomeList"];
export type ScoreResponse = Schemas["ScoreResult"];
