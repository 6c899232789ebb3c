import type { ReactNode } from "react";

import type { ApiState } from "@/lib/use-api";

import { EmptyState, ErrorState, LoadingState } from "./states";

/**
 * Renders the loading, error and empty states of an API-backed widget, else `children(data)`.
 * A failed refresh after good data keeps the data and adds the error above it.
 */
export function Widget<T>({
  state,
  isEmpty,
  empty,
  loadingLines,
  children,
}: {
  state: ApiState<T>;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  loadingLines?: number;
  children: (data: T) => ReactNode;
}) {
  const { data, error, loading, refresh } = state;
  if (data === undefined) {
    if (error) return <ErrorState error={error} onRetry={refresh} />;
    if (loading) return <LoadingState lines={loadingLines} />;
    return null;
  }
  const body = isEmpty?.(data) ? <EmptyState>{empty ?? "Nothing to show yet."}</EmptyState> : children(data);
  return (
    <>
      {error ? <ErrorState error={error} onRetry={refresh} title="Refresh failed; showing the last data" /> : null}
      {body}
    </>
  );
}
