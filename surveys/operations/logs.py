"""Logging, set up once by the application factory: one handler on the root logger, to
standard error, as plain text (the default) or as JSON lines (LOG_FORMAT=json), at
LOG_LEVEL. A second app built in the same process replaces the handler, never adds one.

Records carry no personal data: the app logs ids, counts and route names, and the request
line (access.py) names the route's rule (`/r/<token>`), never the address asked for.
"""

import json
import logging
import sys
from datetime import UTC, datetime

from flask import Flask
from flask.logging import default_handler

FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Fields a record may carry beyond its message (the request line's), copied into JSON.
EXTRA_FIELDS = ("method", "route", "endpoint", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, and the extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry |= {name: getattr(record, name) for name in EXTRA_FIELDS if hasattr(record, name)}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record comes (a test's capture, a CLI's)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def formatter_for(name: str) -> logging.Formatter:
    """The formatter a LOG_FORMAT names; a ValueError for an unknown one."""
    name = str(name).strip().lower()
    if name == "json":
        return JsonFormatter()
    if name == "text":
        return logging.Formatter(TEXT_FORMAT)
    raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {name!r}")


def level_for(name: str | int) -> int:
    """The level a LOG_LEVEL names (DEBUG, INFO, WARNING, ERROR, CRITICAL)."""
    levels = logging.getLevelNamesMapping()
    level = levels.get(str(name).strip().upper())
    if level is None:
        raise ValueError(f"LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, not {name!r}")
    return level


def configure_logging(app: Flask) -> None:
    """Install the app's handler on the root logger, in the configured format and level."""
    handler = StderrHandler()
    handler.setFormatter(formatter_for(app.config["LOG_FORMAT"]))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, StderrHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level_for(app.config["LOG_LEVEL"]))
    app.logger.removeHandler(default_handler)  # Flask's own would print app lines twice
