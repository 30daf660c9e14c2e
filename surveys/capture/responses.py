"""Storing what a customer answers: the first tap at once, the follow-up when given.

Each step is idempotent: the same step sent again with the same content changes nothing,
the same step with other content is a conflict. Services flush; the caller commits.
A tap comes from a Source: a kiosk tablet (a Device), a printed receipt, or a poster link.
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from surveys.authoring.versions import version_answered
from surveys.capture import rules
from surveys.capture.answers import CONSENT_TEXT, parse_follow_up
from surveys.capture.conditions import follow_up_questions_for
from surveys.cases.raising import raise_alert
from surveys.db import db
from surveys.direct_insert import insert_directly
from surveys.errors import AlreadyAnswered, NotFound, SubmissionConflict, SubmissionInvalid
from surveys.models import (
    Answer,
    Channel,
    Customer,
    Device,
    EventKind,
    FollowUp,
    Location,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyAssignment,
    utcnow,
)
from surveys.numbers import whole_number
from surveys.reporting.metrics.rollups import count_response, facts_now

if TYPE_CHECKING:
    from surveys.channels.receipts import Receipt

# A kiosk sends the time it captured an answer, by its clock corrected by the offset it saw at
# its last server contact; answers queued offline arrive late but keep that time. A time in
# the future, before the device was paired or older than a queue can plausibly hold is a
# broken clock: the server's time is used instead.
CLOCK_TOLERANCE_FUTURE = timedelta(minutes=5)
MAX_QUEUED_AGE = timedelta(days=90)


@dataclass(frozen=True)
class Tap:
    """The first answer of a visit, as the kiosk sends it."""

    response_uuid: str
    question_id: str
    rating: str
    language: str
    captured_at: str | None = None


@dataclass(frozen=True)
class Source:
    """Where taps come from: a kiosk tablet, one printed receipt, or a location's poster."""

    location: Location
    channel: Channel
    device: Device | None = None
    receipt: Receipt | None = None

    @classmethod
    def of_device(cls, device: Device) -> Source:
        """A kiosk tablet as a source."""
        return cls(location=device.location, channel=Channel.KIOSK, device=device)

    def owns(self, response: Response) -> bool:
        """Whether the response was captured from this source."""
        if self.device is not None:
            return response.device_id == self.device.id
        if self.receipt is not None:
            return response.receipt_token == self.receipt.token_id
        return (
            response.channel == self.channel
            and response.location_id == self.location.id
            and response.device_id is None
            and response.receipt_token is None
        )


def _as_source(source: Device | Source) -> Source:
    return source if isinstance(source, Source) else Source.of_device(source)


def survey_for(location_id: int, channel: Channel) -> Survey | None:
    """The survey a location shows on a channel; link and receipt fall back to the kiosk's."""
    survey = (
        db.session.scalars(
            select(Survey)
            .join(SurveyAssignment)
            .options(joinedload(Survey.questions))
            .where(SurveyAssignment.location_id == location_id, SurveyAssignment.channel == channel)
        )
        .unique()
        .one_or_none()
    )
    if survey is None and channel != Channel.KIOSK:
        return survey_for(location_id, Channel.KIOSK)
    return survey


def record_tap(source: Device | Source, tap: Tap) -> Response:
    """Store a first tap with its alert, or return the identical tap stored before."""
    source = _as_source(source)
    survey = survey_for(source.location.id, source.channel)
    if survey is None or survey.main_question is None:
        raise NotFound()
    survey = version_answered(survey, tap.question_id)
    response_uuid, rating, language, captured_at = _validate_tap(survey, source, tap)
    if source.receipt is not None and (answered := answer_to_receipt(source.receipt)):
        if answered.uuid != response_uuid:
            raise AlreadyAnswered()
        return _same_tap_or_conflict(answered, source, rating)
    response = _new_response(survey, source, response_uuid, rating, language, captured_at)
    try:
        # The response and its rating, one INSERT each: the hottest write there is.
        insert_directly(response, *response.answers)
    except IntegrityError:
        # The id is taken: a resend of a stored tap (a queue that missed the answer sends
        # again), or a parallel request won the race; on a receipt, another id may have.
        # Nothing is written before this tap's rows, so the whole transaction goes; new
        # taps, by far the most, pay no look-up of their id first.
        db.session.rollback()
        existing = db.session.scalar(_BY_UUID, {"uuid": response_uuid})
        if existing is None:
            _refuse_a_second_answer(source)
            raise
        return _same_tap_or_conflict(existing, source, rating)
    if response.is_negative and not response.suspected_misuse:
        raise_alert(response, reason="rating")
    count_response(response)
    return response


