"""The line logged for each request and its latency, without personal data: the method,
the route's rule (`/r/<token>`, not the token), the status and the time taken. Health
checks and scrapes are logged at DEBUG only, so probes do not drown the log."""

import logging

from surveys.operations.metrics import observe_request

log = logging.getLogger(__name__)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
QUIET_ENDPOINTS = {"healthz", "readyz", "metrics"}


def request_finished(
    method: str, rule: str | None, endpoint: str | None, status: int, seconds: float
) -> None:
    """Log the request line and observe its latency."""
    method = method if method in METHODS else "OTHER"
    endpoint = endpoint or "unmatched"
    route = rule or "unmatched"
    observe_request(method, endpoint, status, seconds)
    level = logging.DEBUG if endpoint in QUIET_ENDPOINTS else logging.INFO
    duration_ms = round(seconds * 1000, 1)
    log.log(
        level,
        "%s %s %d %.1fms",
        method,
        route,
        status,
        duration_ms,
        extra={
            "method": method,
            "route": route,
            "endpoint": endpoint,
            "status": status,
            "duration_ms": duration_ms,
        },
    )
