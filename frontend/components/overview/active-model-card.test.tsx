import { render, screen } from "@testing-library/react";

import { makeModel } from "@/test/fixtures";

import { ActiveModelCard } from "./active-model-card";

const api = vi.hoisted(() => ({ getModels: vi.fn() }));
vi.mock("@/lib/api", async (importOriginal) => ({ ...(await importOriginal<object>()), ...api }));

test("an active version whose artifact is gone is still shown as active, and flagged unavailable", async () => {
  api.getModels.mockResolvedValue({
    available_versions: ["v2", "v1"],
    active_version: "v2",
    active_status: "missing",
    rollback_target: "v1",
    models: [
      makeModel("v2", { is_active: true, status: "missing", status_detail: "v2/model.json is missing from storage" }),
      makeModel("v1", { status: "ready" }),
    ],
  });
  render(<ActiveModelCard />);
  expect(await screen.findByTestId("active-version")).toHaveTextContent("v2");
  expect(screen.getByTestId("active-unavailable-badge")).toHaveTextContent("unavailable: missing");
  expect(screen.queryByText(/train a model to start serving/)).not.toBeInTheDocument();
});

test("a ready active version carries no unavailable badge", async () => {
  api.getModels.mockResolvedValue({
    available_versions: ["v1"],
    active_version: "v1",
    models: [makeModel("v1", { is_active: true, status: "ready" })],
  });
  render(<ActiveModelCard />);
  expect(await screen.findByTestId("active-version")).toHaveTextContent("v1");
  expect(screen.queryByTestId("active-unavailable-badge")).not.toBeInTheDocument();
});
