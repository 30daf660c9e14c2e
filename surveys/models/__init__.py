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
from surveys.models.branding import LocationBrand
from surveys.models.case_work import ApologyText, CaseRemedy
from surveys.models.common import utcnow
from surveys.models.coupons import Coupon
from surveys.models.digests import DigestFrequency, DigestSent
from surveys.models.jobs import JobLease
from surveys.models.locations import Device, Location, Staff, new_signing_secret
from surveys.models.metrics import (
    MetricAlert,
    MetricCaseCount,
    MetricComment,
    MetricDuration,
    MetricHour,
    MetricStaff,
    MetricTopic,
)
from surveys.models.outbox import MessageKind, OutboxMessage, OutboxStatus
from surveys.models.presence import InboxPresence
from surveys.models.push import PushSubscription
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
    "ALLOWED_FROM",
    "RATING_RANGES",
    "Alert",
    "AlertEvent",
    "ApiKey",
    "ApologyText",
    "CaseRemedy",
    "AuditEvent",
    "AlertStatus",
    "Answer",
    "Channel",
    "Coupon",
    "Customer",
    "Device",
    "DigestFrequency",
    "DigestSent",
    "EventKind",
    "FollowUp",
    "InboxPresence",
    "JobLease",
    "Location",
    "PushSubscription",
    "LocationBrand",
    "MessageKind",
    "MetricAlert",
    "MetricCaseCount",
    "MetricComment",
    "MetricDuration",
    "MetricHour",
    "MetricStaff",
    "MetricTopic",
    "Outcome",
    "OutboxMessage",
    "OutboxStatus",
    "Question",
    "Remedy",
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
