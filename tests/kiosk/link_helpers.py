"""Helpers for the link-mode tests: minting codes and reading the forms a phone gets."""

import re
from datetime import datetime

from surveys.channels.posters import poster_code
from surveys.channels.receipts import mint_receipt
from surveys.db import db
from surveys.models import Location

PARTIAL = {"HX-Request-Type": "partial"}


def mint(app, demo, number=1, issued_at: datetime | None = None, staff_id=None) -> str:
    """A genuine receipt code of the demo location."""
    with app.app_context():
        location = db.session.get(Location, demo.location_id)
        return mint_receipt(location, 2, number, issued_at=issued_at, staff_id=staff_id).code


def demo_poster_code(app, demo) -> str:
    """The demo location's poster code."""
    with app.app_context():
        return poster_code(db.session.get(Location, demo.location_id))


def form_of(html: str) -> dict[str, str]:
    """The hidden fields and the action of the page's form."""
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', html))
    fields["action"] = re.search(r'<form [^>]*action="([^"]+)"', html).group(1)
    return fields


def tap_form(page: dict[str, str], rating: int) -> dict[str, str]:
    """What tapping a face on this page posts."""
    names = ("response_id", "question", "language", "form_token")
    return {name: page[name] for name in names} | {"rating": str(rating)}
