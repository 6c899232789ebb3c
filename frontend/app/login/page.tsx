import type { Metadata } from "next";
import { Suspense } from "react";

import { LoginForm } from "@/components/auth/login-form";
import { LoadingState } from "@/components/ui/states";

export const metadata: Metadata = { title: "Sign in" };

export default function LoginPage() {
  return (
    <div className="mx-auto max-w-sm py-8">
      <h1 className="mb-2 text-2xl font-bold tracking-tight">Operator sign-in</h1>
      <p className="mb-6 text-sm text-[var(--muted)]">
        Public pages work without signing in. Operators can train, activate and roll back.
      </p>
      <div className="rounded-lg border border-[var(--border)] bg-[var(--panel)] p-4">
        <Suspense fallback={<LoadingState />}>
          <LoginForm />
        </Suspense>
      </div>
    </div>
  );
}
