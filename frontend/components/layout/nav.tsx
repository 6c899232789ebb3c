"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";

import { logout } from "@/lib/api";
import { clearSession } from "@/lib/auth-store";
import { useSession } from "@/lib/use-session";

const LINKS = [
  { href: "/", label: "Overview" },
  { href: "/prediction-explorer", label: "Prediction Explorer" },
  { href: "/model-management", label: "Models" },
  { href: "/monitoring", label: "Monitoring" },
  { href: "/audit", label: "Audit" },
];

export function Nav() {
  const pathname = usePathname();
  const router = useRouter();
  const session = useSession();

  async function signOut() {
    try {
      await logout();
    } catch {
      // Signing out locally matters more than the server call succeeding.
    }
    clearSession();
    router.refresh();
  }

  return (
    <header className="border-b border-[var(--border)] bg-[var(--panel)]">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
        <Link href="/" className="order-1 text-base font-bold tracking-tight">
          ML Engine
        </Link>
        <nav aria-label="Main" className="order-3 -mx-1 flex w-full flex-wrap gap-1 text-sm md:order-2 md:w-auto">
          {LINKS.map((link) => {
            const active = link.href === "/" ? pathname === "/" : pathname.startsWith(link.href);
            return (
              <Link
                key={link.href}
                href={link.href}
                aria-current={active ? "page" : undefined}
                className={`whitespace-nowrap rounded px-2 py-1 ${
                  active ? "bg-[var(--hover)] font-semibold" : "text-[var(--muted)] hover:bg-[var(--hover)]"
                }`}
              >
                {link.label}
              </Link>
            );
          })}
        </nav>
        <div className="order-2 ml-auto flex items-center gap-3 text-sm md:order-3">
          {session.signedIn ? (
            <>
              <span data-testid="signed-in-user" className="text-[var(--muted)]">
                {session.user?.username ?? "signed in"}
                {session.isOperator ? " · operator" : ""}
              </span>
              <button
                type="button"
                onClick={signOut}
                className="rounded border border-[var(--border)] px-2 py-1 hover:bg-[var(--hover)]"
              >
                Sign out
              </button>
            </>
          ) : (
            <Link href="/login" className="rounded bg-[var(--accent)] px-3 py-1 font-medium text-white">
              Sign in
            </Link>
          )}
        </div>
      </div>
    </header>
  );
}
