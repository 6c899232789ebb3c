import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import type { TrainingRun } from "@/lib/types";

import { decisionText, TrainPanel, trainOptions } from "./train-panel";

const api = vi.hoisted(() => ({ getTrainingStatus: vi.fn(), startTraining: vi.fn() }));
vi.mock("@/lib/api", async (importOriginal) => ({ ...(await importOriginal<object>()), ...api }));

function run(overrides: Partial<TrainingRun> = {}): TrainingRun {
  return {
    run_id: "r-1",
    state: "succeeded",
    started_at: "2024-05-01T10:00:00Z",
    completed_at: "2024-05-01T10:01:00Z",
    latest_version: "v5",
    error: null,
    progress: { stage: "done", percent: 100 },
    origin: "dashboard",
    promotion: { decision: "held", reason: "policy if_better: validation rmse 0.031 >= v4's 0.030", policy: "if_better" },
    ...overrides,
  };
}

afterEach(() => vi.clearAllMocks());

test("the finished run says what was decided, not just which version was produced", async () => {
  api.getTrainingStatus.mockResolvedValue({ action: "train_status", training: run() });
  render(<TrainPanel onFinished={() => {}} />);
  expect(await screen.findByTestId("training-result")).toHaveTextContent(
    "v5 registered, not activated: policy if_better: validation rmse 0.031 >= v4's 0.030",
  );
  expect(screen.getByText("started from dashboard")).toBeInTheDocument();
});

test("decisionText words an activation and stays silent without a decision", () => {
  expect(decisionText(run({ promotion: { decision: "activated", reason: "policy always" } }))).toBe(
    "v5 registered and activated: policy always",
  );
  expect(decisionText(run({ promotion: null }))).toBeNull();
});

test("the options form sends symbols, lookback, horizon and policy from the dashboard", async () => {
  api.getTrainingStatus.mockResolvedValue({ action: "train_status", training: null });
  api.startTraining.mockResolvedValue({
    action: "train",
    status: "started",
    training: run({ promotion: { decision: "activated", reason: "policy always" }, latest_version: "v6" }),
  });
  const onFinished = vi.fn();
  render(<TrainPanel onFinished={onFinished} />);
  await userEvent.type(screen.getByRole("textbox", { name: /symbols/i }), "aapl, msft");
  await userEvent.type(screen.getByRole("textbox", { name: /lookback/i }), "750");
  await userEvent.type(screen.getByRole("textbox", { name: /horizon/i }), "10");
  await userEvent.selectOptions(screen.getByRole("combobox", { name: /policy/i }), "always");
  await userEvent.click(screen.getByTestId("train-button"));
  expect(api.startTraining).toHaveBeenCalledWith({
    origin: "dashboard",
    symbols: ["AAPL", "MSFT"],
    lookback: 750,
    horizon: 10,
    policy: "always",
  });
  expect(await screen.findByTestId("training-result")).toHaveTextContent("v6 registered and activated: policy always");
  expect(onFinished).toHaveBeenCalled();
});

test("a bad option is refused in the form, before any request", async () => {
  api.getTrainingStatus.mockResolvedValue({ action: "train_status", training: null });
  render(<TrainPanel onFinished={() => {}} />);
  await userEvent.type(screen.getByRole("textbox", { name: /horizon/i }), "0");
  await userEvent.click(screen.getByTestId("train-button"));
  expect(await screen.findByTestId("train-form-error")).toHaveTextContent("Horizon must be a whole number from 1 to 252.");
  expect(api.startTraining).not.toHaveBeenCalled();
  expect(trainOptions({ symbols: "1BAD", lookback: "", horizon: "", policy: "" })).toEqual({
    error: "Invalid symbol(s): 1BAD",
  });
  expect(trainOptions({ symbols: "", lookback: "", horizon: "", policy: "" })).toEqual({ options: { origin: "dashboard" } });
});
