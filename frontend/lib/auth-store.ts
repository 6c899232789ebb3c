import type { User } from "./types";

/**
 * The operator session: the token lives in memory and in sessionStorage (per tab, gone when the
 * tab closes). Nothing here is a build-time secret; the token is issued at sign-in.
 */
export interface Session {
  token: string | null;
  user: User | null;
}

const STORAGE_KEY = "mlplatform.session";
const SIGNED_OUT: Session = { token: null, user: null };

let current: Session | null = null;
const listeners = new Set<() => void>();

function readStorage(): Session {
  if (typeof window === "undefined") return SIGNED_OUT;
  try {
    const raw = window.sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return SIGNED_OUT;
    const parsed = JSON.parse(raw) as Partial<Session>;
    if (typeof parsed.token !== "string" || !parsed.token) return SIGNED_OUT;
    return { token: parsed.token, user: parsed.user ?? null };
  } catch {
    return SIGNED_OUT;
  }
}

/** The current session (stable reference until it changes, as useSyncExternalStore needs). */
export function getSession(): Session {
  if (current === null) current = readStorage();
  return current;
}

export function getServerSession(): Session {
  return SIGNED_OUT;
}

export function getToken(): string | null {
  return getSession().token;
}

export function setSession(next: Session): void {
  current = next.token ? next : SIGNED_OUT;
  if (typeof window !== "undefined") {
    try {
      if (current.token) window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(current));
      else window.sessionStorage.removeItem(STORAGE_KEY);
    } catch {
      // Storage can be unavailable (private mode); the in-memory session still works.
    }
  }
  listeners.forEach((listener) => listener());
}

export function clearSession(): void {
  setSession(SIGNED_OUT);
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Forget the cached snapshot so the next read comes from storage (tests). */
export function resetSessionCache(): void {
  current = null;
}
