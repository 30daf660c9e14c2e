"""Building blocks for case tests: locations, users of each role, alerts, signing in."""

import re
import uuid
from datetime import datetime
from functools import cache

from argon2 import PasswordHasher
from sqlalchemy import select

from surveys.cases.raising import raise_alert
from surveys.db import db
from surveys.models import (
    Alert,
    Answer,
    Channel,
    Customer,
    FollowUp,
    Location,
    Response,
    Role,
    Survey,
    User,
    utcnow,
)
from surveys.places.locations import create_location

PASSWORD = "a-long-test-password"


def make_location(name: str = "Other shop") -> Location:
    """A second shop besides the demo one."""
    location = create_location(name, "Europe/Tirane", ["en", "sq"], "en")
    db.session.flush()
    return location


@cache
def _password_hash() -> str:
    """The test password's argon2id hash, computed once: hashing is slow on purpose."""
    return PasswordHasher().hash(PASSWORD)


def make_user(email: str, role: Role, locations: list[Location] = ()) -> User:
    """An account with the test password and the given locations."""
    user = User(email=email, password_hash=_password_hash(), role=role, locations=list(locations))
    db.session.add(user)
    db.session.flush()
    return user


def reachable_by_push(location: Location) -> User:
    """A manager of the location with a phone subscribed to Web Push, so that the location's
    manager_on_duty flag promises a manager (surveys/cases/presence.py). The endpoint is a
    loopback address the app refuses to call, so nothing leaves the machine."""
    from surveys.models import PushSubscription

    manager = make_user(f"on-duty-{uuid.uuid4().hex[:8]}@example.com", Role.MANAGER, [location])
    endpoint = f"https://127.0.0.1:9/push/{uuid.uuid4().hex}"
    db.session.add(
        PushSubscription(user=manager, endpoint=endpoint, p256dh="x", auth="y", label="phone")
    )
    db.session.flush()
    return manager


def use_test_password(user: User) -> None:
    """Let an existing account sign in with the test password."""
    user.password_hash = _password_hash()


def make_alert(
    location: Location,
    rating: int = 1,
    words: str | None = None,
    topics: tuple[str, ...] = (),
    email: str | None = None,
    phone: str | None = None,
    captured_at: datetime | None = None,
    language: str = "en",
) -> Alert:
    """A negative response at the location with its alert, as the kiosk would store it."""
    survey = db.session.scalars(select(Survey)).first()
    by_kind = {q.kind.value: q for q in reversed(survey.questions)}
    at = captured_at or utcnow()
    answers = [Answer(question_id=by_kind["faces"].id, number=rating)]
    answers += [Answer(question_id=by_kind["multi"].id, choice=topic) for topic in topics]
    if words:
        answers.append(Answer(question_id=by_kind["text"].id, text=words))
    response = Response(
        uuid=str(uuid.uuid4()),
        survey=survey,
        location_id=location.id,
        channel=Channel.KIOSK,
        language=language,
        captured_at=at,
        rating=rating,
        is_negative=True,
        follow_up=FollowUp.GIVEN,
        answers=answers,
    )
    if email or phone:
        response.customer = Customer(
            email=email, phone=phone, language=language, consent_at=at, consent_text="Yes."
        )
    db.session.add(response)
    alert = raise_alert(response, reason="rating")
    db.session.flush()
    return alert


def csrf_headers(client, path: str = "/admin/") -> dict[str, str]:
    """The CSRF header htmx sends, read from the page's <body hx-headers>."""
    html = client.get(path).get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
    return {"X-CSRFToken": token}


def sign_in(client, email: str, password: str = PASSWORD) -> None:
    """Sign the test client in through the login form."""
    html = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post(
        "/admin/login", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 303, response.get_data(as_text=True)


def live_sign_in(session, base: str, email: str) -> None:
    """Sign a requests session in on a live server."""
    html = session.get(f"{base}/admin/login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    data = {"email": email, "password": PASSWORD, "csrf_token": token}
    assert (
        session.post(
            f"{base}/admin/login", data=data, allow_redirects=False, timeout=30
        ).status_code
        == 303
    )


def live_csrf(session, base: str) -> str:
    """The CSRF token of a signed-in requests session."""
    return re.search(
        r'"X-CSRFToken": "([^"]+)"', session.get(f"{base}/admin/", timeout=30).text
    ).group(1)
