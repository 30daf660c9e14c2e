"""Guarding link-mode posts (receipt and poster) against forgery and against mix-ups.

A phone that opens a receipt or poster link has no session and no device cookie, so
neither Flask-WTF's session-bound CSRF token nor the kiosk's SameSite device cookie can
stand behind its posts. Two checks do instead:

- The browser's own word: a post the browser marks as cross-site (Sec-Fetch-Site, else
  Origin) is refused, the same check the kiosk uses (kiosk/device.py). This is what stops
  another site from making its visitors' browsers submit answers, which would also slip
  past the per-browser poster cookie (SameSite=Lax keeps it off cross-site posts) and
  spread a poster's rate limit over many addresses.
- A short-lived token in the form, signed with the app's SECRET_KEY (itsdangerous) and
  bound to the receipt or poster and to the response id the page offered. It proves the
  post answers a page this server rendered for this very code: a form cannot be replayed
  against another receipt, a follow-up cannot be attached to someone else's response, and
  a page left open for longer than the token lives must be opened again.

The token holds no secret and no personal data; it needs no server-side storage, so any
worker or host can check it.
"""

from flask import abort, current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from kiosk.device import is_same_origin_request
from surveys.errors import SubmissionError

FORM_TOKEN_SALT = "counterpulse.link-form"  # noqa: S105 (a namespace, not a secret)
FORM_TOKEN_MAX_AGE_SECONDS = 6 * 60 * 60


class FormTokenInvalid(SubmissionError):
    """A link-mode post whose form token is missing, forged, for another code, or stale."""

    status = 400

    def __init__(self):
        message = _("This page was open too long or has changed. Please open the link again.")
        super().__init__({"form": message})


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=FORM_TOKEN_SALT)


def issue_form_token(subject: str, response_uuid: str) -> str:
    """A token for a page offering this response id for this receipt or poster."""
    return _serializer().dumps([subject, response_uuid])


def check_link_post(subject: str, response_uuid: str, token: str | None) -> None:
    """Refuse a cross-site post (403) or a token not issued for this subject and id (400)."""
    if not is_same_origin_request():
        abort(403)
    try:
        signed = _serializer().loads(token or "", max_age=FORM_TOKEN_MAX_AGE_SECONDS)
    except BadSignature:
        raise FormTokenInvalid() from None
    if signed != [subject, response_uuid]:
        raise FormTokenInvalid()
