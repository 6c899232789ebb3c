import { LoadingState } from "@/components/ui/states";

/** Skeleton shown by each section's loading.tsx while the route loads. */
export function RouteLoading({ title, cards = 4 }: { title: string; cards?: number }) {
  return (
    <div aria-busy="true">
      <h1 className="mb-6 text-2xl font-bold tracking-tight">{title}</h1>
      <div className="grid gap-4 md:grid-cols-2">
        {Array.from({ length: cards }, (_, i) => (
          <div key={i} className="rounded-lg border border-[var(--border)] bg-[var(--panel)] p-4">
            <LoadingState label={`Loading ${title}…`} />
          </div>
        ))}
      </div>
    </div>
  );
}
