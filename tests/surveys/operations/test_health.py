"""GET /healthz and GET /readyz: the process, then the database, its migration and the outbox."""

from sqlalchemy import select

from surveys.db import db
from surveys.models import MessageKind, OutboxMessage, OutboxStatus
from surveys.operations.health import migration_heads
from wsgi import create_app

UNREACHABLE = "postgresql://counterpulse-user:hunter2@127.0.0.1:1/nowhere"  # nothing listens


def code_head(app) -> list[str]:
    return list(migration_heads(app.extensions["migrate"].directory))


def test_a_migrated_database_is_ready_with_an_empty_outbox(client, app):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json
    assert body["status"] == "ready" and "failed" not in body
    assert body["checks"] == {"database": "ok", "migrations": "ok"}
    assert body["migrations"]["database"] == body["migrations"]["code"] == code_head(app)
    assert body["outbox"] == {"backlog": 0, "dead": 0}


def test_an_unmigrated_database_is_not_ready_and_says_the_migration_is_missing(tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}",
            "TESTING": True,
            "SECRET_KEY": "t",
        }
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.json
    assert body["status"] == "not ready" and body["failed"] == ["migrations"]
    assert body["checks"]["database"] == "ok"
    assert "db upgrade" in body["checks"]["migrations"]
    assert body["migrations"] == {"database": [], "code": code_head(app)}
    assert "outbox" not in body  # its table may not even exist
    with app.app_context():
        db.engine.dispose()


def test_a_database_one_migration_behind_is_not_ready(app, client):
    (head,) = code_head(app)

    def set_revision(revision: str) -> None:
        with app.app_context():
            db.session.execute(
                db.text("UPDATE alembic_version SET version_num = :revision"),
                {"revision": revision},
            )
            db.session.commit()

    set_revision("an_older_one")
    try:  # on PostgreSQL the suite's database outlives the test: put the head back
        body = client.get("/readyz").json
    finally:
        set_revision(head)
    assert body["failed"] == ["migrations"]
    assert body["migrations"]["database"] == ["an_older_one"]
    assert client.get("/readyz").status_code == 200


def message(status: OutboxStatus) -> OutboxMessage:
    payload = {"event": "test", "language": "en", "facts": {}}
    return OutboxMessage(
        kind=MessageKind.WEBHOOK,
        destination="https://hooks.example/x",
        payload=payload,
        status=status,
    )


def test_dead_and_waiting_messages_show_in_readiness_without_making_it_unready(app, client):
    with app.app_context():
        statuses = [OutboxStatus.DEAD, OutboxStatus.PENDING, OutboxStatus.DELIVERING]
        db.session.add_all([message(status) for status in statuses])
        db.session.add(message(OutboxStatus.DELIVERED))
        db.session.commit()
        assert len(db.session.scalars(select(OutboxMessage)).all()) == 4
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["outbox"] == {"backlog": 2, "dead": 1}


def test_healthz_answers_while_the_database_is_unreachable_and_readyz_names_it():
    app = create_app({"SQLALCHEMY_DATABASE_URI": UNREACHABLE, "TESTING": True, "SECRET_KEY": "t"})
    client = app.test_client()
    live = client.get("/healthz")
    assert live.status_code == 200 and live.json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json["failed"] == ["database"]
    assert ready.json["checks"] == {"database": "unreachable"}
    text = ready.get_data(as_text=True)  # nothing of the connection string leaks
    assert "127.0.0.1" not in text and "hunter2" not in text and "counterpulse-user" not in text


def test_the_probes_need_no_sign_in_and_set_no_cookie(client):
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
        assert response.headers["Content-Type"] == "application/json"