def answer_to_receipt(receipt: Receipt) -> Response | None:
    """The response a receipt already has, if any."""
    return db.session.scalar(select(Response).where(Response.receipt_token == receipt.token_id))


def _refuse_a_second_answer(source: Source) -> None:
    """A receipt takes one response: AlreadyAnswered once it has one."""
    if source.receipt is not None and answer_to_receipt(source.receipt) is not None:
        raise AlreadyAnswered()


def _validate_tap(survey: Survey, source: Source, tap: Tap) -> tuple[str, int, str, datetime]:
    location = source.location
    errors: dict[str, str] = {}
    question = survey.main_question
    try:
        response_uuid = str(uuid_module.UUID(tap.response_uuid))
    except (ValueError, TypeError, AttributeError):
        errors["response_id"] = _("This answer has no valid id; please start again.")
        response_uuid = ""
    if tap.question_id != str(question.id):
        errors["question"] = _("This question is not part of the survey.")
    rating = whole_number(tap.rating)
    if rating is None or rating not in question.rating_range:
        errors["rating"] = _("Please choose one of the faces.")
    if tap.language not in location.languages:
        errors["language"] = _("This language is not offered here.")
    captured_at = _parse_client_time(tap.captured_at, errors, _earliest_capture(source.device))
    if errors:
        raise SubmissionInvalid(errors)
    return response_uuid, rating, tap.language, captured_at


def _earliest_capture(device: Device | None) -> datetime:
    """The earliest capture time believable: not before a tablet was paired, nor too old.
    Link and receipt answers have no device, so only the age limit applies to them."""
    oldest = utcnow() - MAX_QUEUED_AGE
    if device is None:
        return oldest
    since = device.paired_at or device.created_at or utcnow()
    return max(since - CLOCK_TOLERANCE_FUTURE, oldest)


def _parse_client_time(value: str | None, errors: dict[str, str], earliest: datetime) -> datetime:
    """The device's capture time in UTC; the server's time when missing or implausible."""
    now = utcnow()
    if not value:
        return now
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        errors["captured_at"] = _("The time of the answer is not readable.")
        return now
    try:
        if stamp.tzinfo is not None:
            stamp = stamp.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:  # year 1 or 9999 moved past the calendar's end: a broken clock
        return now
    if not earliest <= stamp <= now + CLOCK_TOLERANCE_FUTURE:
        return now
    return stamp


def _same_tap_or_conflict(existing: Response, source: Source, rating: int) -> Response:
    if not source.owns(existing) or existing.rating != rating:
        raise SubmissionConflict()
    return existing


@dataclass(frozen=True)
class TapOutcome:
    """What a first rating leads to: negative or not, and the follow-up questions it opens."""

    negative: bool
    questions: list[Question]


def tap_outcome(survey: Survey, rating: int, staff_known: bool = False) -> TapOutcome:
    """The outcome of a rating, the same on the server and (as data) on an offline kiosk."""
    return TapOutcome(
        negative=rules.is_negative_rating(survey.main_question, rating),
        questions=_questions_opened(survey, rating, staff_known),
    )


