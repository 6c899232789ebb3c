"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

/**
 * The only place Recharts is used. Charts receive rows already shaped by the caller (real API
 * values, nothing interpolated) and take colours from CSS variables.
 */

export type ChartRow = Record<string, string | number | null>;

export interface SeriesSpec {
  key: string;
  label: string;
  /** A CSS colour, normally `var(--chart-N)`. */
  color: string;
}

const AXIS_TICK = { fill: "var(--muted)", fontSize: 11 };
const TOOLTIP_STYLE = {
  background: "var(--panel)",
  border: "1px solid var(--border)",
  borderRadius: 6,
  fontSize: 12,
};

function tickNumber(value: unknown): string {
  if (typeof value !== "number") return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 0.001 || abs >= 100000)) return value.toExponential(1);
  return Number(value.toPrecision(abs < 1 ? 3 : 4)).toString();
}

export function LineSeriesChart({
  data,
  xKey,
  series,
  xLabel,
  yLabel,
  xTickFormatter,
  height = 240,
  referenceY,
  testId,
  dots = true,
  yDomain,
}: {
  data: ChartRow[];
  xKey: string;
  series: SeriesSpec[];
  xLabel: string;
  yLabel: string;
  xTickFormatter?: (value: string | number) => string;
  height?: number;
  referenceY?: { value: number; label: string; color?: string };
  testId?: string;
  dots?: boolean;
  /** Fixed y range, e.g. [0, 1] for shares; automatic otherwise. */
  yDomain?: [number, number];
}) {
  return (
    <div data-testid={testId} className="chart w-full" style={{ height }}>
      <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 600, height }}>
        <LineChart data={data} margin={{ top: 12, right: 16, bottom: 24, left: 8 }}>
          <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" />
          <XAxis
            dataKey={xKey}
            tick={AXIS_TICK}
            tickFormatter={xTickFormatter}
            minTickGap={24}
            label={{ value: xLabel, position: "insideBottom", offset: -14, fill: "var(--muted)", fontSize: 11 }}
          />
          <YAxis
            tick={AXIS_TICK}
            tickFormatter={tickNumber}
            width={64}
            domain={yDomain ?? ["auto", "auto"]}
            label={{ value: yLabel, angle: -90, position: "insideLeft", fill: "var(--muted)", fontSize: 11, dy: 40 }}
          />
          <Tooltip
            contentStyle={TOOLTIP_STYLE}
            labelFormatter={(label) => (xTickFormatter ? xTickFormatter(label as string) : String(label))}
          />
          {series.length > 1 ? <Legend verticalAlign="top" height={24} wrapperStyle={{ fontSize: 12 }} /> : null}
          {referenceY ? (
            <ReferenceLine
              y={referenceY.value}
              stroke={referenceY.color ?? "var(--warn)"}
              strokeDasharray="4 4"
              label={{ value: referenceY.label, fill: "var(--muted)", fontSize: 11, position: "insideTopRight" }}
            />
          ) : null}
          {series.map((s) => (
            <Line
              key={s.key}
              type="monotone"
              dataKey={s.key}
              name={s.label}
              stroke={s.color}
              strokeWidth={2}
              dot={dots ? { r: 2, fill: s.color } : false}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

export function BarSeriesChart({
  data,
  categoryKey,
  valueKey,
  valueLabel,
  categoryLabel,
  threshold,
  colorFor,
  height,
  testId,
}: {
  data: ChartRow[];
  categoryKey: string;
  valueKey: string;
  valueLabel: string;
  categoryLabel: string;
  threshold?: { value: number; label: string };
  colorFor: (row: ChartRow) => string;
  height?: number;
  testId?: string;
}) {
  const chartHeight = height ?? Math.max(160, data.length * 28 + 60);
  return (
    <div data-testid={testId} className="chart w-full" style={{ height: chartHeight }}>
      <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 600, height: chartHeight }}>
        <BarChart data={data} layout="vertical" margin={{ top: 20, right: 24, bottom: 24, left: 8 }}>
          <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" horizontal={false} />
          <XAxis
            type="number"
            tick={AXIS_TICK}
            // Keep the threshold on the scale even when every bar is far below it.
            domain={threshold ? [0, (dataMax: number) => Math.max(dataMax, threshold.value * 1.2)] : [0, "auto"]}
            tickFormatter={tickNumber}
            label={{ value: valueLabel, position: "insideBottom", offset: -14, fill: "var(--muted)", fontSize: 11 }}
          />
          <YAxis
            type="category"
            dataKey={categoryKey}
            tick={AXIS_TICK}
            width={110}
            interval={0}
            label={{ value: categoryLabel, angle: -90, position: "insideLeft", fill: "var(--muted)", fontSize: 11 }}
          />
          <Tooltip contentStyle={TOOLTIP_STYLE} cursor={{ fill: "var(--hover)" }} />
          {threshold ? (
            <ReferenceLine
              x={threshold.value}
              stroke="var(--warn)"
              strokeDasharray="4 4"
              label={{ value: threshold.label, fill: "var(--muted)", fontSize: 11, position: "top" }}
            />
          ) : null}
          <Bar dataKey={valueKey} name={valueLabel} isAnimationActive={false}>
            {data.map((row, i) => (
              <Cell key={`${String(row[categoryKey])}-${i}`} fill={colorFor(row)} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/**
 * Reliability diagram: mean forecast probability (x) vs realized share of ups (y), one point
 * per decile, with the diagonal of perfect calibration and the base rate as a flat line.
 */
export function ReliabilityChart({
  points,
  baseRate,
  height = 260,
  testId,
}: {
  points: Array<{ p_mean: number; up_share: number; n: number }>;
  baseRate?: number | null;
  height?: number;
  testId?: string;
}) {
  const lo = Math.max(0, Math.floor(Math.min(...points.map((p) => Math.min(p.p_mean, p.up_share))) * 10) / 10);
  const hi = Math.min(1, Math.ceil(Math.max(...points.map((p) => Math.max(p.p_mean, p.up_share))) * 10) / 10);
  const domain: [number, number] = points.length ? [lo, Math.max(hi, lo + 0.1)] : [0, 1];
  return (
    <div data-testid={testId} className="chart w-full" style={{ height }}>
      <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 600, height }}>
        <ScatterChart margin={{ top: 12, right: 16, bottom: 24, left: 8 }}>
          <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" />
          <XAxis
            type="number"
            dataKey="p_mean"
            domain={domain}
            tick={AXIS_TICK}
            tickFormatter={tickNumber}
            label={{ value: "forecast P(up)", position: "insideBottom", offset: -14, fill: "var(--muted)", fontSize: 11 }}
          />
          <YAxis
            type="number"
            dataKey="up_share"
            domain={domain}
            tick={AXIS_TICK}
            tickFormatter={tickNumber}
            width={64}
            label={{ value: "realized up share", angle: -90, position: "insideLeft", fill: "var(--muted)", fontSize: 11, dy: 50 }}
          />
          <Tooltip contentStyle={TOOLTIP_STYLE} cursor={{ strokeDasharray: "3 3" }} />
          <ReferenceLine
            segment={[
              { x: domain[0], y: domain[0] },
              { x: domain[1], y: domain[1] },
            ]}
            stroke="var(--muted)"
            strokeDasharray="4 4"
            ifOverflow="hidden"
          />
          {typeof baseRate === "number" ? (
            <ReferenceLine
              y={baseRate}
              stroke="var(--warn)"
              strokeDasharray="2 4"
              label={{ value: "base rate", fill: "var(--muted)", fontSize: 11, position: "insideTopLeft" }}
            />
          ) : null}
          <Scatter name="deciles" data={points} fill="var(--chart-1)" line={{ stroke: "var(--chart-1)" }} isAnimationActive={false} />
        </ScatterChart>
      </ResponsiveContainer>
    </div>
  );
}
