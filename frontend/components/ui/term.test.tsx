import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { GLOSSARY, sourceName, type GlossaryId } from "@/lib/glossary";

import { Term } from "./term";

const REQUIRED: GlossaryId[] = ["skill", "ic", "brier", "psi", "ks", "confidence", "risk_score"];

test("every metric the issue names has a definition", () => {
  for (const id of REQUIRED) {
    expect(GLOSSARY[id].label.length).toBeGreaterThan(0);
    expect(GLOSSARY[id].text.length).toBeGreaterThan(40);
  }
});

test("a term shows its definition as an accessible tooltip, reachable by keyboard", async () => {
  render(
    <p>
      <Term id="skill" /> and <Term id="ic">IC (Spearman)</Term>
    </p>,
  );
  const skill = screen.getByText("Skill");
  const tip = screen.getAllByRole("tooltip", { hidden: true })[0]!;
  expect(skill).toHaveAttribute("aria-describedby", tip.id);
  expect(tip).toHaveTextContent(/best naive baseline/);
  expect(screen.getByText("IC (Spearman)")).toBeInTheDocument();
  await userEvent.tab();
  expect(skill).toHaveFocus();
});

test("one name per data source on every screen", () => {
  expect(sourceName("live")).toBe("Served traffic");
  expect(sourceName("serving")).toBe("Served traffic");
  expect(sourceName("other")).toBe("other");
  expect(sourceName("served")).toBe("Served traffic");
  expect(sourceName("market")).toBe("Market data");
  expect(sourceName(null)).toBe("—");
});
