"""The results tables of ``python -m bench`` and ``python -m reliability``: one renderer.

``render_table(header, rows)`` gives a fixed-width table for the terminal;
``render_table(header, rows, markdown=True)`` the same table in GitHub Markdown, padded so it
also reads well as plain text (the README takes it as is). A ``|`` inside a cell is written as
``/`` in Markdown so it cannot split a column.
"""

from __future__ import annotations

from collections.abc import Sequence


def render_table(
    header: Sequence[str], rows: Sequence[Sequence[object]], *, markdown: bool = False
) -> str:
    """``header`` and ``rows`` (cells of any type, written with ``str``) as one table."""
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    for number, row in enumerate(cells):
        if len(row) != len(header):
            raise ValueError(f"row {number} has {len(row)} cells, the header {len(header)}")
    if markdown:
        cells = [[c.replace("|", "/") for c in row] for row in cells]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def padded(row: list[str]) -> list[str]:
        return [c.ljust(w) for c, w in zip(row, widths, strict=True)]

    if markdown:
        lines = ["| " + " | ".join(padded(row)) + " |" for row in cells]
        lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    else:
        lines = ["  ".join(padded(row)).rstrip() for row in cells]
        lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
