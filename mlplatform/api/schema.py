from django.conf import settings


def only_prefixed_endpoints(endpoints, **kwargs):  # type: ignore[no-untyped-def]
    """Every route is served twice (``/`` and ``API_PREFIX``); document the prefixed copy once."""
    prefix = settings.API_PREFIX.rstrip("/") + "/"
    return [e for e in endpoints if e[0].startswith(prefix)]
