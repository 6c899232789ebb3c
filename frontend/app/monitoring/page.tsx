import type { Metadata } from "next";

import { PageHeader } from "@/components/layout/page-header";
import { MonitoringView } from "@/components/monitoring/monitoring-view";

export const metadata: Metadata = { title: "Monitoring" };

export default function MonitoringPage() {
  return (
    <>
      <PageHeader
        title="Monitoring"
        subtitle="Drift, latency, freshness and training history, from persisted records. Refreshes every 15 s."
      />
      <MonitoringView />
    </>
  );
}
