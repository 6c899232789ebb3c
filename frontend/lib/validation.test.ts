import {
  DEFAULT_AFTER_SIGN_IN,
  parseSymbolList,
  safeRedirectPath,
  symbolError,
} from "./validation";

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

describe("safeRedirectPath", () => {
  test.each([
    ["/monitoring", "/monitoring"],
    ["/models?version=v3#top", "/models?version=v3#top"],
    ["/a/../model-management", "/model-management"],
  ])("keeps the same-origin path %s", (raw, expected) => {
    expect(safeRedirectPath(raw)).toBe(expected);
  });

  test.each([
    null,
    "",
    "//evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    " /monitoring",
    "https://evil.com/",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,hi",
    "evil.com",
    "/" + "a".repeat(2048),
  ])("refuses %j", (raw) => {
    expect(safeRedirectPath(raw)).toBe(DEFAULT_AFTER_SIGN_IN);
  });

  test("uses the given fallback", () => {
    expect(safeRedirectPath("//x", "/")).toBe("/");
  });
});
