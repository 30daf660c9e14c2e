"""Handling a case: who may act on it, the actions with their input, audit and timeline.

Views call `act_on_case` with the posted form; it refuses what the user may not take, parses
and validates the input, lets the Alert guard its life cycle, writes the audit event and
flushes.
"""

from collections.abc import Callable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm.exc import StaleDataError

from surveys.capture.answers import clean_text
from surveys.cases.coupons import DEFAULT_VALID_DAYS, MAX_VALID_DAYS, issue_coupon
from surveys.db import db
from surveys.errors import CaseChanged, NotAllowed, NotVisible, SubmissionInvalid
from surveys.models import ALLOWED_FROM, Alert, EventKind, Location, Outcome, Remedy, Role, User
from surveys.notify.events import notify_case_event
from surveys.numbers import whole_number
from surveys.people.access import can_acknowledge, can_act_on_location, can_see_location
from surveys.people.audit import record_audit
from surveys.places.money import parse_amount


def alert_for(user: User, alert_id: int) -> Alert:
    """The alert if the user may see its location; NotVisible otherwise, as for no alert."""
    alert = db.session.get(Alert, alert_id)
    if alert is None or not can_see_location(user, alert.location_id):
        raise NotVisible()
    return alert


def may_take(user: User, alert: Alert, action: str) -> bool:
    """Owners and managers take every action; staff at most acknowledge, where allowed."""
    if can_act_on_location(user, alert.location_id):
        return True
    return action == "acknowledge" and can_acknowledge(user, alert.location)


def offered_actions(alert: Alert, user: User) -> set[str]:
    """The actions to offer this user now: what they may take and the state allows."""
    return {
        action for action in ALLOWED_FROM if alert.can(action) and may_take(user, alert, action)
    }


def colleagues_for(alert: Alert) -> list[User]:
    """Active owners and managers of the alert's location: whom it may be assigned to."""
    statement = (
        select(User)
        .where(User.active.is_(True), User.role != Role.STAFF)
        .where(or_(User.role == Role.OWNER, User.locations.any(Location.id == alert.location_id)))
        .order_by(User.email)
    )
    return list(db.session.scalars(statement))


def act_on_case(
    alert: Alert, user: User, action: str, form: Mapping[str, str], client_address: str | None
) -> str:
    """Perform one action on the case; return what to tell the manager."""
    if not may_take(user, alert, action):
        raise NotAllowed()
    try:
        message = ACTIONS[action](alert, user, form)
        record_audit(
            f"case.{action}",
            actor=user,
            location_id=alert.location_id,
            client_address=client_address,
            alert_id=alert.id,
            status=alert.status.value,
        )
        notify_case_event(alert, action, user)
        db.session.flush()
    except StaleDataError:  # any flush, even an autoflush, may find the version moved on
        raise CaseChanged() from None
    return message


def _note(form: Mapping[str, str], errors: dict[str, str]) -> str | None:
    """The optional note, cleaned."""
    return clean_text(form.get("note", ""), "note", errors)


def _raise_if(errors: dict[str, str]) -> None:
    """Refuse the form when any field failed."""
    if errors:
        raise SubmissionInvalid(errors)


def _acknowledge(alert: Alert, user: User, form: Mapping[str, str]) -> str:
    """Take the case."""
    alert.acknowledge(by=user)
    return _("You have this case. Go to the customer.")


def _assign(alert: Alert, user: User, form: Mapping[str, str]) -> str:
    """Hand the case to a colleague chosen in the form."""
    chosen = form.get("assignee", "")
    chosen_id = whole_number(chosen)
    assignee = db.session.get(User, chosen_id) if chosen_id is not None else None
    if assignee is None or assignee not in colleagues_for(alert):
        raise SubmissionInvalid({"assignee": _("Please choose a colleague from the list.")})
    alert.assign(assignee, by=user)
    return _("The case is now with %(email)s.", email=assignee.email)


