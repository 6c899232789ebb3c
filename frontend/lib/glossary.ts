/**
 * One definition per metric name the dashboard shows. `<Term id=...>` renders the label with
 * this text as its tooltip, so a name means the same thing on every screen.
 */
export interface GlossaryEntry {
  /** The label shown in tables, charts and cards. */
  label: string;
  /** The definition, for the tooltip. */
  text: string;
}

export const GLOSSARY = {
  skill: {
    label: "Skill",
    text:
      "1 − model RMSE ÷ RMSE of the best naive baseline (predict zero, or predict the training mean), " +
      "on the same rows. Above 0% the model beats both baselines; shown in percent.",
  },
  ic: {
    label: "IC",
    text:
      "Information coefficient: Spearman rank correlation between predicted and realized returns. " +
      "0 means no ranking power; 0.05 is already useful for daily returns.",
  },
  directional_edge: {
    label: "Directional edge",
    text:
      "Share of correct up/down calls minus the share the majority-direction baseline gets right. " +
      "Above 0 the model calls direction better than always guessing the usual direction.",
  },
  directional_accuracy: {
    label: "Directional accuracy",
    text: "Share of rows where the predicted and realized returns have the same sign.",
  },
  rmse: {
    label: "RMSE",
    text: "Root mean squared error of the predicted forward return (a return of 0.01 is 100 bp). Lower is better.",
  },
  brier: {
    label: "Brier",
    text:
      "Mean squared error of P(up) against what happened (1 up, 0 not up). Lower is better; compare it " +
      "with the Brier score of always forecasting the base rate.",
  },
  base_rate: {
    label: "Base rate",
    text: "Share of up moves in the training targets: what a forecast with no information would say P(up) is.",
  },
  calibration: {
    label: "Calibration",
    text:
      "Predictions grouped by P(up): for a calibrated model, the share that actually went up in each group " +
      "matches the group's mean P(up) (the diagonal).",
  },
  psi: {
    label: "PSI",
    text:
      "Population stability index of a feature: Σ (live − reference) × ln(live ÷ reference) over the " +
      "reference quantile bins. Below 0.1 stable, 0.1–0.25 moderate shift, above 0.25 significant shift.",
  },
  ks: {
    label: "KS",
    text:
      "Two-sample Kolmogorov–Smirnov test of served feature values against the training reference. " +
      "The statistic is the largest gap between the two distribution functions (0–1). A version trained with " +
      "a calibrated alarm flags a feature when its statistic passes a threshold calibrated on windows of the " +
      "training period; an older version flags a p-value below the threshold (charts plot −log10 p).",
  },
  drift_share: {
    label: "Drift share",
    text: "Share of features whose KS test flags drift in the window.",
  },
  confidence: {
    label: "Confidence",
    text:
      "|2 × P(up) − 1|: 0% is a coin flip, 100% is certain. Multiplied by 0.7 when the input data was " +
      "stale or degraded.",
  },
  probability_up: {
    label: "P(up)",
    text: "The model's probability that the return over the horizon is positive.",
  },
  risk_score: {
    label: "Risk score",
    text:
      "Recent volatility of the symbol, 0–1: annualized volatility of the last 20 daily returns ÷ 80% " +
      "(capped at 1). It describes the stock, not the model's uncertainty.",
  },
  expected_return: {
    label: "Expected return",
    text: "The model's predicted return over the forecast horizon, in basis points (1 bp = 0.01%).",
  },
  served_traffic: {
    label: "Served traffic",
    text: "Feature vectors of predictions this service actually answered (the prediction log).",
  },
  market_data: {
    label: "Market data",
    text: "Recent candles fetched from the market-data source, independent of what was served.",
  },
  latency: {
    label: "Latency",
    text: "End-to-end time of a prediction in the server (from the prediction log), in milliseconds.",
  },
  error_rate: {
    label: "Error rate",
    text: "Share of requests answered with an HTTP 4xx (client) or 5xx (server) status.",
  },
  horizon: {
    label: "Horizon",
    text: "How far ahead the model predicts: the forward return over this many trading days.",
  },
} satisfies Record<string, GlossaryEntry>;

export type GlossaryId = keyof typeof GLOSSARY;

/** Names of the data each drift report is computed on, the same words on every screen. */
export const SOURCE_NAMES: Record<string, string> = {
  live: "Served traffic",
  served: "Served traffic",
  serving: "Served traffic",
  traffic: "Served traffic",
  market: "Market data",
};

export function sourceName(source: string | null | undefined): string {
  if (!source) return "—";
  return SOURCE_NAMES[source.toLowerCase()] ?? source;
}
