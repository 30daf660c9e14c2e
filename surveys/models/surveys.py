"""Surveys, their questions and where they are shown."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, text
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
    """One version of a survey. A version that is live or answered is never edited in place:
    an edit becomes a new row of the same family (see surveys/authoring/versions.py), so every
    response keeps the questions and texts it was answered with."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The first version's id; None on the first version itself (see family_key).
    family_id: Mapped[int | None] = mapped_column(ForeignKey("survey.id"), index=True)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # The languages its texts are written in; the editor flags the ones still missing.
    languages: Mapped[list[str]] = mapped_column(
        JSON, default=lambda: ["en"], server_default=text("'[\"en\"]'")
    )
    superseded_at: Mapped[datetime | None]

    questions: Mapped[list[Question]] = relationship(
        back_populates="survey", order_by="Question.position", cascade="all, delete-orphan"
    )

    @property
    def family_key(self) -> int:
        """The id every version of this survey shares: the first version's."""
        return self.family_id or self.id

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


def new_question_key() -> str:
    """A short random key naming a question across the versions of its survey."""
    return "k" + secrets.token_hex(4)


class Question(db.Model):
    __table_args__ = (Index("ix_question_survey_id_key", "survey_id", "key", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    position: Mapped[int]
    # Stable across versions, unlike the id: conditions name earlier questions by key.
    key: Mapped[str] = mapped_column(String(40), default=new_question_key)
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind))
    # Per-language texts, {"en": "...", "hy": "..."}; options: [{"value", "texts", "complaint"}].
    texts: Mapped[dict[str, str]] = mapped_column(JSON)
    options: Mapped[list[dict]] = mapped_column(JSON, default=list)
    shown_when: Mapped[ShownWhen] = mapped_column(enum_column(ShownWhen), default=ShownWhen.ALWAYS)
    # Rules are data: a rating at or below this is negative, at or above the other positive.
    negative_at_or_below: Mapped[int | None]
    positive_at_or_above: Mapped[int | None]
    # Shown only when an earlier answer matches: {"question": key, "op": "<=", "value": 2}.
    condition: Mapped[dict | None] = mapped_column(JSON)

    survey: Mapped[Survey] = relationship(back_populates="questions")

    @property
    def rating_range(self) -> range | None:
        """The allowed ratings, or None for a question that is not a rating."""
        return RATING_RANGES.get(self.kind)

    def option_values(self) -> list[str]:
        """The values a choice question accepts."""
        return [option["value"] for option in self.options]
