/**
 * The HTTP API's types, as the backend's OpenAPI schema states them.
 *
 * Every shape below is an alias into `api-schema.d.ts`, which `scripts/api_types.sh` GENERATES
 * from `manage.py spectacular` (CI fails when the committed file differs from a fresh
 * generation). To change a shape, change the backend serializer and regenerate; never edit here
 * beyond naming an alias.
 */

import type { components } from "./api-schema";

type Schemas = components["schemas"];

export type Signal = Schemas["PredictionEnum"];
export type Exchange = Schemas["ExchangeEnum"];

/** The error envelope every failing route returns. */
export type ErrorEnvelope = Schemas["ErrorEnvelope"];

/** `{"status":"success","data":...}` envelope used by /health and /ready. */
export interface SuccessEnvelope<T> {
  status: "success";
  data: T;
  timestamp: string;
  request_id: string;
}

export type HealthData = Schemas["HealthData"];
export type ReadinessCheck = Schemas["ReadinessCheck"];
export type ReadyData = Schemas["ReadyData"];

export type FeatureRow = Schemas["FeatureWindowRow"];
export type FeaturesResponse = Schemas["FeatureWindowOutput"];

export type Prediction = Schemas["PredictionOutput"];

export type BatchItemError = Schemas["BatchItemError"];
export type BatchItem = Schemas["BatchItem"];
export type BatchResponse = Schemas["BatchOutput"];

export type PredictionLogEntry = Schemas["RecentEntry"];
export type RecentPredictionsResponse = Schemas["RecentOutput"];

/** A 90% interval `[lo, hi]` (validation: HAC over dates; live: moving-block bootstrap). */
export type Interval = [number, number];

export type ReliabilityBin = Schemas["ReliabilityBin"];
export type CalibrationReport = Schemas["CalibrationReport"];
export type SignalsReport = Schemas["SignalsReport"];
/** Metrics of one split: `{model, baseline_zero, baseline_mean, skill, ...}` (DESIGN section 3). */
export type MetricSet = Schemas["MetricSet"];
export type RegressionMetrics = Schemas["RegressionMetrics"];
export type DatasetWindowEntry = Schemas["DatasetWindowEntry"];

/** ready / missing / corrupt (artifacts), held (fine, but its promotion was held and it is not active). */
export type ModelStatus = Schemas["ModelStatusEnum"];
export type ArtifactStatus = Schemas["ArtifactStatusEnum"];
export type Promotion = Schemas["Promotion"];
export type ModelSummary = Schemas["ModelSummary"];
export type ModelsResponse = Schemas["ModelList"];
export type ModelDetail = Schemas["ModelDetail"];
export type DatasetSummary = Schemas["DatasetSummary"];

export type ActivationKind = Schemas["KindEnum"];
export type Activation = Schemas["ActivationItem"];
export type ActivationsResponse = Schemas["ActivationList"];

export type DriftStatus = Schemas["DriftStatusEnum"];
export type FeatureDrift = Schemas["FeatureDrift"];
export type DriftReport = Schemas["DriftReport"];
export type DriftSnapshot = Schemas["DriftSnapshotOutput"];
export type DriftHistoryResponse = Schemas["DriftHistory"];

export type TrainingHistoryRun = Schemas["TrainingHistoryRun"];
export type TrainingHistoryResponse = Schemas["TrainingHistoryOutput"];

export type FreshnessResponse = Schemas["FreshnessOutput"];
export type LatencyPoint = Schemas["LatencyPoint"];
export type LatencyResponse = Schemas["LatencyOutput"];

export type User = Schemas["OperatorUser"];
export type LoginResponse = Schemas["LoginOutput"];
export type MeResponse = Schemas["MeOutput"];

export type TrainingState = Schemas["StateEnum"];
export type TrainingProgress = Schemas["TrainingProgress"];
export type TrainingRun = Schemas["Training"];
export type TrainStartResponse = Schemas["TrainOutput"];
export type TrainStatusResponse = Schemas["TrainStatusOutput"];
export type TrainPolicy = Schemas["TrainPolicyEnum"];
export type TrainOptions = Schemas["TrainRequestRequest"];

export type ActivateResponse = Schemas["AdminActivateOutput"];
export type RollbackResponse = Schemas["RollbackOutput"];
export type ReloadResponse = Schemas["ReloadOutput"];

export type AuditEvent = Schemas["AuditEventOutput"];
export type AuditResponse = Schemas["AuditEventList"];

/** GET /symbols: the symbols on offer, the symbol rule and the exchange list. */
export type SymbolsResponse = Schemas["SymbolListOutput"];

export type RequestStatusCount = Schemas["RequestStatusCount"];
/** GET /monitoring/requests */
export type RequestTrafficResponse = Schemas["RequestTraffic"];

/** The run that produced a version (`training_run` of GET /models/{version}). */
export type VersionLineage = Schemas["VersionLineage"];
