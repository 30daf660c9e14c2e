"""Digest e-mails through the outbox to a real SMTP server: only to those who opted in,
only about the locations they may see, once per period however often or widely sent."""

import threading
from datetime import datetime
from email.header import decode_header, make_header

import pytest
from sqlalchemy import select

from surveys.db import db
from surveys.demo.history import generate_history
from surveys.demo.shops import DEMO_MANAGER_EMAIL, DEMO_OWNER_EMAIL, demo_locations
from surveys.models import User
from surveys.notify.digests import send_due_digests
from surveys.notify.outbox import deliver_next
from surveys.reporting.metrics import Period, dashboard
from tests.surveys.notify.conftest import add_manager
from tests.threads import join_all

# 09:00 in Yerevan (the demo shop), 06:00 in Tirane (the second shop): naive UTC.
FRIDAY_MORNING = datetime(2026, 11, 20, 5, 0)
BEFORE_SEVEN_IN_YEREVAN = datetime(2026, 11, 20, 2, 0)
THURSDAY = Period(datetime(2026, 11, 19).date(), datetime(2026, 11, 19).date())


@pytest.fixture
def shops(app, demo, smtp):
    """Ten days of history in both demo shops; a manager of the demo shop only."""
    with app.app_context():
        generate_history(db.session, demo_locations(), 600, seed=5, days=10, now=FRIDAY_MORNING)
        first, _second = demo_locations()
        add_manager("first.manager@shop.example", first)
        db.session.commit()
        yield demo_locations()


def opt_in(email: str, frequency: str = "daily", language: str = "en") -> None:
    user = db.session.scalar(select(User).where(User.email == email))
    user.digest_frequency, user.digest_language = frequency, language
    db.session.commit()


def deliver_all() -> int:
    count = 0
    while deliver_next():
        count += 1
    return count


def parts(mail) -> tuple[str, str]:
    """The plain-text and the HTML body of a delivered message."""
    bodies = {
        part.get_content_type(): part.get_payload(decode=True).decode(part.get_content_charset())
        for part in mail.walk()
        if not part.is_multipart()
    }
    return bodies["text/plain"], bodies["text/html"]


def test_an_opted_in_manager_gets_exactly_one_digest_and_nobody_else(shops, smtp):
    opt_in("first.manager@shop.example")
    assert send_due_digests(FRIDAY_MORNING) == 1
    assert deliver_all() == 1
    (mail,) = smtp.messages
    assert mail["To"] == "first.manager@shop.example"
    assert mail["Subject"] == "Counterpulse digest for Nov 19, 2026"
    text, html = parts(mail)
    answers = dashboard([shops[0].id], THURSDAY, "en").summary.responses
    assert f"Answers: {answers:,} (the day before: " in text
    assert "Satisfied customers (CSAT): " in text and "Open cases now: " in text
    assert '<th scope="row">Recovery rate (won back of closed cases)</th>' in html
    assert "Your locations: Demo shop" in text


def test_a_managers_digest_never_mentions_another_location(shops, smtp):
    opt_in("first.manager@shop.example", "weekly")
    opt_in(DEMO_OWNER_EMAIL, "weekly")
    assert send_due_digests(FRIDAY_MORNING) == 2
    deliver_all()
    mails = {mail["To"]: mail for mail in smtp.messages}
    manager_text, manager_html = parts(mails["first.manager@shop.example"])
    assert "Demo shop" in manager_text
    assert "Second shop" not in manager_text and "Second shop" not in manager_html
    owner_text, _html = parts(mails[DEMO_OWNER_EMAIL])
    assert "Your locations: Demo shop, Second shop" in owner_text
    assert mails[DEMO_OWNER_EMAIL]["Subject"] == (
        "Counterpulse week from Nov 9, 2026 to Nov 15, 2026"
    )


def test_opted_out_users_get_no_digest(shops, smtp):
    assert send_due_digests(FRIDAY_MORNING) == 0
    assert deliver_all() == 0 and smtp.messages == []


def test_running_the_sender_twice_sends_once(shops, smtp):
    opt_in("first.manager@shop.example")
    assert send_due_digests(FRIDAY_MORNING) == 1
    assert send_due_digests(FRIDAY_MORNING) == 0
    deliver_all()
    assert len(smtp.messages) == 1


def test_the_cron_command_queues_once_per_period(app, shops, smtp):
    opt_in("first.manager@shop.example")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["digests", "send", "--now"])
    second = runner.invoke(args=["digests", "send", "--now"])
    assert "1 digest(s) queued" in first.output and "0 digest(s) queued" in second.output
    deliver_all()
    assert [mail["To"] for mail in smtp.messages] == ["first.manager@shop.example"]


def test_several_workers_at_once_queue_one_digest(app, shops, smtp):
    opt_in("first.manager@shop.example")
    opt_in(DEMO_OWNER_EMAIL)
    start, counts = threading.Barrier(4), []

    def worker():
        with app.app_context():
            start.wait()
            counts.append(send_due_digests(FRIDAY_MORNING))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    join_all(threads)
    assert sum(counts) == 2
    deliver_all()
    assert sorted(mail["To"] for mail in smtp.messages) == sorted(
        ["first.manager@shop.example", DEMO_OWNER_EMAIL]
    )


def test_nothing_is_sent_before_seven_in_the_users_time_zone(shops, smtp):
    opt_in("first.manager@shop.example")
    opt_in(DEMO_MANAGER_EMAIL)  # of the second shop, in Tirane: 06:00 there
    assert send_due_digests(BEFORE_SEVEN_IN_YEREVAN) == 0
    assert send_due_digests(FRIDAY_MORNING) == 1
    assert send_due_digests(FRIDAY_MORNING, ignore_hour=True) == 1


def test_the_digest_comes_in_the_language_the_user_chose(shops, smtp):
    opt_in("first.manager@shop.example", language="hy")
    send_due_digests(FRIDAY_MORNING)
    deliver_all()
    (mail,) = smtp.messages
    assert mail["Content-Language"] == "hy"
    assert str(make_header(decode_header(mail["Subject"]))).startswith("Counterpulse ամփոփագիր՝ ")
    text, html = parts(mail)
    assert 'lang="hy"' in html and "Պատասխաններ: " in text and "Բաց դեպքեր հիմա" in html
