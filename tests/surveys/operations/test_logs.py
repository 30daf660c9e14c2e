"""Logging set up by the app factory: plain text by default, JSON lines with LOG_FORMAT=json,
at LOG_LEVEL; read off the real handler, and off a real process's standard error."""

import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest

from surveys.operations.logs import JsonFormatter, StderrHandler
from tests.log_capture import scan_output
from wsgi import create_app

ROOT = Path(__file__).resolve().parents[3]
TEXT_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (INFO|WARNING) [\w.]+: .+$")


def app_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if isinstance(h, StderrHandler)]


def build(tmp_path, **config):
    uri = f"sqlite:///{tmp_path / 'logs.db'}"
    return create_app({"SQLALCHEMY_DATABASE_URI": uri, "TESTING": True, "SECRET_KEY": "t"} | config)


def test_the_factory_installs_one_handler_however_many_apps_it_builds(tmp_path):
    build(tmp_path)
    build(tmp_path, LOG_FORMAT="json")
    (handler,) = app_handlers()
    assert isinstance(handler.formatter, JsonFormatter)
    build(tmp_path)
    (handler,) = app_handlers()
    assert not isinstance(handler.formatter, JsonFormatter)


def test_the_level_is_a_setting(tmp_path):
    build(tmp_path, LOG_LEVEL="warning")
    assert logging.getLogger().level == logging.WARNING
    build(tmp_path)
    assert logging.getLogger().level == logging.INFO


@pytest.mark.parametrize("setting", [{"LOG_FORMAT": "xml"}, {"LOG_LEVEL": "loud"}])
def test_a_mistyped_setting_stops_the_start_with_its_name(tmp_path, setting):
    (name,) = setting
    with pytest.raises(ValueError, match=name):
        build(tmp_path, **setting)
    build(tmp_path)  # leave the suite's logging as it was


def test_a_json_line_carries_the_request_fields_and_the_exception(tmp_path, capsys):
    app = build(tmp_path, LOG_FORMAT="json")
    app.test_client().get("/r/some-receipt-code")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        app.logger.exception("a failure")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    (access,) = [line for line in lines if line["logger"] == "surveys.operations.access"]
    assert access["level"] == "INFO" and access["route"] == "/r/<code>"
    assert access["method"] == "GET" and access["status"] == 404
    assert access["endpoint"] == "link.receipt_open" and access["duration_ms"] >= 0
    assert access["time"].endswith("+00:00")
    (failure,) = [line for line in lines if line["message"] == "a failure"]
    assert failure["level"] == "ERROR" and "RuntimeError: boom" in failure["exception"]
    build(tmp_path)


SCRIPT = """
import wsgi
app = wsgi.create_app()
client = app.test_client()
client.get("/")
client.get("/r/a-secret-receipt-code")
client.get("/healthz")
app.logger.warning("one warning from the app")
"""


def run_app(tmp_path, **env) -> str:
    """A real Python process building the app from its environment; its standard error."""
    environment = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'process.db'}",
        "COUNTERPULSE_SECRET_KEY": "process-secret",
        "COUNTERPULSE_OUTBOX_IN_PROCESS": "false",
        "COUNTERPULSE_SERVE_STATIC_COMPRESSED": "false",
    } | env
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    scan_output("app process", done.stderr)
    assert done.stdout == ""
    return done.stderr


@pytest.mark.slow
def test_a_process_logs_plain_text_by_default(tmp_path):
    lines = run_app(tmp_path).splitlines()
    assert all(TEXT_LINE.match(line) for line in lines), lines
    request_line = re.compile(r" INFO surveys\.operations\.access: GET / 302 \d+\.\dms$")
    assert any(request_line.search(line) for line in lines), lines
    assert any("WARNING wsgi: one warning from the app" in line for line in lines)
    assert not any("healthz" in line for line in lines)  # probes only at DEBUG
    assert not any("a-secret-receipt-code" in line for line in lines)


@pytest.mark.slow
def test_a_process_logs_json_lines_with_the_setting(tmp_path):
    err = run_app(tmp_path, COUNTERPULSE_LOG_FORMAT="json", COUNTERPULSE_LOG_LEVEL="DEBUG")
    lines = [json.loads(line) for line in err.splitlines()]  # every line is one JSON object
    access = [line for line in lines if line["logger"] == "surveys.operations.access"]
    assert [(line["route"], line["status"], line["level"]) for line in access] == [
        ("/", 302, "INFO"),
        ("/r/<code>", 404, "INFO"),
        ("/healthz", 200, "DEBUG"),
    ]
    assert {
        "logger": "wsgi",
        "level": "WARNING",
        "message": "one warning from the app",
    }.items() <= next(line for line in lines if line["logger"] == "wsgi").items()
    assert "a-secret-receipt-code" not in err
