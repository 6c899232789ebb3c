import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { ApiError } from "@/lib/api";
import type { ApiState } from "@/lib/use-api";

import { ErrorState } from "./states";
import { Widget } from "./widget";

const failure = new ApiError({
  message: "symbol: must match ^[A-Z][A-Z0-9._-]{0,19}$",
  status: 422,
  code: "validation_error",
  requestId: "7f9c2b1e-req",
});

function state<T>(partial: Partial<ApiState<T>>): ApiState<T> {
  return { data: undefined, error: undefined, loading: false, lastUpdated: null, refresh: () => {}, ...partial };
}

test("an error state shows the message, the error code and the backend request_id", async () => {
  const retry = vi.fn();
  render(<ErrorState error={failure} onRetry={retry} />);
  expect(screen.getByRole("alert")).toHaveTextContent("symbol: must match");
  expect(screen.getByRole("alert")).toHaveTextContent("validation_error (HTTP 422)");
  expect(screen.getByTestId("error-request-id")).toHaveTextContent("7f9c2b1e-req");
  await userEvent.click(screen.getByRole("button", { name: "Retry" }));
  expect(retry).toHaveBeenCalledOnce();
});

test("a widget walks through loading, error, empty and data", () => {
  const view = (s: ApiState<number[]>) => (
    <Widget state={s} isEmpty={(d) => d.length === 0} empty="Nothing here">
      {(d) => <p>values {d.join(",")}</p>}
    </Widget>
  );
  const { rerender } = render(view(state({ loading: true })));
  expect(screen.getByRole("status")).toBeInTheDocument();

  rerender(view(state({ error: failure })));
  expect(screen.getByTestId("error-request-id")).toHaveTextContent("7f9c2b1e-req");

  rerender(view(state({ data: [] })));
  expect(screen.getByTestId("empty-state")).toHaveTextContent("Nothing here");

  rerender(view(state({ data: [1, 2] })));
  expect(screen.getByText("values 1,2")).toBeInTheDocument();
  expect(screen.queryByRole("alert")).not.toBeInTheDocument();

  rerender(view(state({ data: [1, 2], error: failure })));
  expect(screen.getByText("values 1,2")).toBeInTheDocument();
  expect(screen.getByRole("alert")).toHaveTextContent("Refresh failed");
});
