"""After `flask --app wsgi privacy erase`, the person's address, number and name are nowhere:
in no table or column (read back through SQL), and on SQLite in no byte of the database file,
its -wal or its -shm (read from disk while the app still holds its connections open)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from surveys.db import db
from surveys.models import (
    AuditEvent,
    MessageKind,
    OutboxMessage,
    OutboxStatus,
    Remedy,
)
from surveys.notify.apology import send_apology_email
from tests.case_factories import make_alert
from tests.log_capture import scan_output

ROOT = Path(__file__).resolve().parents[3]
# An Armenian name from /work/shared/seeds/000_…txt ("Էմիլին", "Սմիթ"); upper case differs.
NAME = "Էմիլի Սմիթ"
EMAIL = "emily.smith@example.com"
PHONE = "+374 10 555 777"
DIGITS = "37410555777"


def forms_of(value: str) -> set[bytes]:
    """The value as it may lie in the files: UTF-8 in any case, or JSON-escaped."""
    cases = {value, value.lower(), value.upper()}
    return {form.encode() for case in cases for form in (case, json.dumps(case)[1:-1])}


NEEDLES = {
    *forms_of(EMAIL),
    *forms_of(EMAIL.replace("@", "%40")),
    *forms_of(NAME),
    *(part for word in NAME.split() for part in forms_of(word)),
    PHONE.encode(),
    b"374-10-555-777",
    b"37410555777",
    b"374 10 555777",
}


def found_in_files(database: Path) -> dict[str, list[bytes]]:
    """Which needles each of the database's files holds, read as raw bytes."""
    found = {}
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{database}{suffix}")
        if path.exists():
            data = path.read_bytes()
            found[path.name] = [needle for needle in NEEDLES if needle in data]
    return found


def found_in_tables() -> list[str]:
    """Every table and column, read through SQL, that still names the person."""
    db.session.expire_all()
    found = []
    connection = db.session.connection()
    for table in inspect(connection).get_table_names():
        for row in connection.execute(text(f'SELECT * FROM "{table}"')).mappings():
            for column, value in row.items():
                stored = str(value).encode()
                if any(needle in stored or needle.lower() in stored.lower() for needle in NEEDLES):
                    found.append(f"{table}.{column}")
    db.session.commit()
    return found


def set_the_scene(people):
    """Emily's cases and every other place her details were written down."""
    shop, manager = people.shop, people.manager
    own = make_alert(shop, words="Soup cold, write to me", topics=("product",), email=EMAIL)
    own.response.customer.name, own.response.customer.phone = NAME, PHONE
    own.acknowledge(by=manager)
    apology = send_apology_email(own, by=manager, coupon_code="ABCD-EFGH")
    own.resolve(by=manager, remedy=Remedy.APOLOGY, note=f"Said sorry to {NAME}")
    # A visit without contact details, where she typed her address and number into the words.
    make_alert(shop, words=f"It is {NAME.upper()} again: {EMAIL.upper()}, 374-10-555-777")
    # Another customer's case, whose notes and resolve note name her.
    other = make_alert(people.other_shop, words="Long queue", email="bob@example.com")
    other.acknowledge(by=manager)
    other.add_event(other.events[0].kind, by=manager, note=f"Came with {NAME.split()[0]}")
    other.resolve(by=manager, remedy=Remedy.OTHER, note=f"Her friend {NAME}, {PHONE}, called")
    # A webhook payload naming her, delivered; a dead e-mail whose error quotes her address.
    webhook = OutboxMessage(
        kind=MessageKind.WEBHOOK,
        destination="https://hooks.example/counterpulse",
        payload={"event": "alert.created", "facts": {"words": f"{NAME.lower()} again"}},
    )
    dead = OutboxMessage(
        kind=MessageKind.EMAIL,
        destination=EMAIL.replace("@", "%40"),
        payload={"event": "apology", "language": "hy", "facts": {"customer_name": NAME}},
        status=OutboxStatus.DEAD,
        last_error=f"550 no such user <{EMAIL}>",
    )
    db.session.add_all([webhook, dead])
    db.session.add(AuditEvent(action="legacy.note", details={"who": f"{NAME} 374 10 555777"}))
    db.session.commit()
    # Rows rewritten after they were written, as delivery does: old copies lie in free space.
    webhook.status, webhook.attempts = OutboxStatus.DELIVERED, 1
    apology.attempts, apology.last_error = 1, "421 try again later"
    db.session.commit()


def run_erase(database_uri: str, *args: str) -> subprocess.CompletedProcess:
    """The real command in its own process, as an operator runs it."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SMTP_URL"}}
    env.update(COUNTERPULSE_SQLALCHEMY_DATABASE_URI=database_uri, COUNTERPULSE_SECRET_KEY="t")
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "privacy", "erase", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=120)
    scan_output("privacy erase", done.stdout + done.stderr)
    return done


@pytest.mark.slow
def test_no_copy_of_the_person_is_left_anywhere(app, people, database_uri):
    set_the_scene(people)
    assert found_in_tables(), "the scene names her"
    sqlite = database_uri.startswith("sqlite")
    database = Path(database_uri.removeprefix("sqlite:///"))
    if sqlite:
        assert any(found_in_files(database).values()), "her details are in the files before"

    # A connection held open, as a running app holds one: closing the last connection would
    # checkpoint and delete the -wal file by itself, hiding what the erase leaves there.
    held = db.engine.raw_connection()
    held.cursor().execute("SELECT count(*) FROM response").fetchone()
    done = run_erase(database_uri, "--phone", "+374-10-555-777")
    output = (done.stdout + done.stderr).decode()
    assert done.returncode == 0, output
    assert "Erased." in output and "Warning" not in output
    assert not [needle for needle in NEEDLES if needle in done.stdout + done.stderr]

    assert found_in_tables() == []
    if sqlite:
        # The test's own connections are still open: nothing closed the WAL for the erase.
        assert found_in_files(database) == {name: [] for name in found_in_files(database)}
        assert Path(f"{database}-wal").stat().st_size == 0
    held.close()


@pytest.mark.slow
def test_what_stays_after_the_erase(app, people, database_uri):
    set_the_scene(people)
    done = run_erase(database_uri, "--email", EMAIL.upper())
    assert done.returncode == 0, done.stdout + done.stderr
    db.session.expire_all()
    messages = {m.kind: m for m in db.session.scalars(select(OutboxMessage))}
    webhook = messages[MessageKind.WEBHOOK]
    assert webhook.status == OutboxStatus.DELIVERED
    assert webhook.payload["facts"]["words"] == "[removed] again"  # only the name goes
    assert webhook.destination == "https://hooks.example/counterpulse"
    statuses = sorted(m.status for m in db.session.scalars(select(OutboxMessage)))
    assert OutboxStatus.PENDING not in statuses  # the apology to her is cancelled
