"""The Dockerfile, the compose file and the systemd units (docs/deploy/) name commands and
files that exist. Docker cannot build here; what it would run is checked instead: the
programs are in the venv, every `flask --app wsgi …` command is one the app has, gunicorn
accepts its arguments and loads `wsgi:app`, and systemd-analyze accepts the units."""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.log_capture import scan_output

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "docs" / "deploy"
VENV_BIN = Path(sys.executable).parent
UNIT_VENV = "/opt/counterpulse/.venv/bin/"
UNITS = sorted(DEPLOY.glob("*.service"))
APP_SERVICES = ("migrate", "app", "worker")


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    text = "\n".join(line for line in lines if not line.strip().startswith("#"))
    text = re.sub(r"\\\n\s*", " ", text)
    return [tuple(line.split(None, 1)) for line in text.splitlines() if line.strip()]


def docker_cmd() -> list[str]:
    (cmd,) = [args for name, args in dockerfile_instructions() if name == "CMD"]
    return json.loads(cmd)


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def unit_commands() -> list[tuple[str, list[str]]]:
    """(unit file name, argv) of every Exec line of every unit."""
    found = []
    for unit in UNITS:
        for line in unit.read_text().splitlines():
            if re.match(r"Exec(Start|StartPre|Reload)=", line):
                found.append((unit.name, shlex.split(line.split("=", 1)[1])))
    return found


def assert_flask_command_exists(app, argv: list[str]) -> None:
    """`flask --app wsgi GROUP COMMAND …` names a command the app has."""
    assert argv[:3] == ["flask", "--app", "wsgi"], argv
    result = app.test_cli_runner().invoke(args=[*argv[3:], "--help"])
    assert result.exit_code == 0, (argv, result.output)


def test_the_image_copies_what_the_app_reads():
    copied = {
        source
        for name, args in dockerfile_instructions()
        if name == "COPY"
        for source in args.split()[:-1]
    }
    for source in copied:
        assert (ROOT / source).exists(), source
    needed = {"wsgi.py", "pyproject.toml", "surveys", "kiosk", "admin", "api", "templates"}
    assert needed | {"static", "translations", "migrations"} <= copied


def test_the_image_checks_a_route_that_exists(app):
    (check,) = [args for name, args in dockerfile_instructions() if name == "HEALTHCHECK"]
    (path,) = re.findall(r"http://127\.0\.0\.1:5000(/\w+)", check)
    assert path == "/healthz"
    assert app.test_client().get(path).status_code == 200


def test_the_compose_services_run_the_image_and_commands_that_exist(app):
    services = compose()["services"]
    assert set(services) == {"migrate", "app", "worker", "postgres", "redis"}
    assert (DEPLOY / services["app"]["build"]["context"] / "Dockerfile").resolve() == (
        ROOT / "Dockerfile"
    )
    assert services["app"]["command"] == docker_cmd()
    assert_flask_command_exists(app, services["worker"]["command"])
    assert services["worker"]["command"][3:] == ["outbox", "work"]
    assert_flask_command_exists(app, services["migrate"]["command"])
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert environment["COUNTERPULSE_OUTBOX_IN_PROCESS"] == "false"
        assert {"DATABASE_URL", "REDIS_URL", "COUNTERPULSE_SECRET_KEY"} <= set(environment)


def test_the_compose_settings_are_documented():
    reference = (ROOT / "docs" / "configuration.md").read_text()
    for name in compose()["services"]["app"]["environment"]:
        assert f"`{name}`" in reference, name


def test_the_units_run_programs_of_the_venv_and_commands_that_exist(app):
    assert {unit.name for unit in UNITS} >= {"counterpulse.service", "counterpulse-worker.service"}
    commands = unit_commands()
    assert commands
    for unit, argv in commands:
        program = argv[0]
        if program.startswith(UNIT_VENV):
            name = program.removeprefix(UNIT_VENV)
            assert (VENV_BIN / name).is_file(), (unit, program)
            if name == "flask":
                assert_flask_command_exists(app, ["flask", *argv[1:]])
        else:
            assert Path(program).is_file(), (unit, program)


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="no systemd-analyze")
def test_systemd_accepts_the_units(tmp_path):
    for unit in [*UNITS, *DEPLOY.glob("*.timer")]:
        text = unit.read_text().replace(UNIT_VENV, f"{VENV_BIN}/")
        (tmp_path / unit.name).write_text(text)
    files = sorted(str(path) for path in tmp_path.iterdir())
    done = subprocess.run(
        ["systemd-analyze", "verify", *files], capture_output=True, text=True, check=False
    )
    problems = [
        line
        for line in (done.stdout + done.stderr).splitlines()
        if line.startswith("counterpulse") and "ignoring" not in line.lower()
    ]
    assert done.returncode == 0 and problems == [], done.stdout + done.stderr


def gunicorn_argv() -> list[tuple[str, list[str]]]:
    found = [("Dockerfile", docker_cmd())]
    for unit, argv in unit_commands():
        if argv[0].endswith("/gunicorn"):
            found.append((unit, ["gunicorn", *argv[1:]]))
    return found


@pytest.mark.slow
@pytest.mark.parametrize(("source", "argv"), gunicorn_argv(), ids=lambda value: str(value)[:40])
def test_gunicorn_accepts_the_arguments_and_loads_the_app(source, argv, tmp_path):
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.db'}",
        "COUNTERPULSE_SECRET_KEY": "check-config",
        "COUNTERPULSE_SERVE_STATIC_COMPRESSED": "false",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [str(VENV_BIN / "gunicorn"), "--check-config", *argv[1:]]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    scan_output("gunicorn --check-config", done.stderr)
    assert done.returncode == 0, (source, done.stdout, done.stderr)


def env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile reads them (comments, quotes)."""
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip().strip('"')
    return values


def test_the_example_settings_build_an_app_as_documented(tmp_path, monkeypatch):
    from wsgi import create_app

    example = env_file(DEPLOY / "counterpulse.env.example")
    reference = (ROOT / "docs" / "configuration.md").read_text()
    assert [name for name in example if f"`{name}`" not in reference] == []
    for name in [name for name in os.environ if name.startswith("COUNTERPULSE_")]:
        monkeypatch.delenv(name)
    for name, text in example.items():
        monkeypatch.setenv(name, text)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'example.db'}")
    monkeypatch.setenv("COUNTERPULSE_SECRET_KEY", "example")
    app = create_app()
    assert app.config["OUTBOX_IN_PROCESS"] is False
    assert app.config["TRUSTED_PROXIES"] == 1
    assert app.config["MAIL_FROM"] == "Counterpulse <feedback@example.com>"
    assert app.config["SESSION_COOKIE_SECURE"] is True  # the https public URL
