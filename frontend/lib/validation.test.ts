import { parseSymbolList, symbolError } from "./validation";

test("symbols follow the API rule after upper-casing", () => {
  expect(symbolError("aapl")).toBeNull();
  expect(symbolError("BRK.B")).toBeNull();
  expect(symbolError("")).toMatch(/Enter/);
  expect(symbolError("1ABC")).toMatch(/starts with a letter/);
  expect(symbolError("A".repeat(21))).not.toBeNull();
});

test("a pasted list splits on commas, spaces and lines and drops duplicates", () => {
  expect(parseSymbolList("aapl, msft\nAAPL;  tcs ")).toEqual(["AAPL", "MSFT", "TCS"]);
});
