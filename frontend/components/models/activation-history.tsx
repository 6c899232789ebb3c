"use client";

import { Badge, type Tone } from "@/components/ui/badge";
import { Widget } from "@/components/ui/widget";
import { getActivations } from "@/lib/api";
import { fmtDateTime } from "@/lib/format";
import type { ActivationKind } from "@/lib/types";
import { useApi } from "@/lib/use-api";

const KIND_TONE: Record<ActivationKind, Tone> = { activate: "info", rollback: "warn", policy: "neutral" };
const KIND_LABEL: Record<ActivationKind, string> = {
  activate: "activation",
  rollback: "rollback",
  policy: "policy (after training)",
};

export function ActivationHistory({ revision }: { revision: number }) {
  const state = useApi(`activations:${revision}`, getActivations);
  return (
    <Widget state={state} isEmpty={(d) => !d.activations.length} empty="No activation recorded yet.">
      {(data) => (
        <ol className="space-y-2 text-sm" data-testid="activation-history">
          {data.activations.map((a, i) => (
            <li
              key={`${a.timestamp}-${i}`}
              className="rounded border border-[var(--border)] p-2"
              data-testid="activation-entry"
            >
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <span className="flex items-center gap-2">
                  <span className="font-mono font-semibold">
                    {a.from_version ?? "∅"} → {a.to_version}
                  </span>
                  {a.kind ? (
                    <Badge tone={KIND_TONE[a.kind] ?? "neutral"} testId="activation-kind">
                      {KIND_LABEL[a.kind] ?? a.kind}
                    </Badge>
                  ) : null}
                </span>
                <span className="text-xs text-[var(--muted)]">{fmtDateTime(a.timestamp)}</span>
              </div>
              <p className="text-xs text-[var(--muted)]">
                by <span className="font-medium text-[var(--text)]">{a.actor}</span>
                {a.reason ? (
                  <>
                    {" "}
                    · “<span className="text-[var(--text)]">{a.reason}</span>”
                  </>
                ) : null}
              </p>
            </li>
          ))}
        </ol>
      )}
    </Widget>
  );
}
