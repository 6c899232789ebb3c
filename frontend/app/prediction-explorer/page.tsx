import type { Metadata } from "next";

import { PageHeader } from "@/components/layout/page-header";
import { ExplorerView } from "@/components/predictions/explorer-view";

export const metadata: Metadata = { title: "Prediction Explorer" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

export default async function PredictionExplorerPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const symbol = first(params.symbol);
  const exchange = first(params.exchange);
  return (
    <>
      <PageHeader
        title="Prediction Explorer"
        subtitle="Ask the active model about one symbol, see the inputs it used, or run a pasted list."
      />
      {/* No `key` from the query: the view writes ?symbol= itself, and a re-mount would predict again. */}
      <ExplorerView initialSymbol={symbol} initialExchange={exchange} />
    </>
  );
}
