"use client";

import { useEffect } from "react";

import { ErrorState } from "@/components/ui/states";

/** Body of each section's error.tsx: what failed (with request id when known) and a retry. */
export function RouteError({ section, error, retry }: { section: string; error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const shown = error instanceof Error ? error : new Error(String(error));
  return (
    <div className="mx-auto max-w-xl py-10">
      <h1 className="mb-4 text-xl font-bold">{section} could not be shown</h1>
      <ErrorState error={shown} onRetry={retry} title="Something went wrong" />
    </div>
  );
}
