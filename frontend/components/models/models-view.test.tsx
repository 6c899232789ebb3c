import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { makeModel } from "@/test/fixtures";
import { signInAs } from "@/test/session";

import { ModelsView } from "./models-view";

const api = vi.hoisted(() => ({
  getModels: vi.fn(),
  getActivations: vi.fn(),
  getTrainingStatus: vi.fn(),
  startTraining: vi.fn(),
  adminActivate: vi.fn(),
  adminRollback: vi.fn(),
  getPerformance: vi.fn(() => Promise.reject(new Error("no outcomes in this test"))),
}));

vi.mock("@/lib/api", async (importOriginal) => ({ ...(await importOriginal<object>()), ...api }));

beforeEach(() => {
  api.getModels.mockResolvedValue({
    available_versions: ["v1", "v2"],
    active_version: "v2",
    active_status: "ready",
    rollback_target: "v1",
    models: [makeModel("v1"), makeModel("v2", { is_active: true })],
  });
  api.getActivations.mockResolvedValue({
    activations: [{ timestamp: "2024-05-02T10:00:00Z", from_version: "v1", to_version: "v2", actor: "ops", reason: "better rmse" }],
  });
  api.getTrainingStatus.mockResolvedValue({ action: "train_status", training: null });
});

afterEach(() => vi.clearAllMocks());

test("signed out: versions and history are public, but no control button is shown", async () => {
  render(<ModelsView />);
  expect(await screen.findByTestId("version-row-v1")).toBeInTheDocument();
  expect(await screen.findByText("better rmse", { exact: false })).toBeInTheDocument();
  expect(screen.queryByTestId("train-button")).not.toBeInTheDocument();
  expect(screen.queryByTestId("rollback-button")).not.toBeInTheDocument();
  expect(screen.queryByTestId("activate-v1")).not.toBeInTheDocument();
  expect(screen.getByTestId("sign-in-hint")).toBeInTheDocument();
  expect(api.getTrainingStatus).not.toHaveBeenCalled();
});

test("an operator activates an older version only after giving a reason and confirming", async () => {
  signInAs("ops", true);
  api.adminActivate.mockResolvedValue({ action: "activate", status: "ok", active_version: "v1" });
  render(<ModelsView />);
  expect(await screen.findByTestId("train-button")).toBeInTheDocument();
  expect(screen.getByTestId("rollback-button")).toBeInTheDocument();

  await userEvent.click(await screen.findByTestId("activate-v1"));
  const confirm = screen.getByRole("button", { name: "Confirm activation of v1" });
  expect(confirm).toBeDisabled();
  await userEvent.type(screen.getByRole("textbox", { name: /reason/i }), "v2 misbehaves");
  expect(confirm).toBeEnabled();
  await userEvent.click(confirm);

  expect(api.adminActivate).toHaveBeenCalledWith("v1", "v2 misbehaves");
  expect(await screen.findByTestId("flash")).toHaveTextContent("v1 is now active.");
  await waitFor(() => expect(api.getModels).toHaveBeenCalledTimes(2));
});

test("the rollback dialog names its target and the result says where it went", async () => {
  signInAs("ops", true);
  api.adminRollback.mockResolvedValue({ action: "rollback", status: "ok", active_version: "v1", previous_version: "v2" });
  render(<ModelsView />);
  const button = await screen.findByRole("button", { name: "Roll back v2 → v1…" });
  await userEvent.click(button);
  expect(screen.getByTestId("rollback-confirm")).toHaveTextContent("Roll back v2 → v1?");
  await userEvent.type(screen.getByRole("textbox", { name: /reason/i }), "v2 misbehaves");
  await userEvent.click(screen.getByRole("button", { name: "Confirm roll back v2 → v1" }));
  expect(api.adminRollback).toHaveBeenCalledWith("v2 misbehaves");
  expect(await screen.findByTestId("flash")).toHaveTextContent("Rolled back v2 → v1.");
});

test("with no earlier available version the rollback button is disabled and says why", async () => {
  signInAs("ops", true);
  api.getModels.mockResolvedValue({
    available_versions: ["v1"],
    active_version: "v1",
    active_status: "missing",
    rollback_target: null,
    models: [makeModel("v1", { is_active: true, status: "missing" })],
  });
  render(<ModelsView />);
  expect(await screen.findByTestId("rollback-none")).toHaveTextContent("No earlier available version in v1's activation history.");
  expect(screen.getByTestId("rollback-button")).toBeDisabled();
  expect(screen.getByTestId("active-unavailable")).toHaveTextContent("The active version v1 is missing");
});
