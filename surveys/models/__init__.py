"""Typed SQLAlchemy models, one module per part of the domain; import them from here."""

from surveys.models.alerts import (
    ALLOWED_FROM,
    Alert,
    AlertEvent,
    AlertStatus,
    EventKind,
    Outcome,
    Remedy,
)
from surveys.models.common import utcnow
from surveys.models.coupons import Coupon
from surveys.models.locations import Device, Location, Staff
from surveys.models.presence import InboxPresence
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
from surveys.models.users import AuditEvent, Role, User, user_location

__all__ = [
    "ALLOWED_FROM",
    "RATING_RANGES",
    "Alert",
    "AlertEvent",
    "AuditEvent",
    "AlertStatus",
    "Answer",
    "Channel",
    "Coupon",
    "Customer",
    "Device",
    "EventKind",
    "FollowUp",
    "InboxPresence",
    "Location",
    "Outcome",
    "Question",
    "Remedy",
    "QuestionKind",
    "Response",
    "Role",
    "ShownWhen",
    "Staff",
    "Survey",
    "SurveyAssignment",
    "User",
    "user_location",
    "utcnow",
]
