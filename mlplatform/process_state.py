"""Per-process caches (loaded models, market-data source, ...) register a reset hook here.

``/admin/reload`` and the test suite drop every cache through one call.
"""

from __future__ import annotations

from collections.abc import Callable

_resets: dict[str, Callable[[], None]] = {}


def register_reset(name: str, fn: Callable[[], None]) -> None:
    _resets[name] = fn


def reset_process_state() -> list[str]:
    """Run every registered reset; returns the names of what was reset."""
    for fn in _resets.values():
        fn()
    return list(_resets)
