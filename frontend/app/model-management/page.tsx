import type { Metadata } from "next";

import { PageHeader } from "@/components/layout/page-header";
import { ModelsView } from "@/components/models/models-view";

export const metadata: Metadata = { title: "Models" };

export default function ModelManagementPage() {
  return (
    <>
      <PageHeader title="Models" subtitle="The registry's versions, their honest metrics, and who activated what and why." />
      <ModelsView />
    </>
  );
}
