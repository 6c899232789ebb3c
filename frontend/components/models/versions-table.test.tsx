import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { makeModel } from "@/test/fixtures";
import { signInAs } from "@/test/session";

import { sortVersions, VersionsTable } from "./versions-table";

const models = [makeModel("v1"), makeModel("v2", { is_active: true }), makeModel("v10")];

test("lists versions newest first with their validation metrics and the active badge", () => {
  render(<VersionsTable models={models} />);
  const rows = within(screen.getByTestId("versions-table")).getAllByRole("row").slice(1);
  expect(rows.map((r) => r.getAttribute("data-testid"))).toEqual([
    "version-row-v10",
    "version-row-v2",
    "version-row-v1",
  ]);
  const v2 = screen.getByTestId("version-row-v2");
  expect(within(v2).getByTestId("active-badge")).toHaveTextContent("active");
  expect(within(v2).getByText("0.0280")).toBeInTheDocument(); // rmse 0.03 - 0.002
  expect(within(v2).getByText("+2.0%")).toBeInTheDocument(); // skill 0.02, signed percent
  expect(within(v2).getByTestId("version-link-v2")).toHaveAttribute("href", "/model-management/v2");
  expect(within(v2).getByText("52.0%")).toBeInTheDocument(); // directional accuracy
  expect(within(v2).getByText("200")).toBeInTheDocument(); // rows summed over symbols
  expect(within(v2).getByText("2 symbols")).toBeInTheDocument();
  expect(within(v2).getByText(/2020-01-02/)).toBeInTheDocument();
  expect(screen.getAllByTestId("active-badge")).toHaveLength(1);
});

test("signed out, no activate button is rendered", () => {
  render(<VersionsTable models={models} onActivate={() => {}} />);
  expect(screen.queryByRole("button")).not.toBeInTheDocument();
});

test("a signed-in non-operator gets no activate button either", () => {
  signInAs("viewer", false);
  render(<VersionsTable models={models} onActivate={() => {}} />);
  expect(screen.queryByRole("button")).not.toBeInTheDocument();
});

test("an operator can start activating any inactive version", async () => {
  signInAs("ops", true);
  const onActivate = vi.fn();
  render(<VersionsTable models={models} onActivate={onActivate} />);
  expect(screen.queryByTestId("activate-v2")).not.toBeInTheDocument();
  await userEvent.click(screen.getByTestId("activate-v1"));
  expect(onActivate).toHaveBeenCalledWith("v1");
});

test("sortVersions orders by the number, not the string", () => {
  expect(sortVersions([makeModel("v2"), makeModel("v11"), makeModel("v9")]).map((m) => m.version)).toEqual([
    "v11",
    "v9",
    "v2",
  ]);
});

test("each version shows its status badge and horizon; a damaged one cannot be activated", async () => {
  signInAs("ops", true);
  const onActivate = vi.fn();
  render(
    <VersionsTable
      onActivate={onActivate}
      models={[
        makeModel("v1", { status: "missing", status_detail: "v1/model.json is missing from storage", horizon: 5 }),
        makeModel("v2", { status: "ready", is_active: true, horizon: 5 }),
        makeModel("v3", {
          status: "held",
          horizon: 10,
          promotion: { decision: "held", reason: "policy never", policy: "never" },
        }),
      ]}
    />,
  );
  expect(screen.getByTestId("status-v1")).toHaveTextContent("missing");
  expect(screen.getByTestId("status-v2")).toHaveTextContent("ready");
  expect(screen.getByTestId("status-v3")).toHaveTextContent("held");
  expect(screen.getByLabelText(/missing: .*v1\/model.json is missing/)).toBeInTheDocument();
  expect(screen.getByLabelText(/held: .*policy never/)).toBeInTheDocument();
  expect(screen.getByTestId("horizon-v3")).toHaveTextContent("10 d");
  expect(screen.getByTestId("horizon-v1")).toHaveTextContent("5 d");
  expect(screen.getByTestId("activate-v1")).toBeDisabled();
  await userEvent.click(screen.getByTestId("activate-v3"));
  expect(onActivate).toHaveBeenCalledWith("v3");
});
