import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

const push = vi.fn();
let nextParam: string | null = null;

vi.mock("next/navigation", () => ({
  useRouter: () => ({ push }),
  useSearchParams: () => new URLSearchParams(nextParam === null ? "" : `next=${encodeURIComponent(nextParam)}`),
}));

let server: Server;
let LoginForm: typeof import("./login-form").LoginForm;

beforeAll(async () => {
  // a real HTTP backend on 127.0.0.1 that accepts the sign-in (with CORS, as the browser needs)
  server = createServer((req, res) => {
    const cors = {
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Headers": "content-type, x-request-id, authorization",
      "Access-Control-Expose-Headers": "x-request-id",
    };
    if (req.method === "OPTIONS") {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    res.writeHead(200, { ...cors, "Content-Type": "application/json" });
    res.end(JSON.stringify({ token: "tok", user: { username: "ops", is_operator: true, is_staff: false } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  process.env.NEXT_PUBLIC_BACKEND_URL = `http://127.0.0.1:${port}`;
  vi.resetModules();
  ({ LoginForm } = await import("./login-form"));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => push.mockClear());

async function signIn(next: string | null): Promise<string> {
  nextParam = next;
  const { unmount } = render(<LoginForm />);
  await userEvent.type(screen.getByLabelText("Username"), "ops");
  await userEvent.type(screen.getByLabelText("Password"), "secret-password");
  await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
  await waitFor(() => expect(push).toHaveBeenCalledTimes(1));
  unmount();
  return push.mock.calls[0]?.[0] as string;
}

test.each([
  ["/monitoring", "/monitoring"],
  ["/\\evil.com", "/model-management"],
  ["//evil.com", "/model-management"],
  ["javascript:alert(1)", "/model-management"],
  [null, "/model-management"],
])("after sign-in, next=%j goes to %s", async (next, expected) => {
  expect(await signIn(next)).toBe(expected);
});
