"""Failed sign-ins are throttled per account from each client address and per address, with
real Flask-Limiter: in the SQLite counters file by default, in Redis when TEST_REDIS_URL names
one. Failing on purpose never locks the owner's right password out from elsewhere."""

import os
import uuid

import pytest

from surveys.db import db
from tests.admin.conftest import login
from tests.conftest import KNOWN_PASSWORD
from wsgi import create_app

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
THROTTLED = "Too many failed sign-ins. Wait a few minutes, then try again."


def from_address(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def fail(client, email: str) -> int:
    return login(client, email, "not the password").status_code


def test_fifty_wrong_passwords_from_one_address_never_lock_the_owner_out_elsewhere(app, shops):
    # The documented default: 10 failures per account from one address in 15 minutes.
    attacker = from_address(app, "203.0.113.66")
    codes = [fail(attacker, "owner@shops.example") for _ in range(50)]
    assert codes == [422] * 10 + [429] * 40

    owner = from_address(app, "198.51.100.20")
    assert login(owner, "owner@shops.example", KNOWN_PASSWORD).status_code == 303
    assert owner.get("/admin/").status_code == 200

    still_refused = login(attacker, "owner@shops.example", KNOWN_PASSWORD)
    assert still_refused.status_code == 429 and THROTTLED in still_refused.text


def test_an_account_is_throttled_per_address_and_other_addresses_keep_their_budget(app, shops):
    app.config["LOGIN_ACCOUNT_LIMIT"] = "3 per 15 minutes"
    first, second = from_address(app, "203.0.113.1"), from_address(app, "203.0.113.2")
    assert [fail(first, "manager.a@shops.example") for _ in range(4)] == [422, 422, 422, 429]
    assert [fail(second, "manager.a@shops.example") for _ in range(4)] == [422, 422, 422, 429]
    right_password = login(first, "manager.a@shops.example", KNOWN_PASSWORD)
    assert right_password.status_code == 429 and THROTTLED in right_password.text
    other_account = login(first, "manager.b@shops.example", KNOWN_PASSWORD)
    assert other_account.status_code == 303


def test_addresses_of_one_ipv6_network_share_one_budget(app, shops):
    app.config["LOGIN_ACCOUNT_LIMIT"] = "3 per 15 minutes"
    hopping = [from_address(app, f"2001:db8:5:7::{n:x}") for n in range(4)]
    codes = [fail(client, "manager.a@shops.example") for client in hopping]
    assert codes == [422, 422, 422, 429]
    next_network = from_address(app, "2001:db8:5:8::1")
    assert login(next_network, "manager.a@shops.example", KNOWN_PASSWORD).status_code == 303


def test_an_address_is_throttled_after_failures_on_many_accounts(app, shops):
    app.config["LOGIN_ADDRESS_LIMIT"] = "3 per 15 minutes"
    guesser = from_address(app, "198.51.100.7")
    codes = [fail(guesser, f"guess{n}@shops.example") for n in range(4)]
    assert codes == [422, 422, 422, 429]
    elsewhere = from_address(app, "198.51.100.8")
    assert login(elsewhere, "manager.a@shops.example", KNOWN_PASSWORD).status_code == 303


def test_successful_sign_ins_do_not_count(app, shops):
    app.config["LOGIN_ACCOUNT_LIMIT"] = "2 per 15 minutes"
    codes = [login(app.test_client(), "owner@shops.example", KNOWN_PASSWORD).status_code]
    codes += [login(app.test_client(), "owner@shops.example", KNOWN_PASSWORD).status_code]
    codes += [login(app.test_client(), "owner@shops.example", KNOWN_PASSWORD).status_code]
    assert codes == [303, 303, 303]


@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set")
def test_the_counters_live_in_redis_when_configured(database_uri, shops):
    redis = pytest.importorskip("redis")
    prefix = f"cp-test-{uuid.uuid4().hex}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "SECRET_KEY": "test-secret",
            "TESTING": True,
            "RATELIMIT_STORAGE_URI": TEST_REDIS_URL,
            "RATELIMIT_KEY_PREFIX": prefix,
            "LOGIN_ACCOUNT_LIMIT": "2 per 15 minutes",
        }
    )
    store = redis.Redis.from_url(TEST_REDIS_URL)
    try:
        codes = [fail(app.test_client(), "manager.a@shops.example") for _ in range(3)]
        assert codes == [422, 422, 429]
        keys = [key.decode() for key in store.scan_iter(f"*{prefix}*")]
        assert keys and not any("shops.example" in key for key in keys)
    finally:
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)
        store.close()
        with app.app_context():
            db.engine.dispose()  # this app's own connections, or they leak past the test
