"""Public responses carry no storage locations (the control plane may).

``public_redact`` walks a response payload: keys that name a location are dropped, and any
URL (``gs://bucket/prefix``, ``file://``, ``https://...``) or absolute filesystem path inside a
string is replaced by ``<storage>``, so an error message such as "v3/model.json is missing
from gs://bucket/models" still says what is wrong without saying where.
"""

from __future__ import annotations

import re
from typing import Any

#: Keys whose values are locations, dropped from public payloads.
LOCATION_KEYS = frozenset({"location", "artifact_path", "path", "url", "bucket", "prefix"})
_LOCATION = re.compile(
    r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"]*"  # any URL
    r"|(?<![\w.~-])(?:/[^\s/'\":,;]+){2,}/?"  # an absolute path of two or more segments
    r"|[A-Za-z]:\\[^\s'\"]*"  # a Windows path
)
REDACTED = "<storage>"


def text_redact(text: str) -> str:
    return _LOCATION.sub(REDACTED, text)


def public_redact(value: Any) -> Any:
    """A copy of ``value`` without storage locations (see module docstring)."""
    if isinstance(value, dict):
        return {key: public_redact(item) for key, item in value.items() if key not in LOCATION_KEYS}
    if isinstance(value, list | tuple):
        return [public_redact(item) for item in value]
    if isinstance(value, str):
        return text_redact(value)
    return value
