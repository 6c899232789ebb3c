import { fmtPct, isNum } from "@/lib/format";
import type { DriftReport } from "@/lib/types";

/** Features whose KS statistic is beyond their (calibrated) threshold. */
export function driftingFeatures(report: DriftReport): string[] {
  return Object.entries(report.details ?? {})
    .filter(([, d]) => d.drift)
    .map(([name]) => name);
}

/** "167 distinct inputs from 500 requests", or just the rows when requests are unknown. */
export function driftWindowText(report: DriftReport): string {
  const rows = isNum(report.distinct_rows) ? report.distinct_rows : report.samples;
  if (!isNum(rows)) return "no inputs counted";
  const inputs = `${rows} distinct input${rows === 1 ? "" : "s"}`;
  return isNum(report.requests) && report.requests !== rows ? `${inputs} from ${report.requests} requests` : inputs;
}

/** How often the alarm fires with no change, in words. */
export function falseAlarmText(report: DriftReport): string {
  if (report.calibration === "empirical" && isNum(report.false_alarm_rate)) {
    return `false-alarm rate ${fmtPct(report.false_alarm_rate, 0)} per window (calibrated on the training period)`;
  }
  return "uncalibrated (independent-rows KS rule; false-alarm rate unknown)";
}

/** One sentence for the Overview card: what was tested, what fired, and how much to trust it. */
export function driftSentence(report: DriftReport): string {
  const window = driftWindowText(report);
  const alarm = falseAlarmText(report);
  const features = Object.keys(report.details ?? {});
  switch (report.status) {
    case "no_model":
      return "No active model, so there is no training reference to compare with.";
    case "insufficient_data":
      return `Not enough distinct inputs to test (${window}); ${alarm}.`;
    case "drift_detected": {
      const drifted = driftingFeatures(report);
      return (
        `${drifted.length} of ${features.length} features beyond their thresholds (${drifted.join(", ")}) ` +
        `over ${window}; ${alarm}.`
      );
    }
    default:
      return `All ${features.length} features within their thresholds over ${window}; ${alarm}.`;
  }
}
