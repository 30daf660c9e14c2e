"""Surveys, their questions and where they are shown."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.db import db
from surveys.models.common import enum_column, utcnow


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
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))

    survey: Mapped[Survey] = relationship()


class Question(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    position: Mapped[int]
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind))
    # Per-language texts, {"en": "...", "hy": "..."}; options: [{"value", "texts", "complaint"}].
    texts: Mapped[dict[str, str]] = mapped_column(JSON)
    options: Mapped[list[dict]] = mapped_column(JSON, default=list)
    shown_when: Mapped[ShownWhen] = mapped_column(enum_column(ShownWhen), default=ShownWhen.ALWAYS)
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
