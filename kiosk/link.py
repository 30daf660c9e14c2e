"""Link mode's screens on the phone, shared by receipts and posters: the page in the phone's
language, the start screen, the screen after each answer, and friendly refusals."""

import uuid
from dataclasses import dataclass

from flask import request, url_for

from kiosk import link_bp
from kiosk.forms import first, strict_form
from kiosk.link_guard import check_link_post, issue_form_token
from kiosk.screens import (
    _kiosk_template_helpers,
    render_next_screen,
    render_screen,
    use_language,
)
from surveys.capture.responses import (
    Source,
    Tap,
    record_follow_up,
    record_tap,
    response_from,
)
from surveys.db import db
from surveys.errors import SubmissionInvalid
from surveys.models import FollowUp, Location, Response, Survey

LINK_PAGE = "kiosk/link_page.html"

# The shared question templates and screens need the same helpers as on the tablet.
link_bp.context_processor(_kiosk_template_helpers)


@dataclass(frozen=True)
class LinkRoutes:
    """The pages of one receipt or poster code, and what its form tokens are bound to."""

    kind: str  # "receipt" or "poster": the prefix of the view names
    code: str

    @property
    def subject(self) -> str:
        return f"{self.kind}:{self.code}"

    def start(self, **args) -> str:
        return url_for(f"link.{self.kind}_open", code=self.code, **args)

    def tap(self) -> str:
        return url_for(f"link.{self.kind}_tap", code=self.code)

    def follow_up(self, response_uuid: str) -> str:
        return url_for(f"link.{self.kind}_follow_up", code=self.code, response_id=response_uuid)


def choose_language(location: Location) -> str:
    """The language picked with one tap, else the phone's best match, else the default."""
    requested = request.args.get("lang")
    if requested in location.languages:
        return use_language(requested)
    best = request.accept_languages.best_match(location.languages)
    return use_language(best or location.default_language)


def render_link(screen: str, status: int = 200, **context):
    """A link-mode screen: the partial for htmx, else the phone page around it."""
    return render_screen(screen, status, page=LINK_PAGE, **context)


def render_start(routes: LinkRoutes, location: Location, survey: Survey):
    """The first question with a fresh response id, bound to this code by a form token."""
    choose_language(location)
    response_uuid = str(uuid.uuid4())
    return render_link(
        "link_start",
        location=location,
        question=survey.main_question,
        response_uuid=response_uuid,
        form_token=issue_form_token(routes.subject, response_uuid),
        tap_url=routes.tap(),
        language_url=lambda code: routes.start(lang=code),
    )


def render_next(routes: LinkRoutes, response: Response, status: int = 200, **form_state):
    """The screen the answer is at, on the phone, its form bound to this code."""
    return render_next_screen(
        response,
        status,
        LINK_PAGE,
        follow_up_url=routes.follow_up(response.uuid),
        form_token=issue_form_token(routes.subject, response.uuid),
        **form_state,
    )


def render_answered(location: Location, status: int = 200):
    """ "You already told us, thank you": a receipt used, or a poster answered lately."""
    choose_language(location)
    return render_link("already_answered", status, location=location)


def take_tap(routes: LinkRoutes, source: Source) -> Response:
    """Check a posted first answer against its code, store it, and commit."""
    fields = strict_form()
    response_uuid = first(fields, "response_id") or ""
    location = source.location
    language = first(fields, "language") or ""
    # Before the token check: a page left open too long is told so in the language shown.
    use_language(language if language in location.languages else location.default_language)
    check_link_post(routes.subject, response_uuid, first(fields, "form_token"))
    tap = Tap(
        response_uuid=response_uuid,
        question_id=first(fields, "question") or "",
        rating=first(fields, "rating") or "",
        language=language,
    )
    response = record_tap(source, tap)
    db.session.commit()
    return response


def take_follow_up(routes: LinkRoutes, source: Source, response_uuid: str):
    """Join a posted follow-up to its response; the form again with 422 when it needs fixing."""
    fields = strict_form()
    # The answers' errors, a stale page, the consent and the thanks are all in the language
    # the customer chose.
    use_language(response_from(source, response_uuid).language)
    check_link_post(routes.subject, response_uuid, first(fields, "form_token"))
    try:
        response = record_follow_up(source, response_uuid, fields)
    except SubmissionInvalid as invalid:
        db.session.rollback()
        response = response_from(source, response_uuid)
        if response.follow_up != FollowUp.OFFERED:
            raise
        return render_next(routes, response, status=422, errors=invalid.errors, values=fields)
    db.session.commit()
    return render_next(routes, response)
