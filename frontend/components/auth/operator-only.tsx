"use client";

import type { ReactNode } from "react";

import { useSession } from "@/lib/use-session";

/** Renders its children only for a signed-in operator; `fallback` otherwise. */
export function OperatorOnly({ children, fallback = null }: { children: ReactNode; fallback?: ReactNode }) {
  const { isOperator } = useSession();
  return <>{isOperator ? children : fallback}</>;
}
