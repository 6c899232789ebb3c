import type { MetricSet } from "./types";
import { baselineRmse, interval, metric, skill, summarizeWindow } from "./metrics";

const scored = (rmse: number) => ({ n: 100, rmse, mae: null, r2: null, directional_accuracy: null, ic: null });

const stored: MetricSet = {
  model: { ...scored(0.9), ic: 0.2 },
  baseline_zero: scored(1.0),
  baseline_mean: scored(1.1),
  skill: 0.1,
  skill_vs: "zero",
  skill_ci: [0.01, 0.2],
};

test("model metrics and baselines are read by the names the schema gives them", () => {
  expect(metric(stored, "rmse")).toBe(0.9);
  expect(metric(stored, "ic")).toBe(0.2);
  expect(metric(stored, "mae")).toBeNull();
  expect(metric(null, "rmse")).toBeNull();
  expect(baselineRmse(stored, "zero")).toBe(1.0);
  expect(baselineRmse(stored, "mean")).toBe(1.1);
  expect(skill(stored)).toBe(0.1);
  expect(interval(stored, "skill_ci")).toEqual([0.01, 0.2]);
  expect(interval(stored, "ic_ci")).toBeNull();
});

test("a per-symbol dataset window sums rows and spans the dates", () => {
  expect(
    summarizeWindow({
      MSFT: { rows: 5, first_date: "2019-06-01", last_date: "2022-01-01" },
      AAPL: { rows: 10, first_date: "2020-01-02", last_date: "2021-01-01" },
    }),
  ).toEqual({ rows: 15, first: "2019-06-01", last: "2022-01-01", symbols: ["AAPL", "MSFT"] });
  expect(summarizeWindow({}).rows).toBeNull();
  expect(summarizeWindow(null).rows).toBeNull();
});
