"""The migration files sort in the order Alembic runs them."""

from pathlib import Path

from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def chain_and_files():
    """The file names from base to head, and the sorted file names in versions/."""
    scripts = ScriptDirectory(str(MIGRATIONS))
    chain = [Path(script.path).name for script in reversed(list(scripts.walk_revisions()))]
    files = sorted(path.name for path in (MIGRATIONS / "versions").glob("*.py"))
    return scripts, chain, files


def test_one_head_and_one_base():
    scripts, _, _ = chain_and_files()
    assert len(scripts.get_heads()) == 1
    assert len(scripts.get_bases()) == 1


def test_sorted_file_names_follow_the_chain():
    _, chain, files = chain_and_files()
    assert chain == files


def test_every_file_is_in_the_chain():
    _, chain, files = chain_and_files()
    assert set(files) <= set(chain)
