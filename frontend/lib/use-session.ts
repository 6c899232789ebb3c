"use client";

import { useSyncExternalStore } from "react";

import { getServerSession, getSession, subscribeSession, type Session } from "./auth-store";

export interface SessionView extends Session {
  signedIn: boolean;
  isOperator: boolean;
}

/** The operator session for components; signed-out during server render and hydration. */
export function useSession(): SessionView {
  const session = useSyncExternalStore(subscribeSession, getSession, getServerSession);
  return {
    ...session,
    signedIn: session.token !== null,
    isOperator: session.token !== null && session.user?.is_operator === true,
  };
}
