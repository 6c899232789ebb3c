import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";

import { SessionCheck } from "@/components/auth/session-check";
import { Nav } from "@/components/layout/nav";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: "ML Engine Platform", template: "%s · ML Engine Platform" },
  description: "Operator dashboard: models, predictions, drift, latency and the audit trail.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen antialiased">
        <SessionCheck />
        <Nav />
        <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
      </body>
    </html>
  );
}
