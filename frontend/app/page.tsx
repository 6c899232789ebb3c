import { PageHeader } from "@/components/layout/page-header";
import { ActiveModelCard } from "@/components/overview/active-model-card";
import { DriftStatusCard } from "@/components/overview/drift-status-card";
import { FreshnessCard } from "@/components/overview/freshness-card";
import { HealthCard } from "@/components/overview/health-card";
import { LastTrainingCard } from "@/components/overview/last-training-card";
import { LatencyCard } from "@/components/overview/latency-card";
import { ReadinessCard } from "@/components/overview/readiness-card";
import { RealizedPerformanceCard } from "@/components/overview/realized-performance-card";

export default function OverviewPage() {
  return (
    <>
      <PageHeader
        title="Overview"
        subtitle="What is serving, how well, and whether its inputs still look like the training data. Refreshes every 15 s."
      />
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        <div className="md:col-span-2 xl:col-span-3">
          <HealthCard />
        </div>
        <div className="md:col-span-2">
          <ActiveModelCard />
        </div>
        <ReadinessCard />
        <DriftStatusCard />
        <LatencyCard />
        <RealizedPerformanceCard />
        <FreshnessCard />
        <div className="md:col-span-2 xl:col-span-3">
          <LastTrainingCard />
        </div>
      </div>
    </>
  );
}
