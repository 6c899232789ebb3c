import type { ReactNode } from "react";

export type Tone = "good" | "warn" | "bad" | "neutral" | "info";

const TONES: Record<Tone, string> = {
  good: "bg-[var(--good-bg)] text-[var(--good)] border-[var(--good)]",
  warn: "bg-[var(--warn-bg)] text-[var(--warn)] border-[var(--warn)]",
  bad: "bg-[var(--bad-bg)] text-[var(--bad)] border-[var(--bad)]",
  info: "bg-[var(--info-bg)] text-[var(--accent)] border-[var(--accent)]",
  neutral: "bg-[var(--hover)] text-[var(--muted)] border-[var(--border)]",
};

export function Badge({ tone = "neutral", children, testId }: { tone?: Tone; children: ReactNode; testId?: string }) {
  return (
    <span
      data-testid={testId}
      className={`inline-flex items-center rounded-full border px-2 py-0.5 text-xs font-semibold ${TONES[tone]}`}
    >
      {children}
    </span>
  );
}

/** Tone for the status words the API uses (ok, healthy, degraded, drift_detected, ...). */
export function statusTone(status: string | null | undefined): Tone {
  switch ((status ?? "").toLowerCase()) {
    case "ok":
    case "healthy":
    case "fresh":
    case "succeeded":
    case "success":
    case "completed":
    case "live":
      return "good";
    case "degraded":
    case "stale":
    case "insufficient_data":
    case "warning":
    case "running":
    case "queued":
    case "pending":
      return "warn";
    case "error":
    case "failed":
    case "fail":
    case "drift_detected":
    case "denied":
    case "unavailable":
      return "bad";
    case "no_model":
      return "neutral";
    default:
      return "neutral";
  }
}
