"""The one symbol rule and exchange list (DESIGN section 5).

The backend validates with these, ``GET /symbols`` serves them, and the OpenAPI schema carries
them (``Symbol`` pattern, ``ExchangeEnum``) so the dashboard's generated types use the same list.
"""

from __future__ import annotations

import re

#: A symbol after upper-casing: a letter, then up to 19 letters, digits, ``.``, ``_`` or ``-``.
SYMBOL_PATTERN = r"^[A-Z][A-Z0-9._-]{0,19}$"
SYMBOL_RE = re.compile(SYMBOL_PATTERN)

#: Exchanges the market-data contract names.
EXCHANGES: tuple[str, ...] = ("NSE", "BSE", "NASDAQ")
