/** Security headers of every dashboard page (applied in next.config.ts). */

function isDev(): boolean {
  return process.env.NODE_ENV !== "production";
}

/** The backend origin the browser calls (NEXT_PUBLIC_BACKEND_URL), for `connect-src`. */
function backendOrigin(): string {
  const raw = process.env.NEXT_PUBLIC_BACKEND_URL || "http://127.0.0.1:8000";
  try {
    return new URL(raw).origin;
  } catch {
    return "";
  }
}

/**
 * Content-Security-Policy of every page. Scripts and styles are this origin's own; Next.js
 * inlines its hydration data in <script> tags (and Recharts/Tailwind set inline styles), so
 * 'unsafe-inline' stays until pages carry per-request nonces; `next dev` also needs eval.
 * Framing, plugins, <base> and form posts to other origins are refused outright.
 */
export function contentSecurityPolicy(): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${isDev() ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${backendOrigin()}${isDev() ? " ws: wss:" : ""}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ];
  return directives.join("; ");
}

export function securityHeaders(): { key: string; value: string }[] {
  return [
    { key: "Content-Security-Policy", value: contentSecurityPolicy() },
    { key: "X-Frame-Options", value: "DENY" },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
    { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  ];
}
