"""The CSV export of responses: which rows a user asked for, and the file, written as it goes.

UTF-8 with a byte-order mark so spreadsheet programs read the file as UTF-8, and cells that
a spreadsheet would run as a formula neutralised (OWASP "CSV Injection").
"""

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select

from surveys.db import db
from surveys.errors import NotVisible, SubmissionInvalid
from surveys.models import Location, User
from surveys.numbers import whole_number
from surveys.people.access import visible_location_ids
from surveys.reporting.metrics import Period
from surveys.reporting.metrics.period import latest_local_date
from surveys.reporting.response_rows import FIELDS, TimeWindow, rows_statement, stream_rows

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 500


@dataclass(frozen=True)
class ExportRequest:
    """What to export: locations already scoped to the user, and a period of local days."""

    locations: list[Location]
    period: Period

    def statements(self) -> list[Select]:
        """The rows of the export: location by location, each oldest first, its days read in
        its own time zone. One query a location walks its index in order; one query for all
        would sort every row before sending the first."""
        return [
            rows_statement([TimeWindow(location.id, *self.period.utc_bounds(location.timezone))])
            for location in self.locations
        ]

    def filename(self) -> str:
        """e.g. responses-2026-11-01-2026-11-30.csv; no names in it, only dates."""
        return f"responses-{self.period.first.isoformat()}-{self.period.last.isoformat()}.csv"


def export_locations(user: User, location: str | None) -> list[Location]:
    """The one location asked for, or every location the user sees; another's is NotVisible."""
    visible = visible_location_ids(user)
    if location:
        location_id = whole_number(location)
        if location_id is None:
            raise SubmissionInvalid({"location": _("Please choose a location from the list.")})
        found = db.session.get(Location, location_id)
        if found is None or (visible is not None and found.id not in visible):
            raise NotVisible()
        return [found]
    query = db.select(Location).order_by(Location.id)
    if visible is not None:
        query = query.where(Location.id.in_(visible))
    return list(db.session.scalars(query))


def neutralised(text: str | None) -> str | None:
    """Text prefixed with ' when a spreadsheet would take it for a formula."""
    if text and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _cells(row: Mapping) -> list:
    """A row's cells in FIELDS order; free text neutralised, several comments a line each."""
    return [
        row["response_id"],
        row["captured_at"],
        neutralised(row["location"]),
        row["channel"],
        row["language"],
        neutralised(row["survey"]),
        row["survey_version"],
        row["rating"],
        _yes_no(row["negative"]),
        neutralised("; ".join(row["topics"])),
        neutralised(row["staff"]),
        _yes_no(row["praised"]),
        neutralised("\n".join(row["customer_words"])),
        row["case_status"],
        row["case_outcome"],
    ]


def csv_chunks(rows: Iterable[Mapping]) -> Iterator[bytes]:
    """The file as UTF-8 byte chunks: the BOM and header first, then rows a few hundred a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(FIELDS)
    count = 0
    for row in rows:
        writer.writerow(_cells(row))
        count += 1
        if count % ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    """What the buffer holds, encoded, leaving it empty."""
    chunk = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return chunk


def export_csv(request: ExportRequest, language: str) -> Iterator[bytes]:
    """The whole export, streamed: nothing beyond one batch of rows is held in memory."""
    return csv_chunks(stream_rows(request.statements(), language))


def parse_export(user: User, args: Mapping[str, str]) -> ExportRequest:
    """The export asked for in a form: a visible location (or all) and a period."""
    locations = export_locations(user, args.get("location"))
    period = Period.parse(
        args.get("period") or "30d",
        args.get("first"),
        args.get("last"),
        latest_local_date([location.timezone for location in locations]),
    )
    return ExportRequest(locations, period)
