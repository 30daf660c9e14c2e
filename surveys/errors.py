"""Errors the services raise; each carries translated messages a customer can read."""

from flask_babel import lazy_gettext as _l

# A locked database (another writer held it past the wait allowed): the 503's words.
BUSY_MESSAGE = _l("Busy for a moment. Please try again in a few seconds.")


class SubmissionError(Exception):
    """A submission the service refused; nothing of it was stored."""

    status = 422

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


class SubmissionInvalid(SubmissionError):
    """Fields that failed validation, as {field: message}."""


class SubmissionConflict(SubmissionError):
    """The same step was already stored with different content."""

    status = 409

    def __init__(self):
        super().__init__({"response": str(_l("This answer was already recorded differently."))})


class NotFound(SubmissionError):
    """The response, survey or question does not exist for this device."""

    status = 404

    def __init__(self):
        super().__init__({"response": str(_l("This survey is not available here."))})


class CodeInvalid(SubmissionError):
    """A receipt or poster code that is malformed, changed, or signed for another location.

    No shop is named: what such a code claims is not to be believed."""

    status = 404
    location = None

    def __init__(self):
        super().__init__({"code": str(_l("This code does not work."))})


class CodeExpired(SubmissionError):
    """A genuine receipt code past its location's validity period."""

    status = 410

    def __init__(self, valid_days: int, location=None):
        super().__init__({"code": str(_l("This code has expired."))})
        self.valid_days = valid_days
        self.location = location


class CodeRetired(SubmissionError):
    """A genuine code signed with a secret its location has since replaced."""

    status = 410

    def __init__(self, location):
        super().__init__({"code": str(_l("This code no longer works."))})
        self.location = location


class NoSurveyHere(NotFound):
    """A genuine code of a location that no longer asks anything on its channel."""

    def __init__(self, location):
        super().__init__()
        self.location = location


class AlreadyAnswered(SubmissionError):
    """A receipt (or, for a while, a browser on a poster) already gave its one response."""

    status = 409

    def __init__(self):
        super().__init__({"response": str(_l("You already told us, thank you."))})


class InvalidTransition(SubmissionError):
    """A case action that its current state does not allow; nothing was changed."""

    status = 409

    def __init__(self, message: str):
        super().__init__({"status": message})


class CaseChanged(InvalidTransition):
    """Someone else changed the case between reading and writing it."""

    def __init__(self):
        super().__init__(str(_l("Someone else changed this case just now; here it is as it is.")))


class NotAllowed(SubmissionError):
    """The user may see this but not act on it (staff are read-only)."""

    status = 403

    def __init__(self):
        super().__init__({"user": str(_l("You may look at this case but not change it."))})


class NotVisible(SubmissionError):
    """Not there, or not this user's to see: the same answer for both, so nothing leaks."""

    status = 404

    def __init__(self):
        super().__init__({"id": str(_l("This does not exist, or it is not yours to see."))})


class OtherLocation(SubmissionError):
    """An API key asked about a location other than its own."""

    status = 403

    def __init__(self):
        super().__init__({"location": str(_l("This API key reads only its own location."))})


class PeriodInvalid(SubmissionInvalid):
    """A dashboard period that cannot be read: unknown kind, bad or impossible dates."""
