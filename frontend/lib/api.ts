import axios, { AxiosError, type AxiosRequestConfig } from "axios";

import { clearSession, getToken } from "./auth-store";
import type { OutcomeSource, OutcomesResponse, PerformanceReport, ScoreResponse } from "./performance-types";
import type {
  ActivateResponse,
  ActivationsResponse,
  AuditResponse,
  BatchResponse,
  DriftHistoryResponse,
  DriftReport,
  ErrorEnvelope,
  FeaturesResponse,
  FreshnessResponse,
  HealthData,
  LatencyResponse,
  LoginResponse,
  MeResponse,
  ModelDetail,
  ModelsResponse,
  Prediction,
  ReadyData,
  RecentPredictionsResponse,
  ReloadResponse,
  RequestTrafficResponse,
  RollbackResponse,
  SuccessEnvelope,
  SymbolsResponse,
  TrainingHistoryResponse,
  TrainOptions,
  TrainStartResponse,
  TrainStatusResponse,
} from "./types";

/** Public base URL of the Django API; inlined at build time, never a secret. */
export const BACKEND_URL = (process.env.NEXT_PUBLIC_BACKEND_URL || "http://127.0.0.1:8000").replace(
  /\/+$/,
  "",
);
export const API_BASE = `${BACKEND_URL}/api/v1`;

/** A failed call, made readable: what went wrong, the HTTP status and the backend request id. */
export class ApiError extends Error {
  readonly status: number | null;
  readonly code: string;
  readonly details: unknown;
  readonly requestId: string | null;

  constructor(opts: {
    message: string;
    status: number | null;
    code: string;
    details?: unknown;
    requestId: string | null;
  }) {
    super(opts.message);
    this.name = "ApiError";
    this.status = opts.status;
    this.code = opts.code;
    this.details = opts.details;
    this.requestId = opts.requestId;
  }
}

/** Turns an envelope's `details` (string, list or field map) into one readable line. */
export function formatDetails(details: unknown): string {
  if (details === null || details === undefined) return "";
  if (typeof details === "string") return details;
  if (typeof details === "number" || typeof details === "boolean") return String(details);
  if (Array.isArray(details)) return details.map(formatDetails).filter(Boolean).join("; ");
  if (typeof details === "object") {
    return Object.entries(details as Record<string, unknown>)
      .map(([key, value]) => {
        const text = formatDetails(value);
        return key === "detail" || key === "non_field_errors" ? text : `${key}: ${text}`;
      })
      .filter(Boolean)
      .join("; ");
  }
  return "";
}

function isEnvelope(body: unknown): body is ErrorEnvelope {
  return (
    typeof body === "object" &&
    body !== null &&
    (body as { status?: unknown }).status === "error" &&
    typeof (body as { error?: unknown }).error === "string"
  );
}

