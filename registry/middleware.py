"""Start-up reconciliation for web processes: the first request of a process runs it.

A fresh process (a new revision, a scale-up from zero) imports the versions it finds in storage,
flags broken ones and honours ``ACTIVE.json`` before it answers anything, so its first
``GET /models`` already lists them. It cannot run in ``AppConfig.ready`` (no database access
there) and must not run inside reads (``registry.selectors``, ``registry.loading`` only read).
After the first success each request pays one ``threading.Event.is_set()``; a failure (storage
or database away) is logged and retried on the next request. ``/health`` (liveness) never
waits for it: reconciliation reads every artifact, which on a large ``gs://`` registry takes
longer than a liveness probe allows; ``/ready`` does wait, and reports what it found.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from registry.services.reconcile import registry_reconcile_once, registry_reconciled

logger = logging.getLogger(__name__)


class StartupReconcileMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.liveness = {"/health", f"{settings.API_PREFIX.rstrip('/')}/health"}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not registry_reconciled() and request.path not in self.liveness:
            try:
                registry_reconcile_once()  # logs and retries what it expects (storage, database)
            except Exception:  # anything else: logged; the request is still answered
                logger.exception("start-up reconciliation failed; retrying on the next request")
        return self.get_response(request)
