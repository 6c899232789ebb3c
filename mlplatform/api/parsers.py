"""The one JSON parser of the API: bounded in depth as well as size.

Size: a body over ``MAX_REQUEST_BODY_BYTES`` is refused (413) before anything reads it
(``mlplatform.api.views.request_body_check``). Depth: a document nested deeper than
``MAX_JSON_DEPTH`` arrays/objects is a 400 ``parse_error``, whether the decoder itself gives
up (``RecursionError`` past the interpreter's limit, which DRF's parser lets escape as a 500)
or the document parses and is then measured.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """True when ``value`` nests containers more than ``limit`` deep (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def depth_message(limit: int) -> str:
    return f"JSON parse error - nested deeper than {limit} levels."


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser plus a depth bound; every failure is a ``ParseError`` (400)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.MAX_JSON_DEPTH
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(depth_message(limit)) from None
        except UnicodeDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc.reason}") from None
        if json_depth_exceeds(data, limit):
            raise ParseError(depth_message(limit))
        return data
