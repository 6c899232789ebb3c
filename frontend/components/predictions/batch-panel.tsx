"use client";

import { useState, type FormEvent } from "react";

import { Badge } from "@/components/ui/badge";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { ApiError, postPredictBatch, toApiError } from "@/lib/api";
import { Term } from "@/components/ui/term";
import { fmtPct, fmtReturn } from "@/lib/format";
import type { BatchItem, BatchItemError } from "@/lib/types";
import { EXCHANGES, MAX_BATCH_SYMBOLS, parseSymbolList } from "@/lib/validation";

import { isStale, SIGNAL_TONE } from "./prediction-card";

const CSV_COLUMNS = [
  "symbol",
  "prediction",
  "confidence",
  "probability_up",
  "expected_return",
  "version",
  "degraded_input",
  "input_data_status",
  "error",
] as const;

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The batch as CSV: the API's raw values (fractions, not percent), one row per symbol. */
export function batchToCsv(items: BatchItem[]): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const item of items) {
    lines.push(
      CSV_COLUMNS.map((column) => csvCell(column === "error" ? (item.error ? itemErrorText(item.error) : "") : item[column])).join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

function downloadCsv(items: BatchItem[]): void {
  const blob = new Blob([batchToCsv(items)], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = `batch-predictions-${new Date().toISOString().replace(/[:.]/g, "-")}.csv`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

function RowFlags({ item }: { item: BatchItem }) {
  const stale = isStale(item.input_data_status);
  if (!item.degraded_input && !stale) return null;
  return (
    <span className="ml-1 inline-flex gap-1">
      {item.degraded_input ? (
        <Badge tone="warn" testId="batch-row-degraded">
          degraded
        </Badge>
      ) : null}
      {stale ? (
        <Badge tone="warn" testId="batch-row-stale">
          stale
        </Badge>
      ) : null}
    </span>
  );
}

/** Readable text of a batch item's error (`{code, message}`). */
export function itemErrorText(error: BatchItemError | null): string {
  if (!error) return "";
  const { code, message } = error;
  if (message && code) return `${message} (${code})`;
  return message || code || "failed";
}

export function BatchResults({ items }: { items: BatchItem[] }) {
  if (!items.length) return <EmptyState>The batch returned no items.</EmptyState>;
  const failed = items.filter((i) => i.error).length;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-xs text-[var(--muted)]" data-testid="batch-summary">
          {items.length - failed} succeeded, {failed} failed
        </p>
        <button
          type="button"
          onClick={() => downloadCsv(items)}
          data-testid="batch-export"
          className="rounded border border-[var(--border)] px-2 py-1 text-xs font-medium hover:bg-[var(--hover)]"
        >
          Export CSV
        </button>
      </div>
      <div className="overflow-x-auto">
        <table className="w-full min-w-[32rem] text-sm" data-testid="batch-results">
          <thead>
            <tr className="border-b border-[var(--border)] text-left text-xs text-[var(--muted)]">
              <th className="py-1 pr-2 font-medium">Symbol</th>
              <th className="py-1 pr-2 font-medium">Signal</th>
              <th className="py-1 pr-2 text-right font-medium">
                <Term id="confidence" />
              </th>
              <th className="py-1 pr-2 text-right font-medium">
                <Term id="probability_up" />
              </th>
              <th className="py-1 pr-2 text-right font-medium">
                <Term id="expected_return" />
              </th>
              <th className="py-1 font-medium">Version</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item, i) => (
              <tr
                key={`${item.symbol}-${i}`}
                data-testid={`batch-row-${item.symbol}`}
                className="border-b border-[var(--border)] last:border-0"
              >
                <td className="py-1 pr-2 font-medium">{item.symbol}</td>
                {item.error ? (
                  <td colSpan={5} className="py-1 text-[var(--bad)]" data-testid="batch-row-error">
                    {itemErrorText(item.error)}
                  </td>
                ) : (
                  <>
                    <td className="py-1 pr-2 whitespace-nowrap">
                      {item.prediction ? <Badge tone={SIGNAL_TONE[item.prediction]}>{item.prediction}</Badge> : "—"}
                      <RowFlags item={item} />
                    </td>
                    <td className="py-1 pr-2 text-right font-mono">{fmtPct(item.confidence)}</td>
                    <td className="py-1 pr-2 text-right font-mono">{fmtPct(item.probability_up)}</td>
                    <td className="py-1 pr-2 text-right font-mono">{fmtReturn(item.expected_return)}</td>
                    <td className="py-1 font-mono">{item.version ?? "—"}</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function BatchPanel({ suggestions = [] }: { suggestions?: string[] }) {
  const [text, setText] = useState("");
  const [exchange, setExchange] = useState("");
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [items, setItems] = useState<BatchItem[] | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const symbols = parseSymbolList(text);
    if (!symbols.length) return setFormError("Paste at least one symbol.");
    if (symbols.length > MAX_BATCH_SYMBOLS) return setFormError(`At most ${MAX_BATCH_SYMBOLS} symbols per batch.`);
    setFormError(null);
    setError(null);
    setBusy(true);
    try {
      const result = await postPredictBatch({ symbols, exchange: exchange || undefined });
      setItems(result.items);
    } catch (err) {
      setError(toApiError(err));
      setItems(null);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="space-y-3">
      <form onSubmit={onSubmit} className="space-y-2" aria-label="Batch prediction">
        <label className="block text-sm">
          <span className="mb-1 block font-medium">Symbols (comma, space or one per line)</span>
          <textarea
            name="symbols"
            rows={3}
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={suggestions.length ? suggestions.slice(0, 3).join(", ") : "AAPL, MSFT"}
            className="w-full rounded border border-[var(--border)] px-3 py-2 font-mono text-sm"
          />
        </label>
        <div className="flex flex-wrap items-end gap-2">
          <ExchangeSelect value={exchange} onChange={setExchange} name="batch-exchange" />
          <button
            type="submit"
            disabled={busy}
            className="rounded bg-[var(--accent)] px-3 py-2 text-sm font-semibold text-white disabled:opacity-60"
          >
            {busy ? "Predicting…" : "Predict batch"}
          </button>
        </div>
        {formError ? (
          <p role="alert" className="text-sm text-[var(--bad)]">
            {formError}
          </p>
        ) : null}
      </form>
      {busy ? (
        <p role="status" className="text-sm text-[var(--muted)]">
          Running the batch…
        </p>
      ) : null}
      {error ? <ErrorState error={error} title="Batch prediction failed" /> : null}
      {items ? <BatchResults items={items} /> : null}
    </div>
  );
}

export function ExchangeSelect({
  value,
  onChange,
  name,
}: {
  value: string;
  onChange: (value: string) => void;
  name: string;
}) {
  return (
    <label className="block text-sm">
      <span className="mb-1 block font-medium">Exchange</span>
      <select
        name={name}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className="rounded border border-[var(--border)] px-2 py-2"
      >
        <option value="">Default</option>
        {EXCHANGES.map((x) => (
          <option key={x} value={x}>
            {x}
          </option>
        ))}
      </select>
    </label>
  );
}
