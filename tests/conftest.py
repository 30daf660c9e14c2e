"""Fixtures: a freshly migrated real database per test (SQLite file, or PostgreSQL when
TEST_DATABASE_URL is set), the app, a paired kiosk client, and a live server for browsers."""

import hashlib
import os
import re
import shutil
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from surveys.authoring.templates import create_quick_faces_survey
from surveys.db import db
from surveys.demo.shops import DEMO_LOCATION, set_up_demo
from surveys.models import Channel, Device, Location, Role, Staff, Survey, User
from surveys.places.locations import assign_survey
from tests.threads import join_all
from wsgi import create_app

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own in the test Redis, its keys removed before and after."""
    redis = pytest.importorskip("redis").Redis.from_url(os.environ["TEST_REDIS_URL"])
    prefix = f"cp-test-{uuid.uuid4().hex[:12]}"

    def clean():
        for key in redis.scan_iter(match=f"*{prefix}*"):
            redis.delete(key)

    clean()
    yield prefix
    clean()
    redis.close()


def shared_state_env() -> dict[str, str]:
    """What an app started in a subprocess on the test PostgreSQL needs besides its secret
    key (surveys/shared_state.py): the test Redis, or, without one, TESTING."""
    if redis_url := os.environ.get("TEST_REDIS_URL"):
        return {"REDIS_URL": redis_url}
    return {"COUNTERPULSE_TESTING": "true"}


# Every log record of the suite is checked for personal data (tests/log_capture.py).
pytest_plugins = ["tests.log_capture"]


def _postgres_url_for_worker(worker: str) -> str:
    """One database per xdist worker, so parallel workers never share tables."""
    url = make_url(TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    checkout = hashlib.sha256(str(Path(__file__).parent).encode()).hexdigest()[:8]
    name = f"{url.database}_cp_{checkout}_{worker}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory, worker_id):
    """A database migrated once per session: a template file for SQLite, a schema for PG."""
    if TEST_DATABASE_URL:
        uri = _postgres_url_for_worker(worker_id)
    else:
        uri = f"sqlite:///{tmp_path_factory.mktemp('template') / 'template.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "TESTING": True, "SECRET_KEY": "t"})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return uri


def _empty_postgres(uri: str) -> None:
    engine = create_engine(uri)
    with engine.begin() as conn:
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def database_uri(migrated_database, tmp_path):
    """A fresh, migrated, empty database for one test."""
    if migrated_database.startswith("sqlite"):
        source = migrated_database.removeprefix("sqlite:///")
        target = tmp_path / "counterpulse.db"
        shutil.copyfile(source, target)
        return f"sqlite:///{target}"
    _empty_postgres(migrated_database)
    return migrated_database


@pytest.fixture
def app(database_uri, tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "PUBLIC_URL": "http://localhost",
        }
    )
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass
class Demo:
    pairing_code: str
    owner_email: str
    owner_password: str
    location_id: int
    survey_id: int
    question_ids: dict[str, int]  # "rating", "topics", "comment", "served_by", "contact", "praise"
    staff_ids: dict[str, int]


@pytest.fixture
def demo(app) -> Demo:
    """The demo location, survey, unpaired device and owner."""
    with app.app_context():
        setup = set_up_demo(sample_cases=False)
        # As if the owner had chosen this password at first sign-in
        # (tests/admin/test_demo_accounts.py shows that the printed one must be changed).
        owner = db.session.query(User).filter_by(email=setup.owner_email).one()
        owner.must_change_password = False
        db.session.commit()
        location = db.session.query(Location).filter_by(name=DEMO_LOCATION).one()
        survey = db.session.query(Survey).one()
        names = ["rating", "topics", "comment", "served_by", "contact", "praise"]
        return Demo(
            pairing_code=setup.pairing_code,
            owner_email=setup.owner_email,
            owner_password=setup.owner_password,
            location_id=location.id,
            survey_id=survey.id,
            question_ids={name: q.id for name, q in zip(names, survey.questions, strict=True)},
            staff_ids={member.name: member.id for member in location.staff},
        )


@pytest.fixture
def kiosk(app, demo):
    """A test client paired as the demo kiosk."""
    kiosk_client = app.test_client()
    response = kiosk_client.post(f"/kiosk/pair/{demo.pairing_code}")
    assert response.status_code == 303
    return kiosk_client


def fresh_response_id(html: str) -> str:
    """The response id a start screen offers."""
    return re.search(r'name="response_id" value="([0-9a-f-]{36})"', html).group(1)


@pytest.fixture
def live_server(app):
    """The app served over real HTTP on a free loopback port, in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app.config["PUBLIC_URL"]
    server.shutdown()
    join_all([thread], seconds=5)


KNOWN_PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def known_password_hash() -> str:
    """The argon2id hash of KNOWN_PASSWORD, computed once: hashing is slow on purpose."""
    from surveys.people.accounts import _hasher

    return _hasher.hash(KNOWN_PASSWORD)


@dataclass
class Shops:
    """Two locations, A and B, with their people, staff lists and tablets (all ids)."""

    a: int
    b: int
    owner: int
    manager_a: int
    manager_b: int
    staff_a: int
    other_manager_a: int  # an account the tests may change without touching the actors
    staff_member_a: int
    staff_member_b: int
    device_a: int
    device_b: int
    survey_a: int  # shown on location A's kiosks


@pytest.fixture
def shops(app, known_password_hash) -> Shops:
    """Shop A and Shop B; every account's password is KNOWN_PASSWORD."""
    with app.app_context():
        a = Location(name="Shop A", timezone="Europe/Tirane", languages=["sq", "en"])
        b = Location(name="Shop B", timezone="Asia/Yerevan", languages=["hy", "en"])
        a.default_language, b.default_language = "sq", "hy"

        def account(email: str, role: Role, *locations: Location) -> User:
            user = User(email=email, password_hash=known_password_hash, role=role)
            user.locations = list(locations)
            return user

        people = {
            "owner": account("owner@shops.example", Role.OWNER),
            "manager_a": account("manager.a@shops.example", Role.MANAGER, a),
            "manager_b": account("manager.b@shops.example", Role.MANAGER, b),
            "staff_a": account("staff.a@shops.example", Role.STAFF, a),
            "other_manager_a": account("other.a@shops.example", Role.MANAGER, a),
        }
        things = {
            "staff_member_a": Staff(location=a, name="Arben"),
            "staff_member_b": Staff(location=b, name="Anahit"),
            "device_a": Device(location=a, name="Till A"),
            "device_b": Device(location=b, name="Till B"),
        }
        db.session.add_all([a, b, *people.values(), *things.values()])
        db.session.flush()
        things["survey_a"] = create_quick_faces_survey("Shop A faces")
        db.session.flush()
        assign_survey(things["survey_a"], a, Channel.KIOSK)
        db.session.commit()
        ids = {name: row.id for name, row in {**people, **things}.items()}
        return Shops(a=a.id, b=b.id, **ids)


@pytest.fixture
def app_context(app):
    """An application context for calling services directly, without HTTP."""
    with app.app_context():
        yield
