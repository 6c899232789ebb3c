"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";

import { ErrorState } from "@/components/ui/states";
import { ApiError, login, toApiError } from "@/lib/api";
import { setSession } from "@/lib/auth-store";
import { safeRedirectPath } from "@/lib/validation";

export function LoginForm() {
  const router = useRouter();
  const params = useSearchParams();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { token, user } = await login(username.trim(), password);
      setSession({ token, user });
      // only a same-origin path: never bounce a freshly signed-in operator to another site
      router.push(safeRedirectPath(params.get("next")));
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-label="Operator sign-in">
      <label className="block text-sm">
        <span className="mb-1 block font-medium">Username</span>
        <input
          name="username"
          autoComplete="username"
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          className="w-full rounded border border-[var(--border)] px-3 py-2"
        />
      </label>
      <label className="block text-sm">
        <span className="mb-1 block font-medium">Password</span>
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          className="w-full rounded border border-[var(--border)] px-3 py-2"
        />
      </label>
      {error ? <ErrorState error={error} title="Sign-in failed" /> : null}
      <button
        type="submit"
        disabled={busy}
        className="w-full rounded bg-[var(--accent)] px-3 py-2 text-sm font-semibold text-white disabled:opacity-60"
      >
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
