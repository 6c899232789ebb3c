import { contentSecurityPolicy, securityHeaders } from "./security-headers";

function header(name: string): string | undefined {
  return securityHeaders().find((h) => h.key.toLowerCase() === name.toLowerCase())?.value;
}

test("every page refuses framing and sniffing and limits referrers", () => {
  expect(header("X-Frame-Options")).toBe("DENY");
  expect(header("X-Content-Type-Options")).toBe("nosniff");
  expect(header("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
});

test("the CSP forbids framing, plugins, foreign forms and foreign scripts", () => {
  const csp = contentSecurityPolicy();
  const directives = new Map(
    csp.split(";").map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
  expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
  expect(directives.get("object-src")).toEqual(["'none'"]);
  expect(directives.get("base-uri")).toEqual(["'self'"]);
  expect(directives.get("form-action")).toEqual(["'self'"]);
  expect(directives.get("default-src")).toEqual(["'self'"]);
  expect(directives.get("script-src")?.every((v) => v.startsWith("'"))).toBe(true);
  expect(header("Content-Security-Policy")).toBe(csp);
});

test("connect-src allows the backend origin only", () => {
  const previous = process.env.NEXT_PUBLIC_BACKEND_URL;
  process.env.NEXT_PUBLIC_BACKEND_URL = "https://api.example.com/some/path";
  try {
    const connect = contentSecurityPolicy()
      .split(";")
      .map((d) => d.trim())
      .find((d) => d.startsWith("connect-src"));
    expect(connect?.split(/\s+/)).toContain("https://api.example.com");
    expect(connect).not.toContain("/some/path");
  } finally {
    process.env.NEXT_PUBLIC_BACKEND_URL = previous;
  }
});
