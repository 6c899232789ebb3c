import Link from "next/link";

export function SignInHint({ action }: { action: string }) {
  return (
    <p className="text-sm text-[var(--muted)]" data-testid="sign-in-hint">
      <Link href="/login" className="font-medium text-[var(--accent)] hover:underline">
        Sign in as an operator
      </Link>{" "}
      to {action}.
    </p>
  );
}
