import type { Metadata } from "next";

import { AuditView } from "@/components/audit/audit-view";
import { PageHeader } from "@/components/layout/page-header";

export const metadata: Metadata = { title: "Audit" };

export default function AuditPage() {
  return (
    <>
      <PageHeader title="Audit" subtitle="Every control-plane action, allowed or denied. Append-only." />
      <AuditView />
    </>
  );
}
