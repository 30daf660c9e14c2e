"""The CSV export: hostile text survives and is neutralised, the file streams, scoping holds."""

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest

from surveys.db import db
from surveys.models import Location, utcnow
from surveys.reporting.exports import BOM, neutralised
from tests.case_factories import make_alert

SEEDS = Path("/work/shared/seeds")
EXPORT = "/admin/exports/responses.csv"


def seed_sentences() -> list[str]:
    """A real sentence in each of hy, hi, az and sq, from the shared seeds (or stand-ins)."""
    found = []
    for path in sorted(SEEDS.glob("00*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        found.append(next(line for line in lines if len(line) > 40)[:300])
    return found or ["Լավ սպասարկում", "ग्राहक हमेशा सही", "Yaxşı müştəri", "Më falni"]


HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\tleading tab",
    "\rleading return",
    'quotes "inside", and a comma',
    "two\nlines\r\nthree",
    "سلام، خیلی منتظر ماندم",  # Persian, right to left
    "mixed \u202eRTL override\u202c text",
    *seed_sentences(),
]


def store(app, location_id: int, words: str, **details) -> int:
    """A negative response with its case at the location; its id."""
    with app.app_context():
        alert = make_alert(db.session.get(Location, location_id), words=words, **details)
        db.session.commit()
        return alert.response_id


def parse(body: bytes) -> list[dict]:
    """The CSV as dicts, read back with the csv module like a program would."""
    assert body.startswith(BOM.encode("utf-8"))
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def unneutralised(cell: str) -> str:
    """The stored text behind a neutralised cell."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in tuple("=+-@\t\r") else cell


def test_hostile_text_comes_back_equal_and_formulas_are_neutralised(app, shops, signed_in):
    ids = {store(app, shops.a, words, topics=("waiting", "price")): words for words in HOSTILE}
    response = signed_in("owner").get(EXPORT)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = {int(row["response_id"]): row for row in parse(response.data)}
    assert set(rows) == set(ids)
    for response_id, words in ids.items():
        cell = rows[response_id]["customer_words"]
        assert unneutralised(cell) == words
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
        assert rows[response_id]["topics"] == "Waiting time; Price"
        assert rows[response_id]["location"] == "Shop A"
        assert rows[response_id]["negative"] == "yes"
        assert rows[response_id]["case_status"] == "new"


def test_contact_details_never_appear(app, shops, signed_in):
    store(app, shops.a, "call me", email="private.person@example.com", phone="+355 69 123 4567")
    body = signed_in("owner").get(EXPORT).get_data(as_text=True)
    [row] = parse(body.encode())
    assert row["customer_words"] == "call me" and row["topics"] == "" and row["staff"] == ""
    assert "private.person" not in body and "123 4567" not in body


def test_the_time_is_local_to_the_location(app, shops, signed_in):
    store(app, shops.b, "late", captured_at=datetime(2026, 7, 1, 20, 30, 15))
    query = "?period=custom&first=2026-07-01&last=2026-07-31"
    rows = parse(signed_in("owner").get(EXPORT + query).data)
    assert [r["captured_at"] for r in rows] == ["2026-07-02T00:30:15+04:00"]  # Yerevan, +4


def test_the_period_is_read_in_each_locations_own_days(app, shops, signed_in):
    # 23:30 UTC on 30 June is already 1 July in Tirane (+2 in summer).
    store(app, shops.a, "first of july", captured_at=datetime(2026, 6, 30, 23, 30))
    store(app, shops.a, "last of june", captured_at=datetime(2026, 6, 30, 21, 30))
    query = "?period=custom&first=2026-07-01&last=2026-07-01"
    rows = parse(signed_in("owner").get(EXPORT + query).data)
    assert [r["customer_words"] for r in rows] == ["first of july"]


def test_the_response_is_streamed_not_built_first(app, shops, signed_in):
    for n in range(3):
        store(app, shops.a, f"words {n}")
    response = signed_in("owner").get(EXPORT, buffered=False)
    assert response.is_streamed
    chunks = iter(response.response)
    first = next(chunks)
    assert first.startswith(BOM.encode("utf-8") + b"response_id,captured_at,")
    rest = b"".join(chunks)
    response.close()
    assert len(parse(first + rest)) == 3


def test_a_manager_exports_only_their_locations(app, shops, signed_in):
    store(app, shops.a, "in shop a")
    store(app, shops.b, "in shop b")
    body = signed_in("manager_a").get(EXPORT).get_data(as_text=True)
    assert "in shop a" in body and "in shop b" not in body
    assert signed_in("manager_a").get(f"{EXPORT}?location={shops.b}").status_code == 404
    assert signed_in("owner").get(f"{EXPORT}?location={shops.b}").status_code == 200
    assert signed_in("staff_a").get(EXPORT).status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        "?period=forever",
        "?period=custom&first=2026-02-30&last=2026-03-01",
        "?period=custom&first=2026-03-02&last=2026-03-01",
        "?location=abc",
        "?location=%00",
        "?location=%C2%B2",  # "²": isdigit() but not a number int() reads
        "?location=99999999999999999999",  # past the database's integers
        "?period=custom&first=%3Cscript%3E&last=",
    ],
)
def test_bad_filters_show_the_form_again_with_422(shops, signed_in, query):
    response = signed_in("owner").get(EXPORT + query)
    assert response.status_code == 422
    assert 'name="period"' in response.get_data(as_text=True)


def test_the_export_page_offers_the_download(shops, signed_in):
    client = signed_in("manager_a")
    page = client.get("/admin/exports").get_data(as_text=True)
    assert 'action="/admin/exports/responses.csv"' in page
    assert "Shop A" in page and "Shop B" not in page
    assert 'href="/admin/exports"' in client.get("/admin/").get_data(as_text=True)


def test_an_empty_export_is_a_header(shops, signed_in):
    rows = parse(signed_in("owner").get(EXPORT + "?period=today").data)
    assert rows == []


@pytest.mark.parametrize(
    ("value", "cell"),
    [("=1+1", "'=1+1"), ("plain", "plain"), (None, None), ("", ""), ("a=b", "a=b"), ("-", "'-")],
)
def test_neutralised_cells(value, cell):
    assert neutralised(value) == cell


@pytest.mark.slow
def test_a_big_export_arrives_in_several_chunks(app, shops, signed_in):
    with app.app_context():
        location = db.session.get(Location, shops.a)
        for n in range(1200):
            make_alert(location, words=f"n{n}", captured_at=utcnow())
        db.session.commit()
    response = signed_in("owner").get(EXPORT, buffered=False)
    chunks = list(response.response)
    response.close()
    assert len(chunks) >= 3
    assert len(parse(b"".join(chunks))) == 1200
