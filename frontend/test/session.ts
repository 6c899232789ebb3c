import { act } from "@testing-library/react";

import { clearSession, setSession } from "@/lib/auth-store";

export function signInAs(username: string, isOperator: boolean): void {
  act(() => setSession({ token: "test-token", user: { username, is_operator: isOperator, is_staff: false } }));
}

export function signOut(): void {
  act(() => clearSession());
}
