import { EmptyState } from "@/components/ui/states";
import { isNum } from "@/lib/format";
import type { Prediction } from "@/lib/types";

/** The feature values the model used, name -> value (the row /predict returns). */
export function FeatureValues({ values }: { values: Prediction["features"] | null | undefined }) {
  const entries = Object.entries(values ?? {}).filter(([name]) => name !== "timestamp");
  if (!entries.length) return <EmptyState>The API returned no feature values for this prediction.</EmptyState>;
  return (
    <table className="w-full text-sm" data-testid="feature-values">
      <thead>
        <tr className="border-b border-[var(--border)] text-left text-xs text-[var(--muted)]">
          <th className="py-1 font-medium">Feature</th>
          <th className="py-1 text-right font-medium">Value</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([name, value]) => (
          <tr key={name} className="border-b border-[var(--border)] last:border-0">
            <td className="py-1 font-mono text-xs">{name}</td>
            <td className="py-1 text-right font-mono text-xs">
              {isNum(value) ? Number(value.toPrecision(5)).toString() : value === null ? "—" : String(value)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
