"""What customers answered: responses, answers, and consenting customers."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, false, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.db import db
from surveys.models.common import enum_column, utcnow
from surveys.models.surveys import Channel

if TYPE_CHECKING:
    from surveys.models.alerts import Alert
    from surveys.models.locations import Location, Staff
    from surveys.models.surveys import Question, Survey


class FollowUp(enum.StrEnum):
    """Where a response stands after its first tap; OFFERED that stays so is a walk-away."""

    NONE = "none"
    OFFERED = "offered"
    GIVEN = "given"


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
    __table_args__ = (
        Index("ix_response_device_captured", "device_id", "captured_at"),
        Index("ix_response_staff_id", "staff_id"),
        # The surge check's recent answers of every location (cases/escalation.windows).
        Index("ix_response_location_captured", "location_id", "captured_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)  # the idempotency key
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    language: Mapped[str] = mapped_column(String(10))
    captured_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The main rating is also an Answer; kept here too so reports need no join.
    rating: Mapped[int | None]
    is_negative: Mapped[bool] = mapped_column(default=False)
    suspected_misuse: Mapped[bool] = mapped_column(default=False)
    follow_up: Mapped[FollowUp] = mapped_column(enum_column(FollowUp), default=FollowUp.NONE)
    follow_up_digest: Mapped[str | None] = mapped_column(String(64))
    follow_up_at: Mapped[datetime | None]
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    staff_praised: Mapped[bool] = mapped_column(default=False)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    # Receipt channel: which receipt this answers. Unique, so a receipt takes one response.
    receipt_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    till: Mapped[int | None]
    receipt_number: Mapped[int | None] = mapped_column(BigInteger)
    receipt_issued_at: Mapped[datetime | None]
    # The till named who served, so the customer is not asked.
    staff_from_till: Mapped[bool] = mapped_column(default=False, server_default=false())

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
    # Written answers are searched through migration 0017's trigram index (answer_words on
    # SQLite, a pg_trgm index on PostgreSQL), which a model cannot declare.
    __table_args__ = (Index("ix_answer_choice_response_id", "choice", "response_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"))
    number: Mapped[int | None]
    choice: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
