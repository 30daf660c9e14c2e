"""Who hears of an event: e-mails to the people who look after the location (only when
SMTP_URL is set), a call to each of the location's active webhooks, and for a new alert a
Web Push notification to each of those people's subscribed devices. Each person's channels
and quiet hours (preferences.py) decide which of their messages go, and when; escalations
and surges reach people grouped (grouping.py)."""

from flask import current_app
from sqlalchemy import select

from surveys.db import db
from surveys.models import (
    Alert,
    Location,
    PushSubscription,
    QuestionKind,
    Response,
    Role,
    Surge,
    User,
    Webhook,
    utcnow,
)
from surveys.notify.grouping import enqueue_grouped_email
from surveys.notify.outbox import enqueue_email, enqueue_push, enqueue_webhook
from surveys.notify.preferences import email_at, push_now
from surveys.notify.push import push_subscriptions_for

TOPIC_KINDS = (QuestionKind.CHOICE, QuestionKind.MULTI)


def notify_alert_raised(alert: Alert, response: Response, location: Location) -> None:
    """Tell the location's managers (or, with none assigned, the owners) and its webhooks."""
    facts = _alert_facts(response, location) | {"reason": alert.reason}

    def recipients():
        return managers_of(location) or owners()

    _notify("alert.raised", facts, location, recipients, alert=alert)
    now = utcnow()
    for subscription in push_subscriptions_for(location):
        if push_now(subscription.user, location.timezone, now):
            enqueue_push(
                subscription, "alert.raised", facts, location.default_language, alert=alert
            )


def notify_alert_escalated(alert: Alert, waited_minutes: int, now=None) -> None:
    """Tell the location's webhooks that nobody has taken the alert, and every owner in
    their grouped escalation e-mail (grouping.py), which lists every such case."""
    location = alert.location
    facts = _alert_facts(alert.response, location) | {
        "waited_minutes": waited_minutes,
        "at": _iso(alert.created_at),
    }
    _tell_webhooks("alert.escalated", facts, location, alert=alert)
    if current_app.config.get("SMTP_URL"):
        case = {"alert_id": alert.id} | {
            key: facts[key] for key in ("location", "timezone", "rating", "scale", "at")
        }
        case["waited_minutes"] = waited_minutes
        for user in owners():
            _group(user, "escalations", case, location, now)


def notify_surge(surge: Surge, location: Location, now=None) -> None:
    """Tell the location's webhooks, and its managers and every owner in their grouped
    surge e-mail (grouping.py)."""
    facts = {
        "location_id": location.id,
        "location": location.name,
        "surge_id": surge.id,
        "responses": surge.responses,
        "negatives": surge.negatives,
        "percent": round(100 * surge.negatives / surge.responses),
        "window_minutes": surge.window_minutes,
        "at": _iso(surge.raised_at),
    }

    _tell_webhooks("surge.raised", facts, location)
    if current_app.config.get("SMTP_URL"):
        people = {user.id: user for user in managers_of(location) + owners()}.values()
        for user in people:
            _group(user, "surges", facts, location, now)


def managers_of(location: Location) -> list[User]:
    """The active managers and owners assigned to a location."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.active, User.role.in_([Role.MANAGER, Role.OWNER]))
            .where(User.locations.any(Location.id == location.id))
            .order_by(User.id)
        )
    )


def owners() -> list[User]:
    """Every active owner."""
    statement = select(User).where(User.active, User.role == Role.OWNER).order_by(User.id)
    return list(db.session.scalars(statement))


def _notify(event: str, facts: dict, location: Location, recipients, *, alert=None) -> None:
    """Queue the e-mails (to the users `recipients()` returns, asked only when e-mail is
    on) and the webhook calls."""
    language = location.default_language
    if current_app.config.get("SMTP_URL"):
        now = utcnow()
        for user in recipients():
            if (at := email_at(user, location.timezone, now)) is not None:
                enqueue_email(user.email, event, facts, language, alert=alert).next_attempt_at = at
    _tell_webhooks(event, facts, location, alert=alert)


def _group(user: User, kind: str, case: dict, location: Location, now) -> None:
    """Add the case to the user's grouped e-mail, unless they chose no e-mail; held past
    their quiet hours."""
    now = now or utcnow()
    if (at := email_at(user, location.timezone, now)) is not None:
        enqueue_grouped_email(user, kind, case, location.default_language, now, not_before=at)


def _tell_webhooks(event: str, facts: dict, location: Location, *, alert=None) -> None:
    for webhook in _webhooks_of(location):
        enqueue_webhook(webhook, event, facts, location.default_language, alert=alert)


def _alert_facts(response: Response, location: Location) -> dict:
    """The gist of an alert: where, what rating, which topics, when. No customer details."""
    question = response.survey.main_question
    return {
        "location_id": location.id,
        "location": location.name,
        "timezone": location.timezone,
        "rating": response.rating,
        "scale": question.rating_range[-1] if question else None,
        "topics": _topic_values(response),
        "topic_labels": topic_labels(response, location.default_language),
        "at": _iso(response.received_at or utcnow()),
    }


def _topic_answers(response: Response):
    questions = {q.id: q for q in response.survey.questions if q.kind in TOPIC_KINDS}
    chosen = [a for a in response.answers if a.question_id in questions]
    return [(questions[answer.question_id], answer.choice) for answer in chosen]


def _topic_values(response: Response) -> list[str]:
    return [choice for _question, choice in _topic_answers(response)]


def topic_labels(response: Response, language: str) -> list[str]:
    """The topics the customer chose, in the option texts of `language`."""
    labels = []
    for question, choice in _topic_answers(response):
        option = next((o for o in question.options if o["value"] == choice), {})
        texts = option.get("texts", {})
        labels.append(texts.get(language) or texts.get("en") or choice)
    return labels


def _iso(moment) -> str | None:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


CASE_EVENTS = {
    "acknowledge": "case.acknowledged",
    "resolve": "case.resolved",
    "close": "case.closed",
    "reopen": "case.reopened",
}


def notify_case_event(alert: Alert, action: str, actor: User) -> None:
    """Tell the location's webhooks that a case moved on (acknowledged, resolved, closed,
    reopened), and a colleague that a case was handed to them, in the action's
    transaction. The actor is named by id only."""
    if action == "assign" and alert.assigned_to is not None and alert.assigned_to != actor:
        tell_holder(alert, alert.assigned_to, "case.assigned")
    event = CASE_EVENTS.get(action)
    if event is None:
        return
    location = alert.location
    facts = {
        "event": event,
        "location_id": location.id,
        "location": location.name,
        "status": alert.status.value,
        "by_user_id": actor.id,
        "at": _iso(utcnow()),
    }
    _tell_webhooks(event, facts, location, alert=alert)


def _webhooks_of(location: Location):
    return db.session.scalars(
        select(Webhook).where(Webhook.location_id == location.id, Webhook.active)
    )


def tell_holder(alert: Alert, user: User, event: str) -> None:
    """Tell one person about a case of theirs: on each of their push devices, and by e-mail
    when SMTP is set."""
    location = alert.location
    facts = _alert_facts(alert.response, location) | {"event": event, "at": _iso(alert.created_at)}
    language = location.default_language
    now = utcnow()
    at = email_at(user, location.timezone, now)
    if current_app.config.get("SMTP_URL") and at is not None:
        enqueue_email(user.email, event, facts, language, alert=alert).next_attempt_at = at
    if not push_now(user, location.timezone, now):
        return
    for subscription in db.session.scalars(
        select(PushSubscription).where(PushSubscription.user_id == user.id)
    ):
        enqueue_push(subscription, event, facts, language, alert=alert)
