"""`flask --app wsgi backup PATH`: a consistent copy of the live SQLite database, taken while
another connection is in the middle of writing."""

import sqlite3

import pytest

from surveys.operations.backup import NotSqlite, backup_sqlite, sqlite_path


@pytest.fixture
def sqlite_file(app, demo):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if not uri.startswith("sqlite"):
        pytest.skip("the backup command copies SQLite; PostgreSQL uses pg_dump")
    return sqlite_path(uri)


def count(path, table: str) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


def test_the_copy_holds_what_was_committed_and_not_a_write_in_progress(app, sqlite_file, tmp_path):
    writer = sqlite3.connect(sqlite_file, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process holding the write lock, mid-write
    writer.execute("CREATE TABLE half_written (x)")
    writer.execute("INSERT INTO half_written VALUES (1)")
    target = tmp_path / "copy.db"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    writer.execute("ROLLBACK")
    writer.close()
    assert result.exit_code == 0, result.output
    assert f"Backed up to {target}" in result.output
    assert count(target, "location") == count(sqlite_file, "location") >= 2
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file
        tables = [row[0] for row in copy.execute("SELECT name FROM sqlite_master")]
        assert "location" in tables and "half_written" not in tables
        (revision,) = copy.execute("SELECT version_num FROM alembic_version").fetchone()
        assert revision.startswith("00")


def test_an_existing_file_is_replaced_only_when_asked(app, sqlite_file, tmp_path):
    target = tmp_path / "copy.db"
    target.write_text("an older backup")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["backup", str(target)])
    assert refused.exit_code == 2 and "pass --force" in refused.output
    assert target.read_text() == "an older backup"
    replaced = runner.invoke(args=["backup", "--force", str(target)])
    assert replaced.exit_code == 0, replaced.output
    assert count(target, "location") >= 2


def test_postgresql_is_refused_with_the_tool_to_use(tmp_path):
    with pytest.raises(NotSqlite):
        backup_sqlite("postgresql://postgres@127.0.0.1/counterpulse", tmp_path / "x.db")
    assert not (tmp_path / "x.db").exists()


def test_the_generated_secret_key_is_named_and_a_given_one_is_not(app, sqlite_file, tmp_path):
    runner = app.test_cli_runner()
    given = runner.invoke(args=["backup", str(tmp_path / "a.db")])
    assert given.exit_code == 0 and "Keep a copy" not in given.output  # the test's own key
    key_file = tmp_path / "instance" / "secret_key"
    key_file.parent.mkdir()
    key_file.write_text(app.config["SECRET_KEY"] + "\n")
    app.instance_path = str(key_file.parent)
    generated = runner.invoke(args=["backup", str(tmp_path / "b.db")])
    assert generated.exit_code == 0
    assert f"Keep a copy of {key_file} with it" in generated.output
