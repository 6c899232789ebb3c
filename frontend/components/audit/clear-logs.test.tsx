import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { ClearLogs, clearRange, describeRange } from "./clear-logs";

const api = vi.hoisted(() => ({ clearPredictionLogs: vi.fn() }));
vi.mock("@/lib/api", async (importOriginal) => ({ ...(await importOriginal<object>()), ...api }));

afterEach(() => vi.clearAllMocks());

test("range choices become after/before bounds; an empty custom range is refused", () => {
  const now = new Date("2026-11-29T12:00:00Z");
  expect(clearRange("older_30d", "", "", now)).toEqual({ before: "2026-10-30T12:00:00.000Z" });
  expect(clearRange("all", "", "", now)).toEqual({});
  expect(clearRange("between", "", "", now)).toBeNull();
  expect(clearRange("between", "2026-11-02T00:00", "2026-11-01T00:00", now)).toBeNull();
  const both = clearRange("between", "2026-11-01T00:00", "2026-11-02T00:00", now)!;
  expect(both.after! < both.before!).toBe(true);
  expect(describeRange({})).toBe("every prediction log");
});

test("clearing asks for a reason and sends the range with it", async () => {
  api.clearPredictionLogs.mockResolvedValue({ action: "audit_clear", status: "ok", deleted: 1 });
  const onCleared = vi.fn();
  render(<ClearLogs onCleared={onCleared} />);
  await userEvent.click(screen.getByTestId("clear-logs-button"));
  const confirm = screen.getByTestId("clear-logs-confirm");
  expect(confirm).toBeDisabled();
  await userEvent.click(screen.getByLabelText("Older than 7 days"));
  await userEvent.type(screen.getByRole("textbox", { name: /Reason/ }), "replay test rows");
  expect(confirm).toBeEnabled();
  await userEvent.click(confirm);
  expect(api.clearPredictionLogs).toHaveBeenCalledTimes(1);
  const body = api.clearPredictionLogs.mock.calls[0]![0];
  expect(body.reason).toBe("replay test rows");
  expect(typeof body.before).toBe("string");
  expect(body.after).toBeUndefined();
  expect(await screen.findByRole("status")).toHaveTextContent("Deleted 1 prediction log row logged before");
  expect(onCleared).toHaveBeenCalled();
});
