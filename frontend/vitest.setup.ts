import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

import { clearSession } from "@/lib/auth-store";

afterEach(() => {
  cleanup();
  clearSession();
  if (typeof window !== "undefined") window.sessionStorage.clear();
});

// jsdom has no layout engine: give Recharts' ResponsiveContainer a ResizeObserver to subscribe to.
class ResizeObserverStub {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
if (!("ResizeObserver" in globalThis)) {
  (globalThis as { ResizeObserver?: unknown }).ResizeObserver = ResizeObserverStub;
}
