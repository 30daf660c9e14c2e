"""Typed SQLAlchemy models, one module per part of the domain; import them from here."""

from surveys.models.alerts import Alert, AlertStatus
from surveys.models.branding import LocationBrand
from surveys.models.common import utcnow
from surveys.models.locations import Device, Location, Staff, new_signing_secret
from surveys.models.outbox import MessageKind, OutboxMessage, OutboxStatus
from surveys.models.responses import Answer, Customer, FollowUp, Response
from surveys.models.surges import Surge
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
from surveys.models.tills import ApiKey
from surveys.models.users import AuditEvent, Role, User, UserSession, user_location
from surveys.models.webhooks import Webhook, WebhookPreset

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
    "LocationBrand",
    "MessageKind",
    "OutboxMessage",
    "OutboxStatus",
    "Question",
    "QuestionKind",
    "Response",
    "Role",
    "ShownWhen",
    "Staff",
    "Surge",
    "Survey",
    "SurveyAssignment",
    "User",
    "UserSession",
    "Webhook",
    "WebhookPreset",
    "new_signing_secret",
    "user_location",
    "new_question_key",
    "utcnow",
]
