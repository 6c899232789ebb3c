// @vitest-environment node
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

type Api = typeof import("./api");
type Store = typeof import("./auth-store");

let server: Server;
let api: Api;
let store: Store;
const seen: Array<{ method: string; url: string; auth: string | undefined; requestId: string | undefined; body: string }> = [];

function send(res: ServerResponse, status: number, body: unknown, requestId = "srv-req-1") {
  res.writeHead(status, { "Content-Type": "application/json", "X-Request-ID": requestId });
  res.end(JSON.stringify(body));
}

function envelope(code: number, error: string, details: unknown) {
  return { status: "error", error, details, code, timestamp: "2024-05-01T00:00:00Z", request_id: "env-req-9" };
}

async function handler(req: IncomingMessage, res: ServerResponse) {
  let body = "";
  for await (const chunk of req) body += chunk;
  seen.push({
    method: req.method ?? "",
    url: req.url ?? "",
    auth: req.headers.authorization,
    requestId: req.headers["x-request-id"] as string | undefined,
    body,
  });
  const url = new URL(req.url ?? "/", "http://x");
  switch (`${req.method} ${url.pathname}`) {
    case "POST /api/v1/auth/login":
      return JSON.parse(body).password === "right"
        ? send(res, 200, { token: "tok-1", user: { username: "ops", is_operator: true, is_staff: false } })
        : send(res, 401, envelope(401, "invalid_credentials", "Wrong username or password."));
    case "POST /api/v1/admin/activate/v1":
      return req.headers.authorization === "Token tok-1"
        ? send(res, 200, { action: "activate", status: "ok", active_version: "v1" })
        : send(res, 401, envelope(401, "not_authenticated", "An operator credential is required."));
    case "GET /api/v1/predict":
      return send(res, 422, envelope(422, "validation_error", { symbol: ["Invalid symbol."] }));
    case "GET /api/v1/ready":
      return send(res, 503, {
        status: "success",
        data: { status: "degraded", checks: { database: { status: "ok" }, model: { status: "error", error: "no active version" } } },
        timestamp: "t",
        request_id: "r",
      });
    default:
      return send(res, 404, envelope(404, "not_found", "No route."));
  }
}

beforeAll(async () => {
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  process.env.NEXT_PUBLIC_BACKEND_URL = `http://127.0.0.1:${port}/`;
  vi.resetModules();
  api = await import("./api");
  store = await import("./auth-store");
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
  store.clearSession();
});

test("calls go under /api/v1 of NEXT_PUBLIC_BACKEND_URL and carry a request id", async () => {
  await expect(api.getPrediction({ symbol: "??" })).rejects.toBeInstanceOf(api.ApiError);
  expect(api.API_BASE).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
  expect(seen[0]!.url).toBe("/api/v1/predict?symbol=%3F%3F");
  expect(seen[0]!.requestId).toMatch(/.{8,}/);
  expect(seen[0]!.auth).toBeUndefined();
});

test("an error envelope becomes a readable ApiError with the backend request_id", async () => {
  const error = await api.getPrediction({ symbol: "??" }).catch((e: unknown) => e);
  expect(error).toMatchObject({
    message: "symbol: Invalid symbol.",
    status: 422,
    code: "validation_error",
    requestId: "env-req-9",
  });
});

test("signed out, a control call is sent without a token and is refused with 401", async () => {
  const error = await api.adminActivate("v1", "because").catch((e: unknown) => e);
  expect(error).toMatchObject({ status: 401, code: "not_authenticated" });
  expect(seen[0]!.auth).toBeUndefined();
});

test("after login the token rides on control calls, with the reason in the body", async () => {
  const { token, user } = await api.login("ops", "right");
  store.setSession({ token, user });
  const res = await api.adminActivate("v1", "roll forward");
  expect(res.active_version).toBe("v1");
  const call = seen.find((s) => s.url === "/api/v1/admin/activate/v1")!;
  expect(call.auth).toBe("Token tok-1");
  expect(JSON.parse(call.body)).toEqual({ reason: "roll forward" });
});

test("a 401 on a call made with a token drops the dead session", async () => {
  store.setSession({ token: "expired", user: { username: "ops", is_operator: true, is_staff: false } });
  await expect(api.adminActivate("v1", "x")).rejects.toMatchObject({ status: 401 });
  expect(store.getSession().token).toBeNull();
});

test("wrong password surfaces the backend's message", async () => {
  await expect(api.login("ops", "wrong")).rejects.toMatchObject({
    message: "Wrong username or password.",
    status: 401,
  });
});

test("/ready answering 503 still yields the per-component checks", async () => {
  const ready = await api.getReady();
  expect(ready.data.status).toBe("degraded");
  expect(ready.data.checks.model).toEqual({ status: "error", error: "no active version" });
});

test("an unreachable backend is reported as such, with the request id that was sent", async () => {
  const { default: axios } = await import("axios");
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise((resolve) => closed.close(resolve));
  const failure = await axios
    .get(`http://127.0.0.1:${port}/health`, { headers: { "X-Request-ID": "sent-id-1" } })
    .catch((e: unknown) => e);
  const error = api.toApiError(failure);
  expect(error.code).toBe("network_error");
  expect(error.status).toBeNull();
  expect(error.requestId).toBe("sent-id-1");
  expect(error.message).toMatch(/Cannot reach the backend/);
});

test("non-HTTP failures and field-map details read well", () => {
  expect(api.toApiError(new Error("boom"))).toMatchObject({ code: "client_error", message: "boom" });
  expect(api.formatDetails({ detail: "x", field: ["a", "b"] })).toBe("x; field: a; b");
});
