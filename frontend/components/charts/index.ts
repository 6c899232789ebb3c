export { BarSeriesChart, LineSeriesChart, ReliabilityChart, type ChartRow, type SeriesSpec } from "./chart";
