import Link from "next/link";
import type { ReactNode } from "react";

/**
 * A titled panel; `href` adds a "details" link, `aside` sits at the right of the title, `id` makes
 * it a link target (`/monitoring#drift`).
 */
export function Card({
  title,
  href,
  aside,
  children,
  className = "",
  testId,
  id,
}: {
  title: string;
  href?: string;
  aside?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
  id?: string;
}) {
  return (
    <section
      id={id}
      data-testid={testId}
      className={`min-w-0 scroll-mt-4 rounded-lg border border-[var(--border)] bg-[var(--panel)] p-4 shadow-sm ${className}`}
    >
      <header className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-sm font-semibold uppercase tracking-wide text-[var(--muted)]">{title}</h2>
        <div className="flex flex-wrap items-center gap-3 text-xs">
          {aside}
          {href ? (
            <Link href={href} className="font-medium text-[var(--accent)] hover:underline">
              Details →
            </Link>
          ) : null}
        </div>
      </header>
      {children}
    </section>
  );
}
