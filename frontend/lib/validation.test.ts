import { readFileSync } from "node:fs";
import { resolve } from "node:path";

import {
  DEFAULT_AFTER_SIGN_IN,
  EXCHANGES,
  SYMBOL_PATTERN,
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

describe("the symbol rule and exchanges are the backend's", () => {
  // the schema the types are generated from (scripts/api_types.sh keeps it equal to the backend's)
  const schema = JSON.parse(readFileSync(resolve(process.cwd(), "lib/api-schema.json"), "utf8")) as {
    components: { schemas: Record<string, { enum?: string[]; properties?: Record<string, { items?: { pattern?: string } }> }> };
  };

  test("SYMBOL_PATTERN is the pattern the schema gives a symbol", () => {
    const symbols = schema.components.schemas.SymbolListOutput?.properties?.symbols;
    expect(symbols?.items?.pattern).toBe(SYMBOL_PATTERN.source);
  });

  test("EXCHANGES is the schema's exchange list", () => {
    expect([...EXCHANGES]).toEqual(schema.components.schemas.ExchangeEnum?.enum);
  });
});
