"""The kiosk's screens: start (faces), follow-up, thanks."""

from flask import g, request

from kiosk import bp
from kiosk.compression import compressed
from kiosk.device import DEVICE_COOKIE, device_required, set_device_cookie
from kiosk.forms import first, strict_form
from kiosk.screens import offline_screens, render_next_screen, render_screen, use_language
from surveys.capture.responses import (
    Tap,
    record_follow_up,
    record_tap,
    response_for_device,
    survey_for,
)
from surveys.db import db
from surveys.errors import NotFound, SubmissionInvalid
from surveys.models import Channel, FollowUp
from surveys.places.device_health import note_contact


@bp.get("/")
@compressed
@device_required
def start():
    """The start screen: how was your visit, five faces, a language switch."""
    location = g.device.location
    requested = request.args.get("lang")
    use_language(requested if requested in location.languages else location.default_language)
    survey = survey_for(location.id, Channel.KIOSK)
    if survey is None or survey.main_question is None:
        raise NotFound()
    response = render_screen(
        "start",
        location=location,
        question=survey.main_question,
        offline_screens=offline_screens(survey, location),
    )
    set_device_cookie(response, request.cookies[DEVICE_COOKIE])  # slide the cookie's expiry
    return response


@bp.post("/responses")
@device_required
def responses_create():
    """Store the tap at once, then show the follow-up or the thanks."""
    fields = strict_form()
    use_language(_offered_language(first(fields, "language")))
    tap = Tap(
        response_uuid=first(fields, "response_id") or "",
        question_id=first(fields, "question") or "",
        rating=first(fields, "rating") or "",
        language=first(fields, "language") or "",
        captured_at=first(fields, "captured_at"),
    )
    response = record_tap(g.device, tap)
    note_contact(g.device)
    db.session.commit()
    return render_next_screen(response)


@bp.post("/responses/<uuid:response_id>/follow-up")
@device_required
def follow_up_create(response_id):
    """Join the follow-up's answers to the response and thank the customer."""
    fields = strict_form()
    # The answers' errors, the consent and the thanks are in the language the customer chose.
    use_language(response_for_device(g.device, str(response_id)).language)
    try:
        response = record_follow_up(g.device, str(response_id), fields)
    except SubmissionInvalid as invalid:
        db.session.rollback()
        response = response_for_device(g.device, str(response_id))
        if response.follow_up != FollowUp.OFFERED:
            raise
        return render_next_screen(response, status=422, errors=invalid.errors, values=fields)
    db.session.commit()
    return render_next_screen(response)


def _offered_language(language: str | None) -> str:
    location = g.device.location
    return language if language in location.languages else location.default_language
