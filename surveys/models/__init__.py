"""Typed SQLAlchemy models, one module per part of the domain; import them from here."""

from surveys.models.alerts import Alert, AlertStatus
from surveys.models.branding import LocationBrand
from surveys.models.common import utcnow
from surveys.models.locations import Device, Location, Staff
from surveys.models.responses import Answer, Customer, FollowUp, Response
from surveys.models.surveys import (
    RATING_RANGES,
    Channel,
    Question,
    QuestionKind,
    ShownWhen,
    Survey,
    SurveyAssignment,
    new_question_key,
)
from surveys.models.users import AuditEvent, Role, User, UserSession, user_location

__all__ = [
    "RATING_RANGES",
    "Alert",
    "AuditEvent",
    "AlertStatus",
    "Answer",
    "Channel",
    "Customer",
    "Device",
    "FollowUp",
    "Location",
    "LocationBrand",
    "Question",
    "QuestionKind",
    "Response",
    "Role",
    "ShownWhen",
    "Staff",
    "Survey",
    "SurveyAssignment",
    "User",
    "UserSession",
    "user_location",
    "new_question_key",
    "utcnow",
]
