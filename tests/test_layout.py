"""The layout's rules, read off the code: who may import whom, and what each package holds."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BLUEPRINTS = ("kiosk", "admin", "api")


def imported_modules(package: str) -> dict[str, set[str]]:
    """Every module a package's files import, by file."""
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_a_blueprint_never_imports_another(blueprint):
    others = [other for other in BLUEPRINTS if other != blueprint]
    crossing = {
        path: sorted(name for name in names if name.split(".")[0] in others)
        for path, names in imported_modules(blueprint).items()
    }
    assert {path: names for path, names in crossing.items() if names} == {}


def test_the_domain_has_no_views_and_no_request():
    blueprint_or_request = {"flask.request", "flask.Blueprint", *BLUEPRINTS}
    offending = {
        path: sorted(names & blueprint_or_request)
        for path, names in imported_modules("surveys").items()
    }
    assert {path: names for path, names in offending.items() if names} == {}


def test_every_domain_package_says_what_it_owns():
    packages = [path.parent for path in (ROOT / "surveys").rglob("__init__.py")]
    undocumented = [
        str(package.relative_to(ROOT))
        for package in packages
        if not ast.get_docstring(ast.parse((package / "__init__.py").read_text()))
    ]
    assert len(packages) >= 12 and undocumented == []


def test_the_running_app_does_not_load_the_demo():
    script = (
        "import sys, wsgi\n"
        "app = wsgi.create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'x'})\n"
        "print(sorted(m for m in sys.modules if m.startswith('surveys.')))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "surveys.capture.responses" in loaded  # the check sees the app's modules
    assert "surveys.demo" not in loaded
