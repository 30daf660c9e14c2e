"""What one delivery attempt came to, as the outbox worker needs to know it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    """Delivered, or why not: retry later, give up now, or stop calling this endpoint."""

    delivered: bool
    error: str | None = None
    permanent: bool = False
    retry_after: float | None = None
    endpoint_gone: bool = False


DELIVERED = Outcome(delivered=True)


def failed(error: str, **details) -> Outcome:
    """A failed attempt with its reason, cut to a readable length."""
    return Outcome(delivered=False, error=error[:1000], **details)
