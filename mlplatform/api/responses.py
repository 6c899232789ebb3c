from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework.response import Response

from mlplatform.api.context import current_request_id


def success_envelope(data: Any, *, status: int = 200) -> Response:
    """The ``{"status":"success","data":...}`` envelope used by /health and /ready."""
    return Response(
        {
            "status": "success",
            "data": data,
            "timestamp": timezone.now().isoformat(),
            "request_id": current_request_id(),
        },
        status=status,
    )
