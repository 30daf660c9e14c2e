"""Each person's choice of how alerts reach them: push and/or e-mail, and quiet hours.

Quiet hours are a local start and end ("22:00"–"07:00" wraps past midnight), read in the
user's own time zone or, without one, the location's. During them:
- an e-mail is still queued but held until the quiet hours end (outbox next_attempt_at), so
  nothing is lost and the morning brings it;
- a push is skipped: a phone buzzing hours after the tap helps nobody, and the case waits
  in the inbox (and in the held e-mail, for those who chose e-mail).
Escalations to owners do not override quiet hours: an owner who wants to be woken leaves
quiet hours off; the location's managers and its live inbox are the first line.
The digest e-mail has its own choice (digests.py) and is not affected.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext as _l

from surveys.errors import SubmissionInvalid
from surveys.models import User


def set_preferences(user: User, form) -> None:
    """Save the channels, quiet hours and time zone from the posted form; refuse bad input."""
    errors: dict[str, str] = {}
    start = _clock(form.get("quiet_start", ""), "quiet_start", errors)
    end = _clock(form.get("quiet_end", ""), "quiet_end", errors)
    if not errors and (start is None) != (end is None):
        errors["quiet_end"] = str(_l("Please give both ends of the quiet hours, or neither."))
    elif not errors and start is not None and start == end:
        errors["quiet_end"] = str(_l("The quiet hours must end at another time than they start."))
    zone = (form.get("timezone") or "").strip() or None
    if zone is not None and not _known_zone(zone):
        errors["timezone"] = str(_l("Please choose a time zone from the list."))
    if errors:
        raise SubmissionInvalid(errors)
    user.notify_push = form.get("push") == "on"
    user.notify_email = form.get("email") == "on"
    user.quiet_start = start.strftime("%H:%M") if start else None
    user.quiet_end = end.strftime("%H:%M") if end else None
    user.timezone = zone


def _clock(text: str, field: str, errors: dict) -> time | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return time.fromisoformat(text).replace(second=0, microsecond=0)
    except ValueError:
        errors[field] = str(_l("Please give a time like 22:00."))
        return None


def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def quiet_until(user: User, location_zone: str, now: datetime) -> datetime | None:
    """When the user's quiet hours end (naive UTC) if `now` (naive UTC) is inside them."""
    if not user.quiet_start or not user.quiet_end:
        return None
    zone = ZoneInfo(user.timezone or location_zone or "UTC")
    local = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
    start, end = time.fromisoformat(user.quiet_start), time.fromisoformat(user.quiet_end)
    clock = local.time().replace(tzinfo=None)
    inside = start <= clock < end if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    ends = datetime.combine(local.date(), end, tzinfo=zone)
    if ends <= local:
        ends += timedelta(days=1)
    return ends.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def email_at(user: User, location_zone: str, now: datetime) -> datetime | None:
    """When an e-mail to the user may go: now, the end of their quiet hours, or None when
    they chose no e-mail."""
    if not user.notify_email:
        return None
    return quiet_until(user, location_zone, now) or now


def push_now(user: User, location_zone: str, now: datetime) -> bool:
    """Whether a push may go to the user's devices now."""
    return user.notify_push and quiet_until(user, location_zone, now) is None