def _new_response(survey, source: Source, response_uuid, rating, language, captured_at):
    """A response with its rating answer, classified and flagged, not yet stored."""
    question = survey.main_question
    device = source.device
    staff_id = source.receipt.staff_id if source.receipt else None
    outcome = tap_outcome(survey, rating, staff_known=staff_id is not None)
    response = Response(
        uuid=response_uuid,
        survey=survey,
        location=source.location,
        location_id=source.location.id,
        device_id=device.id if device else None,
        channel=source.channel,
        language=language,
        captured_at=captured_at,
        rating=rating,
        is_negative=outcome.negative,
        # The misuse interval is per tablet; link channels rely on cookies and rate limits.
        suspected_misuse=device is not None and _pressed_too_soon(device, captured_at),
        follow_up=FollowUp.OFFERED if outcome.questions else FollowUp.NONE,
    )
    if source.receipt is not None:
        _stamp_receipt(response, source.receipt, question)
    response.answers.append(Answer(question_id=question.id, number=rating))
    response.alert = None  # known to have none yet: the next screen asks, and needs no query
    return response


def _stamp_receipt(response: Response, receipt: Receipt, question: Question) -> None:
    """Where and when the receipt was printed and, if the till said, who served."""
    response.receipt_token = receipt.token_id
    response.till = receipt.till
    response.receipt_number = receipt.number
    response.receipt_issued_at = receipt.issued_at
    if receipt.staff_id is not None:
        response.staff_id = receipt.staff_id
        response.staff_from_till = True
        # Praise reaches the staff member the till named, as a named one on the kiosk.
        response.staff_praised = rules.is_positive_rating(question, response.rating)


def _questions_opened(survey: Survey, rating: int, staff_known: bool) -> list[Question]:
    """The follow-up questions a first rating opens; nobody is asked who served twice."""
    questions = follow_up_questions_for(survey, rating)
    if staff_known:
        questions = [q for q in questions if q.kind != QuestionKind.STAFF]
    return questions


# Built once: a tap runs both, and building a statement costs about as much as running it.
_BY_UUID = select(Response).where(Response.uuid == bindparam("uuid"))
_PRESSED_WITHIN = select(
    exists().where(
        Response.device_id == bindparam("device_id"),
        Response.captured_at > bindparam("after"),
        Response.captured_at < bindparam("before"),
    )
)


def _pressed_too_soon(device: Device, captured_at: datetime) -> bool:
    """Another press on this device within the location's response interval."""
    window = timedelta(seconds=device.location.response_interval_seconds)
    around = {"after": captured_at - window, "before": captured_at + window}
    return bool(db.session.scalar(_PRESSED_WITHIN, {"device_id": device.id} | around))


def response_from(source: Device | Source, response_uuid: str) -> Response:
    """A response this source captured, or NotFound."""
    response = db.session.scalar(Response.by_uuid(response_uuid))
    if response is None or not _as_source(source).owns(response):
        raise NotFound()
    return response


def response_for_device(device: Device, response_uuid: str) -> Response:
    """A response this device captured, or NotFound."""
    return response_from(device, response_uuid)


def follow_up_questions(response: Response) -> list:
    """The questions the response's first rating opened."""
    return _questions_opened(response.survey, response.rating, response.staff_from_till)


def record_follow_up(
    source: Device | Source, response_uuid: str, form: Mapping[str, Sequence[str]]
) -> Response:
    """Join the follow-up's answers to the response once; a resend changes nothing."""
    response = response_from(source, response_uuid)
    if response.follow_up == FollowUp.NONE:
        raise SubmissionInvalid({"response": _("This answer needs no more questions.")})
    questions = follow_up_questions(response)
    staff_ids = {member.id for member in response.location.active_staff()}
    known = {response.survey.main_question.key: response.rating}
    parsed = parse_follow_up(questions, form, staff_ids, known)
    digest = parsed.digest()
    before = facts_now(response)
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
    count_response(response, before)
    return response


def consent_words(language: str) -> str:
    """The consent box's words as the customer read them, in the response's language."""
    with force_locale(language):
        return str(CONSENT_TEXT)


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
            consent_text=consent_words(response.language),
        )
    reason = rules.negative_reason(questions, parsed.answers)
    if not response.is_negative and reason:
        response.is_negative = True
        if not response.suspected_misuse:
            raise_alert(response, reason=reason)
    if response.alert is not None:
        # On the timeline, and it moves the open inboxes' cursor so the words show at once.
        response.alert.add_event(EventKind.DETAILS_ADDED, None)
