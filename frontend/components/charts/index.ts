export { BarSeriesChart, LineSeriesChart, type ChartRow, type SeriesSpec } from "./chart";
