import { fmtInterval, fmtPValue, fmtReturn, fmtSkill, plural } from "./format";

test("returns are basis points with one decimal, never an exponent", () => {
  expect(fmtReturn(-0.00028)).toBe("\u22122.8 bp");
  expect(fmtReturn(0.0123)).toBe("+123.0 bp");
  expect(fmtReturn(0.031)).toBe("+310.0 bp");
  expect(fmtReturn(-0.31)).toBe("\u22123100 bp");
  expect(fmtReturn(-2.8e-8)).toBe("0.0 bp");
  expect(fmtReturn(0)).toBe("0.0 bp");
  expect(fmtReturn(null)).toBe("—");
  expect(fmtReturn(Number.NaN)).toBe("—");
  for (const value of [1e-9, -3.3e-6, 4.2e-5]) expect(fmtReturn(value)).not.toMatch(/e/i);
});

test("skill is a signed percentage with one decimal", () => {
  expect(fmtSkill(-0.0146)).toBe("\u22121.5%");
  expect(fmtSkill(0.052)).toBe("+5.2%");
  expect(fmtSkill(0.00001)).toBe("0.0%");
  expect(fmtSkill(undefined)).toBe("—");
});

test("intervals use the quantity's own format and render gracefully when absent", () => {
  expect(fmtInterval([-0.02, 0.031], fmtSkill)).toBe("[\u22122.0%, +3.1%]");
  expect(fmtInterval(undefined, fmtSkill)).toBe("—");
  expect(fmtInterval([0.1], fmtSkill)).toBe("—");
  expect(fmtInterval([null, 0.1], fmtSkill)).toBe("—");
});

test("p-values at the bound read as a bound", () => {
  expect(fmtPValue(0)).toBe("< 0.0001");
  expect(fmtPValue(3e-40)).toBe("< 0.0001");
  expect(fmtPValue(0.0421)).toBe("0.0421");
});

test("plurals are right", () => {
  expect(plural(1, "version")).toBe("1 version");
  expect(plural(0, "version")).toBe("0 versions");
  expect(plural(2, "version")).toBe("2 versions");
  expect(plural(1200, "row")).toBe("1,200 rows");
  expect(plural(2, "analysis", "analyses")).toBe("2 analyses");
});
