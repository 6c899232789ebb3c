import { Badge, type Tone } from "@/components/ui/badge";
import { ProgressBar } from "@/components/ui/progress";
import { fmtDateTime, fmtMs, fmtNum, fmtPct, fmtReturn } from "@/lib/format";
import type { Prediction, Signal } from "@/lib/types";

export const SIGNAL_TONE: Record<Signal, Tone> = { BUY: "good", SELL: "bad", HOLD: "neutral" };

/** Whether the API says the inputs were stale (anything but a fresh/ok input status). */
export function isStale(status: string | null | undefined): boolean {
  return Boolean(status) && /stale/i.test(status ?? "");
}

/** One prediction as the API returned it: signal, probabilities, return, risk and provenance. */
export function PredictionCard({ prediction }: { prediction: Prediction }) {
  const p = prediction;
  return (
    <article data-testid="prediction-card" className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <span className="text-2xl font-bold">{p.symbol}</span>
        {p.exchange ? <span className="text-sm text-[var(--muted)]">{p.exchange}</span> : null}
        <span
          data-testid="prediction-signal"
          className={`rounded-md px-3 py-1 text-lg font-bold ${
            p.prediction === "BUY"
              ? "bg-[var(--good-bg)] text-[var(--good)]"
              : p.prediction === "SELL"
                ? "bg-[var(--bad-bg)] text-[var(--bad)]"
                : "bg-[var(--hover)] text-[var(--text)]"
          }`}
        >
          {p.prediction}
        </span>
        {p.degraded_input ? (
          <Badge tone="warn" testId="badge-degraded">
            degraded input
          </Badge>
        ) : null}
        {isStale(p.input_data_status) ? (
          <Badge tone="warn" testId="badge-stale">
            stale data
          </Badge>
        ) : null}
      </div>

      <div>
        <div className="mb-1 flex justify-between text-xs text-[var(--muted)]">
          <span>
            P(up) {fmtPct(p.probability_up)}
            {typeof p.base_rate === "number" ? (
              <span className="text-[var(--muted)]" data-testid="base-rate">
                {" "}
                vs base rate {fmtPct(p.base_rate)}
              </span>
            ) : null}
          </span>
          <span>P(down) {fmtPct(p.probability_down)}</span>
        </div>
        <ProgressBar value={p.probability_up} label="Probability of an up move" color="var(--good)" />
      </div>

      <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
        <Item label="Confidence" value={fmtPct(p.confidence)} testId="prediction-confidence" />
        <Item label={`Expected return (${p.forecast_horizon})`} value={fmtReturn(p.expected_return, 3)} />
        <Item label="Risk score" value={fmtNum(p.risk_score, 3)} />
        <Item label="Model version" value={p.model_version} testId="prediction-version" />
      </dl>

      <dl className="grid gap-1 text-xs text-[var(--muted)] sm:grid-cols-2">
        <div>
          <dt className="inline">Input status: </dt>
          <dd className="inline font-mono">{p.input_data_status}</dd>
        </div>
        <div>
          <dt className="inline">Inference: </dt>
          <dd className="inline font-mono">
            {fmtMs(p.inference_latency_ms)} (request {fmtMs(p.latency_ms)})
          </dd>
        </div>
        <div>
          <dt className="inline">At: </dt>
          <dd className="inline font-mono">{fmtDateTime(p.timestamp)}</dd>
        </div>
        <div>
          <dt className="inline">request_id: </dt>
          <dd className="inline break-all font-mono" data-testid="prediction-request-id">
            {p.request_id}
          </dd>
        </div>
      </dl>
    </article>
  );
}

function Item({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="min-w-0">
      <dt className="truncate text-xs text-[var(--muted)]">{label}</dt>
      <dd className="font-mono text-base font-semibold" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