def _remedy_form(
    alert: Alert, form: Mapping[str, str]
) -> tuple[Remedy, str | None, int | None, int]:
    """The remedy, note, amount (minor units of the location's currency) and coupon days."""
    errors: dict[str, str] = {}
    note = _note(form, errors)
    remedy_text = form.get("remedy", "")
    remedy = Remedy(remedy_text) if remedy_text in Remedy.__members__.values() else None
    if remedy is None:
        errors["remedy"] = _("Please choose what was done.")
    amount = parse_amount(form.get("amount", ""), alert.location.currency, "amount", errors)
    days_text = (form.get("valid_days") or str(DEFAULT_VALID_DAYS)).strip()
    days = whole_number(days_text)
    if days is None or not 1 <= days <= MAX_VALID_DAYS:
        errors["valid_days"] = _("Please give between 1 and %(days)d days.", days=MAX_VALID_DAYS)
    _raise_if(errors)
    return remedy, note, amount, int(days_text)


def _resolve(alert: Alert, user: User, form: Mapping[str, str]) -> str:
    """Record the remedy; a coupon remedy issues the coupon."""
    remedy, note, amount, days = _remedy_form(alert, form)
    alert.resolve(by=user, remedy=remedy, note=note, amount_cents=amount)
    if remedy == Remedy.COUPON:
        issue_coupon(alert, user, amount, days)
        return _("Resolved. The coupon is ready to print.")
    return _("Resolved. What was done is on the timeline.")


def _add_remedy(alert: Alert, user: User, form: Mapping[str, str]) -> str:
    """One more remedy on a resolved or reopened case; a coupon remedy issues the coupon."""
    remedy, note, amount, days = _remedy_form(alert, form)
    alert.add_remedy(by=user, remedy=remedy, note=note, amount_cents=amount)
    if remedy == Remedy.COUPON:
        issue_coupon(alert, user, amount, days)
        return _("The remedy is added; the coupon is ready to print.")
    return _("The remedy is added to the case.")


def _add_note(alert: Alert, user: User, form: Mapping[str, str]) -> str:
    """A free note on the timeline: who and when; the case's state stays as it is."""
    errors: dict[str, str] = {}
    note = _note(form, errors)
    if note is None and not errors:
        errors["note"] = _("Please write the note first.")
    _raise_if(errors)
    alert.add_event(EventKind.NOTE_ADDED, user, note)
    return _("The note is on the timeline.")


def local_time_to_utc(text: str, timezone: str) -> datetime | None:
    """A datetime-local value, read in the location's time zone, as naive UTC."""
    try:
        local = datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    if local.tzinfo is not None:
        return None
    aware = local.replace(tzinfo=ZoneInfo(timezone))
    return aware.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def _schedule_follow_up(alert: Alert, user: User, form: Mapping[str, str]) -> str:
    """Plan the follow-up at the local time given."""
    at = local_time_to_utc(form.get("follow_up_at", ""), alert.location.timezone)
    if at is None:
        raise SubmissionInvalid({"follow_up_at": _("Please give a date and time.")})
    alert.schedule_follow_up(at, by=user)
    return _("Follow-up scheduled.")


def _close(alert: Alert, user: User, form: Mapping[str, str]) -> str:
    """Close with the outcome chosen."""
    errors: dict[str, str] = {}
    note = _note(form, errors)
    outcome_text = form.get("outcome", "")
    if outcome_text not in Outcome.__members__.values():
        errors["outcome"] = _("Please choose how it ended.")
    _raise_if(errors)
    alert.close(by=user, outcome=Outcome(outcome_text), note=note)
    return _("Case closed.")


def _reopen(alert: Alert, user: User, form: Mapping[str, str]) -> str:
    """Take the case up again."""
    errors: dict[str, str] = {}
    note = _note(form, errors)
    _raise_if(errors)
    alert.reopen(by=user, note=note)
    return _("Case reopened.")


ACTIONS: dict[str, Callable[[Alert, User, Mapping[str, str]], str]] = {
    "acknowledge": _acknowledge,
    "assign": _assign,
    "resolve": _resolve,
    "schedule_follow_up": _schedule_follow_up,
    "close": _close,
    "reopen": _reopen,
    "add_remedy": _add_remedy,
    "note": _add_note,
}
