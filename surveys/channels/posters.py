"""Posters and table tents: a location's generic survey link, and the words printed with it.

A poster code is base64url of b"P", the location id in 3 bytes and the first 8 bytes of
HMAC-SHA256(location secret, those 4 bytes): 16 characters that cannot be guessed for
another location, and that stop working when the location's secret is rotated.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from surveys.capture.responses import Source, survey_for
from surveys.db import db
from surveys.errors import CodeInvalid, CodeRetired, NoSurveyHere
from surveys.models import Channel, Location, Survey

POSTER_PATH = "/p/"
POSTER_KIND = b"P"
POSTER_MAC_LENGTH = 8
POSTER_CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{16}")


def _poster_mac(location: Location, payload: bytes, secret: str | None = None) -> bytes:
    key = bytes.fromhex(secret or location.receipt_secret)
    return hmac.new(key, payload, hashlib.sha256).digest()[:POSTER_MAC_LENGTH]


def poster_code(location: Location) -> str:
    """The code in a location's poster link."""
    payload = POSTER_KIND + location.id.to_bytes(3, "big")
    return base64.urlsafe_b64encode(payload + _poster_mac(location, payload)).decode("ascii")


def poster_url(location: Location, base_url: str | None = None) -> str:
    """The link a location's poster QR code holds."""
    base = (base_url or current_app.config["PUBLIC_URL"]).rstrip("/")
    return f"{base}{POSTER_PATH}{poster_code(location)}"


def location_for_poster(code: str) -> Location:
    """The location a genuine poster code names; CodeRetired for one of its replaced codes,
    CodeInvalid otherwise."""
    if not isinstance(code, str) or not POSTER_CODE_PATTERN.fullmatch(code):
        raise CodeInvalid()
    raw = base64.urlsafe_b64decode(code)
    payload, mac = raw[:4], raw[4:]
    location = db.session.get(Location, int.from_bytes(payload[1:], "big"))
    if payload[:1] != POSTER_KIND or location is None:
        raise CodeInvalid()
    if not hmac.compare_digest(mac, _poster_mac(location, payload)):
        for old in location.retired_receipt_secrets:
            if hmac.compare_digest(mac, _poster_mac(location, payload, old)):
                raise CodeRetired(location)
        raise CodeInvalid()
    return location


def live_poster_survey(location: Location) -> Survey | None:
    """The survey the location's poster opens, if it asks anything at all."""
    survey = survey_for(location.id, Channel.LINK)
    return survey if survey is not None and survey.main_question is not None else None


@dataclass(frozen=True)
class PosterVisit:
    source: Source
    survey: Survey


def open_poster(code: str) -> PosterVisit:
    """The source and survey a poster link opens."""
    location = location_for_poster(code)
    survey = live_poster_survey(location)
    if survey is None:
        raise NoSurveyHere(location)
    return PosterVisit(source=Source(location=location, channel=Channel.LINK), survey=survey)


@dataclass(frozen=True)
class Invitation:
    language: str
    title: str
    text: str


def poster_invitations(location: Location) -> list[Invitation]:
    """The poster's invitation in each of the location's languages, the default first."""
    languages = sorted(location.languages, key=lambda code: code != location.default_language)
    invitations = []
    for language in languages:
        with force_locale(language):
            title = _("How was your visit today?")
            text = _("Scan the code with your phone's camera. It takes ten seconds.")
            invitations.append(Invitation(language, title, text))
    return invitations
