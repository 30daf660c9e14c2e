"""Storing what a customer answers: the first tap at once, the follow-up when given.

Each step is idempotent: the same step sent again with the same content changes nothing,
the same step with other content is a conflict. Services flush; the caller commits.
"""

import uuid as uuid_module
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError

from surveys import rules
from surveys.alerts import raise_alert
from surveys.answers import CONSENT_TEXT, parse_follow_up
from surveys.db import db
from surveys.errors import NotFound, SubmissionConflict, SubmissionInvalid
from surveys.models import (
    Answer,
    Channel,
    Customer,
    Device,
    EventKind,
    FollowUp,
    Response,
    ShownWhen,
    Survey,
    SurveyAssignment,
    utcnow,
)

# A client clock this far off is not believed; the server's time is used instead.
CLOCK_TOLERANCE_FUTURE = timedelta(minutes=5)
CLOCK_TOLERANCE_PAST = timedelta(days=30)


@dataclass(frozen=True)
class Tap:
    """The first answer of a visit, as the kiosk sends it."""

    response_uuid: str
    question_id: str
    rating: str
    language: str
    captured_at: str | None = None


def survey_for(location_id: int, channel: Channel) -> Survey | None:
    """The survey a location shows on a channel."""
    return db.session.scalar(
        select(Survey)
        .join(SurveyAssignment)
        .where(SurveyAssignment.location_id == location_id, SurveyAssignment.channel == channel)
    )


def record_tap(device: Device, tap: Tap) -> Response:
    """Store a first tap with its alert, or return the identical tap stored before."""
    survey = survey_for(device.location_id, Channel.KIOSK)
    if survey is None or survey.main_question is None:
        raise NotFound()
    response_uuid, rating, language, captured_at = _validate_tap(survey, device, tap)
    existing = db.session.scalar(Response.by_uuid(response_uuid))
    if existing is not None:
        return _same_tap_or_conflict(existing, device, rating)
    response = _new_response(survey, device, response_uuid, rating, language, captured_at)
    try:
        with db.session.begin_nested():
            db.session.add(response)
            db.session.flush()
    except IntegrityError:
        # A parallel request with the same id won the race; it is a resend, not an error.
        existing = db.session.scalar(Response.by_uuid(response_uuid))
        if existing is None:
            raise
        return _same_tap_or_conflict(existing, device, rating)
    return response


def _validate_tap(survey: Survey, device: Device, tap: Tap) -> tuple[str, int, str, datetime]:
    errors: dict[str, str] = {}
    question = survey.main_question
    try:
        response_uuid = str(uuid_module.UUID(tap.response_uuid))
    except (ValueError, TypeError, AttributeError):
        errors["response_id"] = _("This answer has no valid id; please start again.")
        response_uuid = ""
    if tap.question_id != str(question.id):
        errors["question"] = _("This question is not part of the survey.")
    rating = int(tap.rating) if tap.rating and tap.rating.isdigit() else None
    if rating is None or rating not in question.rating_range:
        errors["rating"] = _("Please choose one of the faces.")
    if tap.language not in device.location.languages:
        errors["language"] = _("This language is not offered here.")
    captured_at = _parse_client_time(tap.captured_at, errors)
    if errors:
        raise SubmissionInvalid(errors)
    return response_uuid, rating, tap.language, captured_at


def _parse_client_time(value: str | None, errors: dict[str, str]) -> datetime:
    """The device's capture time in UTC; the server's time when missing or implausible."""
    now = utcnow()
    if not value:
        return now
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        errors["captured_at"] = _("The time of the answer is not readable.")
        return now
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(UTC).replace(tzinfo=None)
    if not now - CLOCK_TOLERANCE_PAST <= stamp <= now + CLOCK_TOLERANCE_FUTURE:
        return now
    return stamp


def _same_tap_or_conflict(existing: Response, device: Device, rating: int) -> Response:
    if existing.device_id != device.id or existing.rating != rating:
        raise SubmissionConflict()
    return existing


