import Link from "next/link";

import type { ApiError } from "@/lib/api";

export interface Explanation {
  title: string;
  message: string;
  /** Where the person at the screen can fix it (a button), when there is such a place. */
  action?: { label: string; href: string };
}

/**
 * One readable explanation per failure of a prediction, written for the person at the screen:
 * what happened and what to do, never an API path to call.
 */
export function explainPredictionError(error: ApiError, symbol: string, symbolCount?: number): Explanation {
  switch (error.code) {
    case "unknown_symbol":
    case "market_data_not_found":
      return {
        title: `No market data for ${symbol}`,
        message:
          symbolCount && symbolCount > 0
            ? `The market-data source has no ${symbol}. Pick one of its ${symbolCount} symbols from the list.`
            : `The market-data source has no ${symbol}. Check the spelling or the exchange.`,
      };
    case "no_active_model":
      return {
        title: "No model is serving yet",
        message: "Predictions need an active model version. Train one, or activate an existing version.",
        action: { label: "Go to Models", href: "/model-management" },
      };
    case "model_unavailable":
    case "model_artifact_missing":
    case "model_artifact_corrupt":
      return {
        title: "The active model cannot be loaded",
        message: `${error.message} Activate or roll back to an available version.`,
        action: { label: "Go to Models", href: "/model-management" },
      };
    case "insufficient_history":
      return { title: `Not enough history for ${symbol}`, message: error.message };
    case "validation_error":
      return { title: "The request was not accepted", message: error.message };
    case "rate_limited":
    case "throttled":
      return { title: "Too many requests", message: "Wait a few seconds, then try again." };
    case "network_error":
      return { title: "The backend cannot be reached", message: error.message };
    default:
      return { title: "The prediction failed", message: error.message };
  }
}

/** The one error block of the explorer: explanation, optional button, code and request id. */
export function PredictionError({ error, symbol, symbolCount }: { error: ApiError; symbol: string; symbolCount?: number }) {
  const { title, message, action } = explainPredictionError(error, symbol, symbolCount);
  return (
    <div role="alert" data-testid="prediction-error" className="rounded border border-[var(--bad)] bg-[var(--bad-bg)] p-3 text-sm">
      <p className="font-semibold text-[var(--bad)]">{title}</p>
      <p className="mt-1 break-words">{message}</p>
      {action ? (
        <Link
          href={action.href}
          data-testid="prediction-error-action"
          className="mt-2 inline-block rounded bg-[var(--accent)] px-3 py-1.5 text-xs font-semibold text-white"
        >
          {action.label}
        </Link>
      ) : null}
      <p className="mt-2 text-xs text-[var(--muted)]">
        <span className="font-mono">{error.code}</span>
        {error.status ? ` (HTTP ${error.status})` : ""}
        {error.requestId ? (
          <>
            {" · request_id "}
            <span className="break-all font-mono" data-testid="error-request-id">
              {error.requestId}
            </span>
          </>
        ) : null}
      </p>
    </div>
  );
}
