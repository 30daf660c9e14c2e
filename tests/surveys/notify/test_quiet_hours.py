"""Each person's channels and quiet hours: during them e-mails wait for their end and pushes
are skipped; a channel switched off gets nothing. Real SMTP, real push service."""

from datetime import datetime, timedelta

from sqlalchemy import select

from surveys.db import db
from surveys.models import MessageKind, OutboxMessage, User, utcnow
from surveys.notify.outbox import deliver_next
from surveys.notify.preferences import quiet_until
from tests.surveys.notify.conftest import add_manager, sad_tap
from tests.surveys.notify.test_push import subscribed


def deliver_all(now=None) -> None:
    while deliver_next(now):
        pass


def queued(kind) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


def quiet_now(user: User) -> datetime:
    """Quiet hours around now, in UTC; when they end."""
    now = utcnow()
    user.quiet_start = (now - timedelta(hours=1)).strftime("%H:%M")
    user.quiet_end = (now + timedelta(hours=1)).strftime("%H:%M")
    user.timezone = "UTC"
    return now.replace(second=0, microsecond=0) + timedelta(hours=1)


def test_during_quiet_hours_the_mail_waits_for_their_end_and_no_push_goes(
    app, device, demo, smtp, push_service
):
    manager = add_manager("manager@shop.example", device.location)
    subscribed(manager, push_service)
    ends = quiet_now(manager)
    db.session.commit()
    sad_tap(device, demo)
    assert queued(MessageKind.PUSH) == []
    (mail,) = queued(MessageKind.EMAIL)
    assert abs(mail.next_attempt_at - ends) < timedelta(minutes=1)
    db.session.rollback()
    deliver_all()
    assert smtp.messages == []
    deliver_all(ends + timedelta(minutes=2))
    assert [m["To"] for m in smtp.messages] == ["manager@shop.example"]


def test_a_channel_switched_off_gets_nothing(app, device, demo, smtp, push_service):
    by_mail = add_manager("mail-only@shop.example", device.location)
    by_push = add_manager("push-only@shop.example", device.location)
    subscribed(by_mail, push_service)
    _device, wanted = subscribed(by_push, push_service, "other")
    by_mail.notify_push = False
    by_push.notify_email = False
    db.session.commit()
    sad_tap(device, demo)
    assert [m.destination for m in queued(MessageKind.EMAIL)] == ["mail-only@shop.example"]
    pushes = queued(MessageKind.PUSH)
    assert [m.payload["facts"]["push_subscription_id"] for m in pushes] == [wanted.id]


def test_quiet_hours_wrap_past_midnight_in_the_users_time_zone():
    user = User(email="x@example.com", quiet_start="22:00", quiet_end="07:00")
    user.timezone = "Asia/Yerevan"  # UTC+4
    # 19:30 UTC is 23:30 in Yerevan: quiet until 07:00 there, 03:00 UTC the next day.
    assert quiet_until(user, "UTC", datetime(2026, 3, 2, 19, 30)) == datetime(2026, 3, 3, 3, 0)
    assert quiet_until(user, "UTC", datetime(2026, 3, 2, 1, 0)) == datetime(2026, 3, 2, 3, 0)
    assert quiet_until(user, "UTC", datetime(2026, 3, 2, 12, 0)) is None
    user.timezone = None  # the location's
    assert quiet_until(user, "Asia/Yerevan", datetime(2026, 3, 2, 19, 30)) is not None
    assert quiet_until(user, "UTC", datetime(2026, 3, 2, 19, 30)) is None
