"""Typed SQLAlchemy models, one module per part of the domain; import them from here."""

from surveys.models.alerts import Alert, AlertStatus
from surveys.models.common import utcnow
from surveys.models.locations import Device, Location, Staff, new_signing_secret
from surveys.models.responses import Answer, Customer, FollowUp, Response
from surveys.models.surveys import (
    RATING_RANGES,
    Channel,
    Question,
    QuestionKind,
    ShownWhen,
    Survey,
    SurveyAssignment,
)
from surveys.models.tills import ApiKey
from surveys.models.users import AuditEvent, Role, User, user_location

__all__ = [
    "RATING_RANGES",
    "Alert",
    "ApiKey",
    "AuditEvent",
    "AlertStatus",
    "Answer",
    "Channel",
    "Customer",
    "Device",
    "FollowUp",
    "Location",
    "Question",
    "QuestionKind",
    "Response",
    "Role",
    "ShownWhen",
    "Staff",
    "Survey",
    "SurveyAssignment",
    "User",
    "new_signing_secret",
    "user_location",
    "utcnow",
]
