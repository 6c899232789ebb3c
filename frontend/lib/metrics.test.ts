import { baselineRmse, metric, skill, summarizeWindow } from "./metrics";

test("model metrics are read from the registry's nested layout or a flat one", () => {
  const stored = { model: { rmse: 0.9, ic: 0.2 }, baseline_zero: { rmse: 1.0 }, baseline_mean: { rmse: 1.1 }, skill: 0.1 };
  expect(metric(stored, "rmse")).toBe(0.9);
  expect(metric(stored, "ic")).toBe(0.2);
  expect(metric(stored, "mae")).toBeNull();
  expect(metric({ rmse: 0.5 }, "rmse")).toBe(0.5);
  expect(baselineRmse(stored, "zero")).toBe(1.0);
  expect(baselineRmse(stored, "mean")).toBe(1.1);
});

test("skill prefers the API's value and otherwise follows 1 - rmse / rmse_zero", () => {
  expect(skill({ skill: 0.12, rmse: 1 })).toBe(0.12);
  expect(skill({ rmse: 0.9, baselines: { zero: { rmse: 1.0 } } })).toBeCloseTo(0.1);
  expect(skill({ rmse: 0.5, rmse_zero_baseline: 0.4 })).toBeCloseTo(-0.25);
  expect(skill({ rmse: 0.5 })).toBeNull();
});

test("baseline RMSE is found flat or nested", () => {
  expect(baselineRmse({ baseline_mean: { rmse: 2 } }, "mean")).toBe(2);
  expect(baselineRmse({ zero_baseline_rmse: 3 }, "zero")).toBe(3);
});

test("a per-symbol dataset window sums rows and spans the dates", () => {
  expect(
    summarizeWindow({
      AAPL: { rows: 10, first_date: "2020-01-02", last_date: "2021-01-01" },
      MSFT: { rows: 5, first_date: "2019-06-01", last_date: "2022-01-01" },
    }),
  ).toEqual({ rows: 15, first: "2019-06-01", last: "2022-01-01", symbols: ["AAPL", "MSFT"] });
  expect(summarizeWindow({ rows: 7, start: "2020-01-01", end: "2020-02-01" })).toMatchObject({ rows: 7 });
  expect(summarizeWindow(null).rows).toBeNull();
});
