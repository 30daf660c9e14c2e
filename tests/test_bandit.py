"""bandit over the application code: no high-severity finding (each `# nosec` says why)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
TARGETS = ["surveys", "kiosk", "admin", "api", "wsgi.py"]


@pytest.mark.slow
def test_bandit_finds_no_high_severity_issue():
    command = [sys.executable, "-m", "bandit", "-q", "-r", *TARGETS, "-lll", "-f", "txt"]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Issue:" not in run.stdout
