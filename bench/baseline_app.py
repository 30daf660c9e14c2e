"""A bare Flask + SQLAlchemy app: the floor under a kiosk tap, for bench/submit.py.

POST /kiosk/responses inserts a response row and an answer row, much like Counterpulse's,
with no device check, no validation, no rules and no template. The database comes from
BASELINE_DATABASE_URL (SQLite in WAL mode, or PostgreSQL). `python bench/baseline_app.py`
creates the tables; `gunicorn baseline_app:app` (run from bench/) serves it.
"""

import os
import sqlite3
from datetime import UTC, datetime

from flask import Flask, request
from sqlalchemy import ForeignKey, String, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, sessionmaker


class Base(DeclarativeBase):
    pass


class Response(Base):
    __tablename__ = "response"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    survey_id: Mapped[int]
    location_id: Mapped[int]
    device_id: Mapped[int | None]
    channel: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(10))
    captured_at: Mapped[datetime]
    received_at: Mapped[datetime]
    rating: Mapped[int | None]
    is_negative: Mapped[bool] = mapped_column(default=False)
    suspected_misuse: Mapped[bool] = mapped_column(default=False)
    follow_up: Mapped[str] = mapped_column(String(20), default="none")

    answers: Mapped[list["Answer"]] = relationship()


class Answer(Base):
    __tablename__ = "answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id"), index=True)
    question_id: Mapped[int]
    number: Mapped[int | None]


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record):
    """The same SQLite settings as Counterpulse: WAL, foreign keys, busy timeout."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def database_url() -> str:
    """The database from the environment, with the psycopg 3 driver for PostgreSQL."""
    url = os.environ.get("BASELINE_DATABASE_URL", "sqlite:///baseline.db")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def utcnow() -> datetime:
    """The current time in UTC, naive."""
    return datetime.now(UTC).replace(tzinfo=None)


engine = create_engine(database_url())
Session = sessionmaker(engine)
app = Flask(__name__)


@app.post("/kiosk/responses")
def responses_create():
    """Store the tap as posted and answer with a small fragment."""
    form = request.form
    rating = int(form["rating"])
    captured_at = form.get("captured_at")
    if captured_at:
        stamp = datetime.fromisoformat(captured_at).astimezone(UTC).replace(tzinfo=None)
    else:
        stamp = utcnow()
    response = Response(
        uuid=form["response_id"],
        survey_id=1,
        location_id=1,
        device_id=1,
        channel="kiosk",
        language=form["language"],
        captured_at=stamp,
        received_at=utcnow(),
        rating=rating,
    )
    response.answers.append(Answer(question_id=int(form["question"]), number=rating))
    with Session.begin() as session:
        session.add(response)
    return "<p>Thank you</p>"


if __name__ == "__main__":
    Base.metadata.create_all(engine)
