"""Readable admin rendering of stored JSON (metrics, windows, reports) as HTML tables.

One generic renderer instead of ``<pre>`` dumps: a dict of dicts becomes a matrix (rows by
key, columns by inner key), a list of dicts a table, a dict of scalars a two-column table;
floats get sensible precision (4 significant digits, thousands separated above 1,000).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

EMPTY = "—"
_TABLE = '<table style="margin:0;min-width:0">{}{}</table>'


def number_format(value: Any) -> str:
    """A number for people: ints with separators, floats to 4 significant digits."""
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value == 0:
            return "0"
        if abs(value) >= 1000:
            return f"{value:,.1f}"
        if abs(value) < 1e-4:
            return f"{value:.3e}"
        return f"{value:.4g}"
    return str(value)


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _interval(value: Any) -> bool:
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and len(value) == 2
        and all(isinstance(v, int | float) or v is None for v in value)
    )


def _cell(value: Any) -> SafeString:
    return readable(value)


def _header(columns: Sequence[str]) -> SafeString:
    cells = format_html_join("", "<th>{}</th>", ((c.replace("_", " "),) for c in columns))
    return format_html("<thead><tr>{}</tr></thead>", cells)


def _rows(rows: list[tuple[Any, ...]]) -> SafeString:
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return mark_safe(f"<tbody>{body}</tbody>")


def _matrix(value: Mapping[str, Mapping[str, Any]]) -> SafeString:
    columns: list[str] = []
    for inner in value.values():
        columns.extend(key for key in inner if key not in columns)
    rows = [(key, *(inner.get(c) for c in columns)) for key, inner in value.items()]
    return format_html(_TABLE, _header(["", *columns]), _rows(rows))


def _records(value: Sequence[Mapping[str, Any]]) -> SafeString:
    columns: list[str] = []
    for item in value:
        columns.extend(key for key in item if key not in columns)
    rows = [tuple(item.get(c) for c in columns) for item in value]
    return format_html(_TABLE, _header(columns), _rows(rows))


def readable(value: Any) -> SafeString:
    """HTML for any JSON value, escaped, as tables where the shape allows."""
    if _scalar(value):
        return format_html("{}", number_format(value))
    if _interval(value):
        return format_html("[{}, {}]", number_format(value[0]), number_format(value[1]))
    if isinstance(value, Mapping):
        if not value:
            return format_html("{}", EMPTY)
        if all(
            isinstance(v, Mapping) and all(_scalar(x) for x in v.values()) for v in value.values()
        ):
            return _matrix(value)
        rows = [(key, v) for key, v in value.items()]
        return format_html(_TABLE, "", _rows(rows))
    if isinstance(value, Sequence):
        if not value:
            return format_html("{}", EMPTY)
        if all(isinstance(v, Mapping) for v in value):
            return _records(value)
        if all(_scalar(v) for v in value):
            return format_html("{}", ", ".join(number_format(v) for v in value))
        return format_html_join(mark_safe("<br>"), "{}", ((readable(v),) for v in value))
    return format_html("{}", str(value))
