import type { ReactNode } from "react";

import { GLOSSARY, type GlossaryId } from "@/lib/glossary";

/**
 * A metric name with its glossary definition as a tooltip: shown on hover and on keyboard
 * focus, read by screen readers through aria-describedby.
 */
export function Term({ id, children }: { id: GlossaryId; children?: ReactNode }) {
  const entry = GLOSSARY[id];
  const tipId = `term-${id}`;
  return (
    <span className="group relative inline-flex items-baseline" data-testid={`term-${id}`}>
      <span
        tabIndex={0}
        aria-describedby={tipId}
        className="cursor-help underline decoration-dotted decoration-1 underline-offset-2 focus:outline-none focus-visible:ring-2 focus-visible:ring-[var(--accent)]"
      >
        {children ?? entry.label}
      </span>
      <span
        id={tipId}
        role="tooltip"
        // display:none until wanted: a hidden-but-laid-out tip would widen a phone-width page.
        className="pointer-events-none absolute left-0 top-full z-20 mt-1 hidden w-64 max-w-[75vw] whitespace-normal rounded border border-[var(--border)] bg-[var(--panel)] p-2 text-left text-xs font-normal normal-case tracking-normal text-[var(--text)] shadow-lg group-focus-within:block group-hover:block"
      >
        {entry.text}
      </span>
    </span>
  );
}