function newRequestId(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") {
    return crypto.randomUUID();
  }
  return `web-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Converts anything thrown by a call into an ApiError (keeps an ApiError as it is). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof AxiosError) {
    const sentHeader = err.config?.headers?.get?.("X-Request-ID");
    const sentId = typeof sentHeader === "string" ? sentHeader : null;
    const response = err.response;
    if (!response) {
      return new ApiError({
        message: `Cannot reach the backend at ${BACKEND_URL} (${err.message}).`,
        status: null,
        code: "network_error",
        requestId: sentId,
      });
    }
    const headerId = (response.headers?.["x-request-id"] as string | undefined) ?? null;
    const body: unknown = response.data;
    if (isEnvelope(body)) {
      const detailText = formatDetails(body.details);
      return new ApiError({
        message: detailText || body.error,
        status: response.status,
        code: body.error,
        details: body.details,
        requestId: body.request_id || headerId || sentId,
      });
    }
    return new ApiError({
      message: `HTTP ${response.status} from ${err.config?.url ?? "the backend"}`,
      status: response.status,
      code: `http_${response.status}`,
      details: body,
      requestId: headerId || sentId,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ApiError({ message, status: null, code: "client_error", requestId: null });
}

const http = axios.create({
  baseURL: API_BASE,
  timeout: 30_000,
  headers: { Accept: "application/json" },
});

http.interceptors.request.use((config) => {
  config.headers.set("X-Request-ID", newRequestId());
  const token = getToken();
  if (token) config.headers.set("Authorization", `Token ${token}`);
  return config;
});

http.interceptors.response.use(
  (response) => response,
  (err: unknown) => {
    const apiError = toApiError(err);
    // A rejected token is dead: drop it so the UI falls back to signed-out.
    if (apiError.status === 401 && getToken()) clearSession();
    return Promise.reject(apiError);
  },
);

async function get<T>(url: string, config?: AxiosRequestConfig): Promise<T> {
  const response = await http.get<T>(url, config);
  return response.data;
}

async function post<T>(url: string, body?: unknown, config?: AxiosRequestConfig): Promise<T> {
  const response = await http.post<T>(url, body ?? {}, config);
  return response.data;
}

function seg(value: string): string {
  return encodeURIComponent(value);
}

// ---- public routes -------------------------------------------------------------------------

/** GET /health */
export async function getHealth(): Promise<SuccessEnvelope<HealthData>> {
  return get("/health");
}

/** GET /ready — a 503 still carries the per-component checks, so it is returned, not thrown. */
export async function getReady(): Promise<SuccessEnvelope<ReadyData>> {
  const response = await http.get<SuccessEnvelope<ReadyData> | ErrorEnvelope>("/ready", {
    validateStatus: (status) => (status >= 200 && status < 300) || status === 503,
  });
  const body = response.data;
  if (isEnvelope(body)) {
    const details = body.details as Partial<ReadyData> | null;
    if (details && typeof details === "object" && details.checks) {
      return {
        status: "success",
        data: { status: details.status ?? "degraded", checks: details.checks },
        timestamp: body.timestamp,
        request_id: body.request_id ?? "",
      };
    }
    throw new ApiError({
      message: formatDetails(body.details) || body.error,
      status: response.status,
      code: body.error,
      details: body.details,
      requestId: body.request_id,
    });
  }
  return body;
}

/** GET /features */
export async function getFeatures(params: {
  symbol: string;
  lookback?: number;
  exchange?: string;
}): Promise<FeaturesResponse> {
  return get("/features", { params: compact(params) });
}

/** GET /predict */
export async function getPrediction(params: {
  symbol: string;
  exchange?: string;
  version?: string;
}): Promise<Prediction> {
  return get("/predict", { params: compact(params) });
}

/** POST /predict/batch */
export async function postPredictBatch(body: {
  symbols: string[];
  exchange?: string;
}): Promise<BatchResponse> {
  return post("/predict/batch", compact(body));
}

/** GET /predictions/recent */
export async function getRecentPredictions(
  params: { limit?: number; symbol?: string } = {},
): Promise<RecentPredictionsResponse> {
  return get("/predictions/recent", { params: compact(params) });
}

/** GET /models */
export async function getModels(): Promise<ModelsResponse> {
  return get("/models");
}

/** GET /models/{version} */
export async function getModel(version: string): Promise<ModelDetail> {
  return get(`/models/${seg(version)}`);
}

/** GET /models/activations */
export async function getActivations(): Promise<ActivationsResponse> {
  return get("/models/activations");
}

/** GET /monitoring/drift (`source: "market"` for the latest market-data snapshot) */
export async function getDrift(source?: "market"): Promise<DriftReport> {
  return get("/monitoring/drift", { params: source ? { source } : undefined });
}

/** GET /monitoring/drift/history */
export async function getDriftHistory(): Promise<DriftHistoryResponse> {
  return get("/monitoring/drift/history");
}

/** GET /monitoring/history */
export async function getTrainingHistory(): Promise<TrainingHistoryResponse> {
  return get("/monitoring/history");
}

/** GET /monitoring/freshness */
export async function getFreshness(): Promise<FreshnessResponse> {
  return get("/monitoring/freshness");
}

/** GET /monitoring/latency (`series` adds the per-minute points) */
export async function getLatency(series = false): Promise<LatencyResponse> {
  return get("/monitoring/latency", { params: series ? { series: 1 } : undefined });
}

/** GET /monitoring/performance (default: the active version, live traffic, all dates) */
export async function getPerformance(
  params: { version?: string; days?: number; source?: OutcomeSource } = {},
): Promise<PerformanceReport> {
  return get("/monitoring/performance", { params });
}

/** GET /monitoring/performance/outcomes */
export async function getOutcomes(
  params: { version?: string; symbol?: string; limit?: number; source?: OutcomeSource } = {},
): Promise<OutcomesResponse> {
  return get("/monitoring/performance/outcomes", { params });
}

// ---- operator session ----------------------------------------------------------------------

/** POST /auth/login */
export async function login(username: string, password: string): Promise<LoginResponse> {
  return post("/auth/login", { username, password });
}

/** POST /auth/logout */
export async function logout(): Promise<void> {
  await post("/auth/logout");
}

/** GET /auth/me */
export async function getMe(): Promise<MeResponse> {
  return get("/auth/me");
}

// ---- control plane (operator token) --------------------------------------------------------

/** POST /models/activate/{version} */
export async function activateModel(
  version: string,
): Promise<{ status: "ok"; active_version: string }> {
  return post(`/models/activate/${seg(version)}`);
}

/** POST /admin/train */
export async function startTraining(options: TrainOptions = {}): Promise<TrainStartResponse> {
  return post("/admin/train", compact(options));
}

/** GET /admin/train/status */
export async function getTrainingStatus(): Promise<TrainStatusResponse> {
  return get("/admin/train/status");
}

/** POST /admin/activate/{version} */
export async function adminActivate(version: string, reason: string): Promise<ActivateResponse> {
  return post(`/admin/activate/${seg(version)}`, { reason });
}

/** POST /admin/rollback */
export async function adminRollback(reason: string): Promise<RollbackResponse> {
  return post("/admin/rollback", { reason });
}

/** POST /admin/reload */
export async function adminReload(): Promise<ReloadResponse> {
  return post("/admin/reload");
}

/** POST /admin/score: score matured predictions now (operator) */
export async function adminScore(): Promise<ScoreResponse> {
  return post("/admin/score");
}

/** GET /admin/audit */
export async function getAudit(
  params: { limit?: number; action?: string; actor?: string; outcome?: string } = {},
): Promise<AuditResponse> {
  return get("/admin/audit", { params: compact(params) });
}

/** DELETE /admin/audit/clear — `after`/`before` (ISO) bound the range; `reason` is required. */
export async function clearPredictionLogs(body: { reason: string; after?: string; before?: string }): Promise<{
  action: "audit_clear";
  status: "ok";
  deleted: number;
}> {
  const response = await http.delete("/admin/audit/clear", { data: compact(body) });
  return response.data;
}

/** GET /symbols */
export async function getSymbols(): Promise<SymbolsResponse> {
  return get("/symbols");
}

/** GET /monitoring/requests */
export async function getRequestTraffic(minutes = 60): Promise<RequestTrafficResponse> {
  return get("/monitoring/requests", { params: { minutes } });
}

function compact<T extends object>(values: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== "") {
      (out as Record<string, unknown>)[key] = value;
    }
  }
  return out;
}
