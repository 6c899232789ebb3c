import type { Metadata } from "next";

import { PageHeader } from "@/components/layout/page-header";
import { VersionView } from "@/components/models/version/version-view";

type Params = Promise<{ version: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { version } = await params;
  return { title: `Model ${decodeURIComponent(version)}` };
}

export default async function VersionPage({ params }: { params: Params }) {
  const { version } = await params;
  const label = decodeURIComponent(version);
  return (
    <>
      <PageHeader title={`Model ${label}`} subtitle="Where this version came from, how it scored, and what was decided about it." />
      <VersionView version={label} />
    </>
  );
}
