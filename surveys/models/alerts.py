"""Alerts: negative responses (or silent kiosks) that a manager handles as cases, with
their timeline.

The case guards its own life cycle: new -> acknowledged -> resolved -> closed, reopening
allowed. A method called in the wrong state raises InvalidTransition and changes nothing.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.db import db
from surveys.errors import InvalidTransition, SubmissionInvalid
from surveys.models.common import enum_column, utcnow

if TYPE_CHECKING:
    from surveys.models.case_work import CaseRemedy
    from surveys.models.coupons import Coupon
    from surveys.models.locations import Device, Location
    from surveys.models.responses import Response
    from surveys.models.users import User


class AlertStatus(enum.StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"


class Remedy(enum.StrEnum):
    APOLOGY = "apology"
    REPLACEMENT = "replacement"
    REFUND = "refund"
    COUPON = "coupon"
    OTHER = "other"


class Outcome(enum.StrEnum):
    WON_BACK = "won_back"
    NEUTRAL = "neutral"
    LOST = "lost"


class EventKind(enum.StrEnum):
    DETAILS_ADDED = "details_added"  # the customer finished the follow-up after the tap
    ACKNOWLEDGED = "acknowledged"
    ASSIGNED = "assigned"
    RESOLVED = "resolved"
    FOLLOW_UP_SCHEDULED = "follow_up_scheduled"
    CLOSED = "closed"
    REOPENED = "reopened"
    COUPON_ISSUED = "coupon_issued"
    COUPON_REDEEMED = "coupon_redeemed"
    APOLOGY_EMAILED = "apology_emailed"
    NOTE_ADDED = "note_added"  # a manager's free note; it changes nothing else
    REMEDY_ADDED = "remedy_added"  # one more remedy on a case that already had one


S = AlertStatus
# Which states each action may start from, and what the manager is told otherwise.
ALLOWED_FROM = {
    "acknowledge": ({S.NEW, S.REOPENED}, _l("Only a new or reopened case can be acknowledged.")),
    "assign": (
        {S.NEW, S.ACKNOWLEDGED, S.RESOLVED, S.REOPENED},
        _l("A closed case cannot be assigned; reopen it first."),
    ),
    "resolve": (
        {S.ACKNOWLEDGED, S.REOPENED},
        _l("Acknowledge the case before recording what was done; a resolved case stays so."),
    ),
    "schedule_follow_up": ({S.RESOLVED}, _l("Only a resolved case can have a follow-up.")),
    "close": ({S.RESOLVED}, _l("Only a resolved case can be closed.")),
    "reopen": ({S.RESOLVED, S.CLOSED}, _l("Only a resolved or closed case can be reopened.")),
    "add_remedy": ({S.RESOLVED}, _l("Only a resolved case can take one more remedy.")),
    "note": (set(S), _l("You may look at this case but not change it.")),  # any state
    "email_apology": (
        {S.NEW, S.ACKNOWLEDGED, S.RESOLVED, S.REOPENED},
        _l("The case is closed: reopen it before writing to the customer again."),
    ),
}


def _check_remedy(remedy: Remedy, note: str | None, amount_cents: int | None) -> None:
    """A refund or coupon needs an amount, "other" a description."""
    if remedy in (Remedy.REFUND, Remedy.COUPON) and not (amount_cents and amount_cents > 0):
        raise SubmissionInvalid({"amount": str(_l("Please give the amount, e.g. 12.50."))})
    if remedy == Remedy.OTHER and not note:
        raise SubmissionInvalid({"note": str(_l("Please describe what was done."))})


class Alert(db.Model):
    """Something a manager must handle, the case: a negative response or a silent kiosk."""

    __table_args__ = (
        CheckConstraint("response_id IS NOT NULL OR device_id IS NOT NULL", name="subject"),
        # The inbox reads newest first, by location and by status; see bench/inbox.py.
        Index("ix_alert_location_id_id", "location_id", "id"),
        Index("ix_alert_status_id", "status", "id"),
        Index("ix_alert_location_id_status_id", "location_id", "status", "id"),
        Index("ix_alert_status_follow_up_at", "status", "follow_up_at"),
        Index("ix_alert_location_id_status_created_at", "location_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One of the two is set: the response that was negative, or the device that fell silent.
    response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id"), unique=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    status: Mapped[AlertStatus] = mapped_column(enum_column(AlertStatus), default=AlertStatus.NEW)
    reason: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    escalated_at: Mapped[datetime | None]  # when the owners were told nobody took it
    # Two managers acting on one case at once: the second write is refused, not lost.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    resolved_at: Mapped[datetime | None]
    remedy: Mapped[Remedy | None] = mapped_column(enum_column(Remedy))
    remedy_note: Mapped[str | None] = mapped_column(Text)
    amount_cents: Mapped[int | None]
    follow_up_at: Mapped[datetime | None]
    follow_up_reminded_at: Mapped[datetime | None]  # its holder was reminded, once
    closed_at: Mapped[datetime | None]
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome))
    # How many apology e-mails were queued: the page posts the count it showed, so a double
    # click or a second tab sends once (surveys/notify/apology.py).
    apologies_sent: Mapped[int] = mapped_column(default=0, server_default="0")

    response: Mapped[Response | None] = relationship(back_populates="alert")
    device: Mapped[Device | None] = relationship()
    location: Mapped[Location] = relationship()
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])
    events: Mapped[list[AlertEvent]] = relationship(
        back_populates="alert", order_by="AlertEvent.id", cascade="all, delete-orphan"
    )
    coupons: Mapped[list[Coupon]] = relationship(back_populates="alert", order_by="Coupon.id")
    remedies: Mapped[list[CaseRemedy]] = relationship(
        back_populates="alert", order_by="CaseRemedy.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    OPEN_STATUSES = (AlertStatus.NEW, AlertStatus.ACKNOWLEDGED, AlertStatus.REOPENED)

    def __init__(self, **fields):
        """A case with its fields; new unless told otherwise."""
        fields.setdefault("status", AlertStatus.NEW)  # a fresh case is new before its INSERT too
        super().__init__(**fields)

    def can(self, action: str) -> bool:
        """Whether the action is allowed in the case's current state."""
        return self.status in ALLOWED_FROM[action][0]

    def _require(self, action: str) -> None:
        """Refuse an action the current state does not allow."""
        if not self.can(action):
            raise InvalidTransition(str(ALLOWED_FROM[action][1]))

    def add_event(self, kind: EventKind, by: User | None, note: str | None = None, **data):
        """Append a line to the case's timeline."""
        self.events.append(
            AlertEvent(location_id=self.location_id, kind=kind, actor=by, note=note, data=data)
        )

    def acknowledge(self, by: User) -> None:
        """Someone is on it: who and when; they hold the case unless someone already does."""
        self._require("acknowledge")
        self.status = AlertStatus.ACKNOWLEDGED
        self.acknowledged_at = utcnow()
        self.acknowledged_by = by
        if self.assigned_to is None:
            self.assigned_to = by
        self.add_event(EventKind.ACKNOWLEDGED, by)

    def assign(self, to: User, by: User) -> None:
        """Hand the case to a colleague (the caller checks that they may act on it)."""
        self._require("assign")
        self.assigned_to = to
        self.add_event(EventKind.ASSIGNED, by, assignee=to.email)

    def resolve(
        self, by: User, remedy: Remedy, note: str | None = None, amount_cents: int | None = None
    ) -> None:
        """Record what was done to make it right; a refund or coupon needs an amount."""
        self._require("resolve")
        _check_remedy(remedy, note, amount_cents)
        self.status = AlertStatus.RESOLVED
        self.resolved_at = utcnow()
        self.remedy = remedy
        self.remedy_note = note
        self.amount_cents = amount_cents if remedy in (Remedy.REFUND, Remedy.COUPON) else None
        self._keep_remedy(remedy, note, self.amount_cents, by)
        self.add_event(
            EventKind.RESOLVED,
            by,
            note,
            remedy=remedy.value,
            amount_cents=self.amount_cents,
            currency=self.location.currency,
        )

    def add_remedy(
        self, by: User, remedy: Remedy, note: str | None = None, amount_cents: int | None = None
    ) -> None:
        """One more thing done for the customer; the case's state stays as it is."""
        self._require("add_remedy")
        _check_remedy(remedy, note, amount_cents)
        amount = amount_cents if remedy in (Remedy.REFUND, Remedy.COUPON) else None
        self._keep_remedy(remedy, note, amount, by)
        self.add_event(
            EventKind.REMEDY_ADDED,
            by,
            note,
            remedy=remedy.value,
            amount_cents=amount,
            currency=self.location.currency,
        )

    def _keep_remedy(self, remedy: Remedy, note, amount: int | None, by: User) -> None:
        from surveys.models.case_work import CaseRemedy

        self.remedies.append(
            CaseRemedy(
                location_id=self.location_id,
                kind=remedy,
                amount_minor=amount,
                note=note,
                currency=self.location.currency,
                added_by=by,
            )
        )

    def schedule_follow_up(self, at: datetime, by: User) -> None:
        """Plan to check back with the customer at a future time (naive UTC)."""
        self._require("schedule_follow_up")
        if at <= utcnow():
            raise SubmissionInvalid({"follow_up_at": str(_l("Please choose a time to come."))})
        self.follow_up_at = at
        self.follow_up_reminded_at = None
        self.add_event(EventKind.FOLLOW_UP_SCHEDULED, by, at=at.isoformat())

    def close(self, by: User, outcome: Outcome, note: str | None = None) -> None:
        """Finish the case with what came of it: won back, neutral or lost."""
        self._require("close")
        self.status = AlertStatus.CLOSED
        self.closed_at = utcnow()
        self.outcome = outcome
        self.follow_up_at = None
        self.add_event(EventKind.CLOSED, by, note, outcome=outcome.value)

    def reopen(self, by: User, note: str | None = None) -> None:
        """Take a resolved or closed case up again; its outcome no longer counts."""
        self._require("reopen")
        self.status = AlertStatus.REOPENED
        self.closed_at = None
        self.outcome = None
        self.follow_up_at = None
        self.add_event(EventKind.REOPENED, by, note)

    def follow_up_due(self, now: datetime | None = None) -> bool:
        """A scheduled follow-up whose time has come."""
        return (
            self.status == AlertStatus.RESOLVED
            and self.follow_up_at is not None
            and self.follow_up_at <= (now or utcnow())
        )


class AlertEvent(db.Model):
    """One line of a case's timeline: when, who, what, with a note and details."""

    __table_args__ = (Index("ix_alert_event_location_id_id", "location_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    # Copied from the alert so the inbox finds "anything changed here?" with one index.
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    alert: Mapped[Alert] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
