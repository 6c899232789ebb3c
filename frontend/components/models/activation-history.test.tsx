import { render, screen, within } from "@testing-library/react";

import { ActivationHistory } from "./activation-history";

const api = vi.hoisted(() => ({ getActivations: vi.fn() }));
vi.mock("@/lib/api", async (importOriginal) => ({ ...(await importOriginal<object>()), ...api }));

test("each entry shows its kind as a badge, so rollbacks do not look like activations", async () => {
  api.getActivations.mockResolvedValue({
    activations: [
      { timestamp: "2024-05-03T10:00:00Z", from_version: "v3", to_version: "v2", actor: "ops", reason: "v3 drifts", kind: "rollback" },
      { timestamp: "2024-05-02T10:00:00Z", from_version: "v2", to_version: "v3", actor: "ops", reason: "canary ok", kind: "activate" },
      { timestamp: "2024-05-01T10:00:00Z", from_version: null, to_version: "v2", actor: "worker", reason: "policy always", kind: "policy" },
    ],
  });
  render(<ActivationHistory revision={0} />);
  const entries = await screen.findAllByTestId("activation-entry");
  expect(entries.map((e) => within(e).getByTestId("activation-kind").textContent)).toEqual([
    "rollback",
    "activation",
    "policy (after training)",
  ]);
  expect(entries[0]).toHaveTextContent("v3 → v2");
  expect(entries[2]).toHaveTextContent("∅ → v2");
});