def _new_response(survey, device, response_uuid, rating, language, captured_at) -> Response:
    """A response with its rating answer, classified, flagged and alerted as needed."""
    question = survey.main_question
    follow_up = rules.follow_up_for(question, rating)
    response = Response(
        uuid=response_uuid,
        survey=survey,
        location_id=device.location_id,
        device_id=device.id,
        channel=Channel.KIOSK,
        language=language,
        captured_at=captured_at,
        rating=rating,
        is_negative=rules.is_negative_rating(question, rating),
        suspected_misuse=_pressed_too_soon(device, captured_at),
        follow_up=FollowUp.OFFERED if _has_questions(survey, follow_up) else FollowUp.NONE,
    )
    response.answers.append(Answer(question_id=question.id, number=rating))
    if response.is_negative and not response.suspected_misuse:
        raise_alert(response, reason="rating")
    return response


def _has_questions(survey: Survey, shown_when: ShownWhen | None) -> bool:
    return shown_when is not None and bool(survey.questions_shown_when(shown_when))


def _pressed_too_soon(device: Device, captured_at: datetime) -> bool:
    """Another press on this device within the location's response interval."""
    window = timedelta(seconds=device.location.response_interval_seconds)
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Response.device_id == device.id,
                    Response.captured_at > captured_at - window,
                    Response.captured_at < captured_at + window,
                )
            )
        )
    )


def response_for_device(device: Device, response_uuid: str) -> Response:
    """A response this device captured, or NotFound."""
    response = db.session.scalar(Response.by_uuid(response_uuid))
    if response is None or response.device_id != device.id:
        raise NotFound()
    return response


def follow_up_questions(response: Response) -> list:
    """The questions the response's first rating opened."""
    shown_when = rules.follow_up_for(response.survey.main_question, response.rating)
    return response.survey.questions_shown_when(shown_when) if shown_when else []


def record_follow_up(
    device: Device, response_uuid: str, form: Mapping[str, Sequence[str]]
) -> Response:
    """Join the follow-up's answers to the response once; a resend changes nothing."""
    response = response_for_device(device, response_uuid)
    if response.follow_up == FollowUp.NONE:
        raise SubmissionInvalid({"response": _("This answer needs no more questions.")})
    questions = follow_up_questions(response)
    staff_ids = {member.id for member in response.location.active_staff()}
    parsed = parse_follow_up(questions, form, staff_ids)
    digest = parsed.digest()
    claimed = db.session.execute(
        update(Response)
        .where(Response.id == response.id, Response.follow_up == FollowUp.OFFERED)
        .values(follow_up=FollowUp.GIVEN, follow_up_digest=digest, follow_up_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(response)
    if not claimed:
        if response.follow_up_digest != digest:
            raise SubmissionConflict()
        return response
    _store_follow_up(response, questions, parsed)
    return response


def _store_follow_up(response: Response, questions, parsed) -> None:
    for question_id, number, choice, text in parsed.answers:
        response.answers.append(
            Answer(question_id=question_id, number=number, choice=choice, text=text)
        )
    if parsed.staff_id is not None:
        response.staff_id = parsed.staff_id
        response.staff_praised = not response.is_negative
    if parsed.contact is not None:
        response.customer = Customer(
            name=parsed.contact.name,
            email=parsed.contact.email,
            phone=parsed.contact.phone,
            language=response.language,
            consent_at=utcnow(),
            consent_text=str(CONSENT_TEXT),
        )
    chosen = [choice for _q, _n, choice, _t in parsed.answers if choice]
    if not response.is_negative and any(rules.has_complaint(q, chosen) for q in questions):
        response.is_negative = True
        if not response.suspected_misuse:
            raise_alert(response, reason="topic")
    if response.alert is not None:
        # On the timeline, and it moves the open inboxes' cursor so the words show at once.
        response.alert.add_event(EventKind.DETAILS_ADDED, None)
