"""After `flask --app wsgi privacy erase`, the person's address, number and name are nowhere:
in no table or column (read back through SQL), and on SQLite in no byte of the database file,
its -wal or its -shm (read from disk while another process holds the database open).

The files are read by `cat`, never opened here: closing any descriptor of a file drops every
POSIX lock this process holds on it, and without this process's locks the erase's process
would believe itself the last connection and delete the -wal file on exit, hiding its copies.
"""

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from surveys.db import db
from surveys.models import (
    AuditEvent,
    Customer,
    MessageKind,
    OutboxMessage,
    OutboxStatus,
    Remedy,
    utcnow,
)
from surveys.notify.apology import send_apology_email
from surveys.privacy.forgetting import Counts, forget_contact
from tests.case_factories import make_alert
from tests.conftest import shared_state_env
from tests.log_capture import scan_output

ROOT = Path(__file__).resolve().parents[3]
# An Armenian name from /work/shared/seeds/000_…txt ("Էմիլին", "Սմիթ"); upper case differs.
NAME = "Էմիլի Սմիթ"
EMAIL = "emily.smith@example.com"
PHONE = "+374 10 555 777"
OTHER_CUSTOMERS = 200


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
    """Which needles each of the database's files holds, read as raw bytes (by `cat`)."""
    found = {}
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{database}{suffix}")
        if path.exists():
            data = subprocess.run(["cat", str(path)], capture_output=True, check=True).stdout
            found[path.name] = [needle for needle in NEEDLES if needle in data]
    return found


HOLDER = """import sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
connection.execute("SELECT count(*) FROM response").fetchone()
print("open", flush=True)
sys.stdin.read()
"""


@contextmanager
def another_process_holding(database: Path):
    """A second process with the database open and idle, as a running app's worker has it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(database)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout.readline() == b"open\n"
        yield
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
        holder.stdout.close()


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
    if db.engine.dialect.name == "sqlite":
        # SQLite's own default (Debian builds turn it on): what is freed keeps its bytes.
        db.session.execute(text("PRAGMA secure_delete=OFF"))
    # A visit long ago, whose contact the retention purge forgot: the rows were freed, but
    # their bytes stay in the free space of the pages.
    old = make_alert(shop, words="Old visit", email=EMAIL, phone=PHONE)
    old.response.customer.name = NAME
    db.session.commit()
    forget_contact(old.response, Counts())
    db.session.commit()
    for number in range(OTHER_CUSTOMERS):  # so her old rows and her new ones share no page
        db.session.add(
            Customer(
                email=f"c{number}@example.org",
                language="en",
                consent_at=utcnow(),
                consent_text="Yes, you may contact me about my visit.",
            )
        )
    db.session.commit()
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
    env.update(shared_state_env())
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

    if not sqlite:
        done = run_erase(database_uri, "--phone", "+374-10-555-777")
        assert done.returncode == 0, done.stdout + done.stderr
        assert found_in_tables() == []
        return
    # Closing the last connection would checkpoint and delete the -wal file by itself.
    with another_process_holding(database):
        done = run_erase(database_uri, "--phone", "+374-10-555-777")
        output = (done.stdout + done.stderr).decode()
        assert done.returncode == 0, output
        assert "Erased." in output and "Warning" not in output
        assert not [needle for needle in NEEDLES if needle in done.stdout + done.stderr]
        files = found_in_files(database)
        assert set(files) == {"counterpulse.db", "counterpulse.db-wal", "counterpulse.db-shm"}
        assert files == {name: [] for name in files}
        assert Path(f"{database}-wal").stat().st_size == 0
    assert found_in_tables() == []


@pytest.mark.slow
def test_what_stays_after_the_erase(app, people, database_uri):
    set_the_scene(people)
    done = run_erase(database_uri, "--email", EMAIL.upper(), "--vacuum")
    assert done.returncode == 0, done.stdout + done.stderr
    assert b"database vacuumed" in done.stdout
    assert found_in_tables() == []
    db.session.expire_all()
    messages = {m.kind: m for m in db.session.scalars(select(OutboxMessage))}
    webhook = messages[MessageKind.WEBHOOK]
    assert webhook.status == OutboxStatus.DELIVERED
    assert webhook.payload["facts"]["words"] == "[removed] again"  # only the name goes
    assert webhook.destination == "https://hooks.example/counterpulse"
    statuses = sorted(m.status for m in db.session.scalars(select(OutboxMessage)))
    assert OutboxStatus.PENDING not in statuses  # the apology to her is cancelled
