"""A chain of app hosts (PostgreSQL) does not start without what its hosts must share: the
secret key and Redis. One machine (SQLite) keeps its instance key and counts its rate limits
in a file every worker shares."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from surveys.shared_state import SharedStateMissing
from wsgi import create_app

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgresql://postgres@127.0.0.1:5432/shop"


@pytest.fixture
def environment(monkeypatch, tmp_path):
    """An environment with none of the settings, and an instance folder of the test's own."""
    for name in ("DATABASE_URL", "REDIS_URL", "COUNTERPULSE_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    return monkeypatch


def test_postgresql_without_a_shared_secret_key_is_refused(environment, tmp_path):
    environment.setenv("DATABASE_URL", POSTGRES)
    environment.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    with pytest.raises(SharedStateMissing, match="COUNTERPULSE_SECRET_KEY") as refused:
        create_app()
    assert "REDIS_URL" not in str(refused.value)
    assert not (tmp_path / "secret_key").exists()  # no key of this host's own was made


def test_postgresql_without_redis_is_refused(environment):
    environment.setenv("DATABASE_URL", POSTGRES)
    environment.setenv("COUNTERPULSE_SECRET_KEY", "shared-by-every-host")
    with pytest.raises(SharedStateMissing, match="REDIS_URL") as refused:
        create_app()
    assert "COUNTERPULSE_SECRET_KEY" not in str(refused.value)


def test_postgresql_with_both_starts_and_counts_in_redis(environment):
    environment.setenv("DATABASE_URL", POSTGRES)
    environment.setenv("COUNTERPULSE_SECRET_KEY", "shared-by-every-host")
    environment.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    app = create_app()
    assert app.config["SECRET_KEY"] == "shared-by-every-host"
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_sqlite_starts_with_the_instance_key_and_a_counters_file_beside_the_database(
    environment, tmp_path
):
    environment.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'shop.db'}")
    app = create_app()
    assert app.config["SECRET_KEY"] == (tmp_path / "secret_key").read_text().strip()
    assert app.config["RATELIMIT_STORAGE_URI"] == f"sqlite:///{tmp_path / 'shop-ratelimits.db'}"


@pytest.mark.slow
def test_gunicorn_does_not_boot_a_chain_host_without_the_shared_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "COUNTERPULSE_SECRET_KEY")}
    env["DATABASE_URL"] = POSTGRES
    command = [sys.executable, "-m", "gunicorn", "-w", "1", "-b", "127.0.0.1:0", "wsgi:app"]
    command.append("--no-control-socket")
    booted = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert booted.returncode != 0
    assert "SharedStateMissing" in booted.stderr
    assert "COUNTERPULSE_SECRET_KEY" in booted.stderr and "REDIS_URL" in booted.stderr
