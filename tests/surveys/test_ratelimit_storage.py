"""The SQLite rate-limit counters: every process counting one key gets its own number, a
window that has ended starts again at 1, and the limiter reads what the others counted."""

import subprocess
import sys
from pathlib import Path

import pytest
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from surveys.ratelimit_storage import SQLiteStorage

ROOT = Path(__file__).resolve().parents[2]
COUNTING = """
import sys
from limits.storage import storage_from_string
import surveys.ratelimit_storage
storage = storage_from_string(sys.argv[1])
print(" ".join(str(storage.incr("shared", 900)) for _ in range(int(sys.argv[2]))))
"""


def test_the_sqlite_scheme_names_a_file(tmp_path):
    storage = storage_from_string(f"sqlite:///{tmp_path / 'counters.db'}")
    assert isinstance(storage, SQLiteStorage) and storage.check()
    with pytest.raises(ValueError):
        storage_from_string("sqlite:///")


@pytest.mark.slow
def test_processes_counting_one_key_never_get_the_same_number(tmp_path):
    uri, each = f"sqlite:///{tmp_path / 'counters.db'}", 200
    command = [sys.executable, "-c", COUNTING, uri, str(each)]
    processes = [
        subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) for _ in range(3)
    ]
    seen = [int(n) for process in processes for n in process.communicate(timeout=120)[0].split()]
    assert sorted(seen) == list(range(1, 3 * each + 1))
    assert storage_from_string(uri).get("shared") == 3 * each


def test_an_ended_window_starts_again_and_clear_forgets_a_key(tmp_path):
    storage = SQLiteStorage(f"sqlite:///{tmp_path / 'counters.db'}")
    assert [storage.incr("ended", 0) for _ in range(3)] == [1, 1, 1]  # each window ends at once
    assert storage.get("ended") == 0
    assert [storage.incr("open", 900, amount=2) for _ in range(2)] == [2, 4]
    assert storage.get_expiry("open") > storage.get_expiry("ended")
    storage.clear("open")
    assert storage.get("open") == 0
    storage.incr("again", 900)
    storage.reset()
    assert storage.get("again") == 0


def test_two_storages_on_one_file_share_one_limit(tmp_path):
    uri = f"sqlite:///{tmp_path / 'counters.db'}"
    one, other = (FixedWindowRateLimiter(SQLiteStorage(uri)) for _ in range(2))
    limit = RateLimitItemPerMinute(3)
    allowed = [limiter.hit(limit, "sign-in") for limiter in (one, other, one, other, one)]
    assert allowed == [True, True, True, False, False]
    assert not other.test(limit, "sign-in")
