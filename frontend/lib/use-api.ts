"use client";

import { useCallback, useEffect, useEffectEvent, useState } from "react";

import { ApiError, toApiError } from "./api";

export interface ApiState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  /** True until the first answer (data or error) for the current key arrives. */
  loading: boolean;
  lastUpdated: Date | null;
  refresh: () => void;
}

interface Slot<T> {
  key: string | null;
  data: T | undefined;
  error: ApiError | undefined;
  lastUpdated: Date | null;
}

/**
 * Loads `fetcher()` whenever `key` changes (null: do nothing) and, with `refreshMs`, again on an
 * interval. Keeps the last good data while a later refresh fails, so a widget can show both.
 */
export function useApi<T>(
  key: string | null,
  fetcher: () => Promise<T>,
  options: { refreshMs?: number } = {},
): ApiState<T> {
  const { refreshMs } = options;
  const [slot, setSlot] = useState<Slot<T>>({
    key: null,
    data: undefined,
    error: undefined,
    lastUpdated: null,
  });
  const [tick, setTick] = useState(0);

  const load = useEffectEvent(async (forKey: string, live: { current: boolean }) => {
    try {
      const data = await fetcher();
      if (live.current) setSlot({ key: forKey, data, error: undefined, lastUpdated: new Date() });
    } catch (err) {
      if (!live.current) return;
      const error = toApiError(err);
      setSlot((prev) => ({
        key: forKey,
        data: prev.key === forKey ? prev.data : undefined,
        error,
        lastUpdated: prev.key === forKey ? prev.lastUpdated : null,
      }));
    }
  });

  useEffect(() => {
    if (key === null) return;
    const live = { current: true };
    // Deferred a tick so a quick unmount (StrictMode's double effect) never fires a request.
    const first = window.setTimeout(() => void load(key, live), 0);
    const timer = refreshMs ? window.setInterval(() => void load(key, live), refreshMs) : undefined;
    return () => {
      live.current = false;
      window.clearTimeout(first);
      if (timer !== undefined) window.clearInterval(timer);
    };
  }, [key, refreshMs, tick]);

  const refresh = useCallback(() => setTick((t) => t + 1), []);
  const current = slot.key === key;
  return {
    data: current ? slot.data : undefined,
    error: current ? slot.error : undefined,
    loading: key !== null && (!current || (slot.data === undefined && slot.error === undefined)),
    lastUpdated: current ? slot.lastUpdated : null,
    refresh,
  };
}
