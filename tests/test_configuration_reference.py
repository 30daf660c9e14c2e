"""Every setting the code reads is in docs/configuration.md, so a new one cannot ship
undocumented. The names are read off the source: `config[...]`, `config.get(...)`,
`config.setdefault(...)`, `os.environ[...]`/`.get(...)`, `os.getenv(...)`, the keyword
names given to `config.from_mapping(...)`, and the keys of module-level `*DEFAULTS` dicts."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ["wsgi.py", "surveys", "kiosk", "admin", "api", "migrations/env.py"]
READERS = {"get", "setdefault", "pop"}
SETTING = re.compile(r"^[A-Z][A-Z0-9_]+$")


def source_files() -> list[Path]:
    files = []
    for name in SOURCES:
        path = ROOT / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def _is_settings(node: ast.AST) -> bool:
    """`config`, `app.config`, `current_app.config`, `os.environ` (not a WSGI environ)."""
    if isinstance(node, ast.Attribute) and node.attr == "environ":
        return isinstance(node.value, ast.Name) and node.value.id == "os"
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)
    return name == "config"


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level `NAME = "TEXT"`, so `os.environ.get(NAME)` is read too."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    found[target.id] = node.value.value
    return found


def settings_read(tree: ast.Module) -> set[str]:
    constants = _constants(tree)

    def _literal(node: ast.AST | None) -> str | None:
        if isinstance(node, ast.Name):
            node = ast.Constant(constants.get(node.id))
        value = node.value if isinstance(node, ast.Constant) else None
        return value if isinstance(value, str) and SETTING.match(value) else None

    found: set[str | None] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _is_settings(node.value):
            found.add(_literal(node.slice))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method, owner = node.func.attr, node.func.value
            if method in READERS and _is_settings(owner) and node.args:
                found.add(_literal(node.args[0]))
            elif method == "getenv" and node.args:
                found.add(_literal(node.args[0]))
            elif method == "from_mapping":
                found.update(keyword.arg for keyword in node.keywords)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
            if any(target.endswith("DEFAULTS") for target in targets):
                found.update(_literal(key) for key in node.value.keys)
    return {name for name in found if name}


def every_setting() -> set[str]:
    names = set()
    for path in source_files():
        names |= settings_read(ast.parse(path.read_text(), str(path)))
    return names


def documented(name: str, reference: str) -> bool:
    return f"`{name}`" in reference or f"`COUNTERPULSE_{name}`" in reference


def test_the_scan_finds_settings_of_every_kind():
    names = every_setting()
    assert {"SECRET_KEY", "TRUSTED_PROXIES"} <= names  # from_mapping in the factory
    assert {"SMTP_URL", "API_RATE_LIMIT", "KIOSK_VERSION"} <= names  # config reads
    assert {"DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR"} <= names  # the environment
    assert {"EXPORT_RATE_LIMIT", "OUTBOX_LEASE_SECONDS"} <= names  # DEFAULTS dicts


def test_every_setting_the_code_reads_is_documented():
    reference = (ROOT / "docs" / "configuration.md").read_text()
    missing = sorted(name for name in every_setting() if not documented(name, reference))
    assert missing == [], f"add these to docs/configuration.md: {', '.join(missing)}"
