"""Typed SQLAlchemy models: locations, devices, surveys, responses and alerts."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.db import db


def utcnow() -> datetime:
    """The current time in UTC, naive, as every timestamp is stored."""
    return datetime.now(UTC).replace(tzinfo=None)


def _enum(cls: type[enum.Enum]) -> Enum:
    """A portable enum column: a checked VARCHAR, the same on SQLite and PostgreSQL."""
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Channel(enum.StrEnum):
    KIOSK = "kiosk"
    LINK = "link"
    RECEIPT = "receipt"


class QuestionKind(enum.StrEnum):
    FACES = "faces"
    STARS = "stars"
    NPS = "nps"
    CHOICE = "choice"
    MULTI = "multi"
    TEXT = "text"
    STAFF = "staff"
    CONTACT = "contact"


RATING_RANGES = {
    QuestionKind.FACES: range(1, 6),
    QuestionKind.STARS: range(1, 6),
    QuestionKind.NPS: range(0, 11),
}


class ShownWhen(enum.StrEnum):
    ALWAYS = "always"
    NEGATIVE = "negative"
    POSITIVE = "positive"


class FollowUp(enum.StrEnum):
    """Where a response stands after its first tap; OFFERED that stays so is a walk-away."""

    NONE = "none"
    OFFERED = "offered"
    GIVEN = "given"


class AlertStatus(enum.StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"


class Location(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    default_language: Mapped[str] = mapped_column(String(10), default="en")
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["en"])
    response_interval_seconds: Mapped[int] = mapped_column(default=5)
    idle_timeout_seconds: Mapped[int] = mapped_column(default=30)
    thank_you_seconds: Mapped[int] = mapped_column(default=6)
    manager_on_duty: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    staff: Mapped[list[Staff]] = relationship(back_populates="location", order_by="Staff.name")

    def active_staff(self) -> list[Staff]:
        """The staff a customer may name, in display order."""
        return [member for member in self.staff if member.active]


class Staff(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(default=True)

    location: Mapped[Location] = relationship(back_populates="staff")


class Device(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    # Only SHA-256 digests of the random secrets are stored; the secrets live on the tablet.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    pairing_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    pairing_expires_at: Mapped[datetime | None]
    paired_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    location: Mapped[Location] = relationship()

    @property
    def is_active(self) -> bool:
        """A device may submit when it is paired and not revoked."""
        return self.paired_at is not None and self.revoked_at is None


class Survey(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    questions: Mapped[list[Question]] = relationship(
        back_populates="survey", order_by="Question.position", cascade="all, delete-orphan"
    )

    @property
    def main_question(self) -> Question | None:
        """The first rating question: the one tap on the start screen."""
        return next((q for q in self.questions if q.kind in RATING_RANGES), None)

    def questions_shown_when(self, shown_when: ShownWhen) -> list[Question]:
        """The follow-up questions for a negative or a positive first answer."""
        return [q for q in self.questions if q.shown_when == shown_when]


class SurveyAssignment(db.Model):
    """Which survey a location shows on a channel."""

    __table_args__ = (UniqueConstraint("location_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    channel: Mapped[Channel] = mapped_column(_enum(Channel))

    survey: Mapped[Survey] = relationship()


class Question(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    position: Mapped[int]
    kind: Mapped[QuestionKind] = mapped_column(_enum(QuestionKind))
    # Per-language texts, {"en": "...", "hy": "..."}; options: [{"value", "texts", "complaint"}].
    texts: Mapped[dict[str, str]] = mapped_column(JSON)
    options: Mapped[list[dict]] = mapped_column(JSON, default=list)
    shown_when: Mapped[ShownWhen] = mapped_column(_enum(ShownWhen), default=ShownWhen.ALWAYS)
    # Rules are data: a rating at or below this is negative, at or above the other positive.
    negative_at_or_below: Mapped[int | None]
    positive_at_or_above: Mapped[int | None]

    survey: Mapped[Survey] = relationship(back_populates="questions")

    @property
    def rating_range(self) -> range | None:
        """The allowed ratings, or None for a question that is not a rating."""
        return RATING_RANGES.get(self.kind)

    def option_values(self) -> list[str]:
        """The values a choice question accepts."""
        return [option["value"] for option in self.options]


class Customer(db.Model):
    """A customer who asked to be contacted; kept only with their consent."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    language: Mapped[str] = mapped_column(String(10))
    consent_at: Mapped[datetime]
    consent_text: Mapped[str] = mapped_column(Text)


class Response(db.Model):
    __table_args__ = (Index("ix_response_device_captured", "device_id", "captured_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)  # the idempotency key
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"))
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    language: Mapped[str] = mapped_column(String(10))
    captured_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The main rating is also an Answer; kept here too so reports need no join.
    rating: Mapped[int | None]
    is_negative: Mapped[bool] = mapped_column(default=False)
    suspected_misuse: Mapped[bool] = mapped_column(default=False)
    follow_up: Mapped[FollowUp] = mapped_column(_enum(FollowUp), default=FollowUp.NONE)
    follow_up_digest: Mapped[str | None] = mapped_column(String(64))
    follow_up_at: Mapped[datetime | None]
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    staff_praised: Mapped[bool] = mapped_column(default=False)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))

    survey: Mapped[Survey] = relationship()
    location: Mapped[Location] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="Answer.id"
    )
    staff: Mapped[Staff | None] = relationship()
    customer: Mapped[Customer | None] = relationship()
    alert: Mapped[Alert | None] = relationship(back_populates="response")

    @property
    def is_partial(self) -> bool:
        """A follow-up was offered and never given: the customer walked away."""
        return self.follow_up == FollowUp.OFFERED

    @staticmethod
    def by_uuid(uuid: str):
        """The statement that finds a response by its client-generated id."""
        return select(Response).where(Response.uuid == uuid)


class Answer(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"))
    number: Mapped[int | None]
    choice: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()


class Alert(db.Model):
    """A negative response that a manager must handle: the case."""

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id"), unique=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    status: Mapped[AlertStatus] = mapped_column(_enum(AlertStatus), default=AlertStatus.NEW)
    reason: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    response: Mapped[Response] = relationship(back_populates="alert")
    location: Mapped[Location] = relationship()


class Role(enum.StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    STAFF = "staff"


class User(db.Model):
    """A person who signs in to the admin; an owner sees every location."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Flask-Login's interface.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return str(self.id)
