"""The application factory, and `app` for gunicorn and `flask --app wsgi`."""

import hashlib
import os
import secrets
import shutil
import tempfile
from pathlib import Path
from urllib.parse import parse_qs

import brotli
import click
from flask import Flask, g, has_request_context, redirect, render_template, request, url_for
from flask_babel import Babel, get_locale
from flask_wtf import CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from surveys.db import db, sqlite_write_intent
from surveys.languages import SUPPORTED_LANGUAGES, text_direction
from surveys.notify import worker as outbox_worker
from surveys.numbers import MAX_ID
from surveys.people import audit as _audit_trail_guard  # noqa: F401  (refuses audit changes)
from surveys.ratelimit import limiter

babel = Babel()
csrf = CSRFProtect()

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
OUTBOX_DEFAULTS = {
    "MAIL_FROM": "Counterpulse <counterpulse@localhost>",
    "SMTP_TIMEOUT_SECONDS": 15,
    "WEBHOOK_TIMEOUT_SECONDS": 15,
    "WEBHOOK_ALLOW_PRIVATE": False,  # loopback, link-local and private targets (SSRF)
    "OUTBOX_MAX_ATTEMPTS": 10,
    "OUTBOX_RETRY_BASE_SECONDS": 5,
    "OUTBOX_RETRY_MAX_SECONDS": 3600,
    "OUTBOX_LEASE_SECONDS": 120,
    "OUTBOX_POLL_SECONDS": 1,
    "OUTBOX_CHECK_SECONDS": 15,
    "PRIVACY_PURGE_SECONDS": 3600,  # how often the worker runs the retention purge
}
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
# Powerful features the app never uses are denied to every page and frame. Kept: autoplay
# (the inbox's chime) and fullscreen (a kiosk tablet); notifications and the battery level
# (the kiosk's heartbeat) are not governed by this header.
PERMISSIONS_POLICY = ", ".join(
    [
        "accelerometer=()",
        "autoplay=(self)",
        "camera=()",
        "display-capture=()",
        "fullscreen=(self)",
        "geolocation=()",
        "gyroscope=()",
        "hid=()",
        "magnetometer=()",
        "microphone=()",
        "midi=()",
        "payment=()",
        "publickey-credentials-get=()",
        "screen-wake-lock=()",
        "serial=()",
        "usb=()",
        "xr-spatial-tracking=()",
    ]
)
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
# On every response, pages and static files alike (HSTS is added over HTTPS only).
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": PERMISSIONS_POLICY,
}
# A static URL naming the running release (?v=, kiosk/offline.py) never changes; any other
# may change with the next release, so browsers keep it a minute. The service worker's source
# is always asked again.
IMMUTABLE = "public, max-age=31536000, immutable"
STATIC_MAX_AGE = 60
ALWAYS_FRESH = ("/static/js/sw.js",)
BROTLI_QUALITY = 8  # 0.1 s for all of static/ at startup; 11 takes 2 s for 8% fewer bytes


class DatabaseIdConverter(IntegerConverter):
    """<int:id> in addresses: an id too big for the database is a 404, not a server error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: defaults, then the environment, then the test config."""
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = DatabaseIdConverter
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(app.instance_path) / 'counterpulse.db'}",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        BABEL_DEFAULT_LOCALE="en",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(app.root_path) / "translations"),
        MAX_CONTENT_LENGTH=64 * 1024,
        DEVICE_COOKIE_SECURE=False,
        PUBLIC_URL="http://127.0.0.1:5000",
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_HEADERS_ENABLED=True,
        # Failed sign-ins allowed per account and per client address before refusing more.
        LOGIN_ACCOUNT_LIMIT="10 per 15 minutes",
        LOGIN_ADDRESS_LIMIT="30 per 15 minutes",
        **OUTBOX_DEFAULTS,
        # New answers one client address may start through poster links.
        POSTER_RATE_LIMIT="10 per minute;60 per hour",
        # The alert inbox stays open all day: its token lives as long as the session (which
        # logout and password changes end), not one hour, or its buttons would stop working.
        WTF_CSRF_TIME_LIMIT=None,
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed.
        # 0 trusts none: the client address is the connecting one, whatever a header says.
        TRUSTED_PROXIES=0,
        # An admin sign-in ends after this long without a request, and this long after login.
        SESSION_IDLE_MINUTES=8 * 60,
        SESSION_LIFETIME_HOURS=12,
    )
    app.config.from_prefixed_env("COUNTERPULSE")
    _config_from_plain_env(app)
    if test_config is not None:
        app.config.from_mapping(test_config)
    _derive_config(app)
    # The one-machine default delivers inside the app; tests drive delivery themselves.
    app.config.setdefault("OUTBOX_IN_PROCESS", not app.config.get("TESTING"))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(app)

    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    db.init_app(app)
    _register_migrations(app)
    babel.init_app(app, locale_selector=_select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    _register_blueprints(app)
    _register_hooks(app)
    outbox_worker.init_app(app)
    if app.config.get("SERVE_STATIC_COMPRESSED", not app.debug):
        _serve_static_files(app)
    _trust_proxies(app)  # outermost, so the static files see the forwarded scheme too
    return app


class _Migrations:
    """Stands in app.extensions["migrate"] until something asks for it, and only then sets
    up Flask-Migrate: Alembic takes 10 MB that a serving worker never needs."""

    def __init__(self, app: Flask):
        self.app = app

    def __getattr__(self, name: str):
        _set_up_migrate(self.app)  # replaces this stand-in with the real configuration
        return getattr(self.app.extensions["migrate"], name)


def _set_up_migrate(app: Flask) -> None:
    from flask_migrate import Migrate

    Migrate(app, db, directory=str(Path(app.root_path) / "migrations"))


def _register_migrations(app: Flask) -> None:
    """`flask db ...` under the flask command; elsewhere (gunicorn, tests) Flask-Migrate
    is set up on first use, e.g. by flask_migrate.upgrade()."""
    if click.get_current_context(silent=True) is not None:
        _set_up_migrate(app)
    else:
        app.extensions["migrate"] = _Migrations(app)


def _config_from_plain_env(app: Flask) -> None:
    """The conventional names: DATABASE_URL, REDIS_URL, SMTP_URL."""
    if url := os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    for name in ("REDIS_URL", "SMTP_URL"):
        if value := os.environ.get(name):
            app.config[name] = value


def _derive_config(app: Flask) -> None:
    """Settings that follow from others, whichever source set those."""
    config = app.config
    config["SQLALCHEMY_DATABASE_URI"] = _with_psycopg(config["SQLALCHEMY_DATABASE_URI"])
    if config.get("REDIS_URL") and config["RATELIMIT_STORAGE_URI"] == "memory://":
        config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"]
    if str(config["PUBLIC_URL"]).startswith("https://"):
        config["SESSION_COOKIE_SECURE"] = True


def _trust_proxies(app: Flask) -> None:
    """Behind N trusted proxies, take the client address and scheme from their headers."""
    count = int(app.config["TRUSTED_PROXIES"])
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def _with_psycopg(uri: str) -> str:
    """PostgreSQL URLs as people write them, driven by psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if uri.startswith(prefix):
            return "postgresql+psycopg://" + uri.removeprefix(prefix)
    return uri


def _instance_secret_key(app: Flask) -> str:
    """A random key generated once into the instance folder, never a hard-coded default."""
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def _select_locale() -> str:
    """The language a view chose, else the browser's best match, else English."""
    if g.get("language"):
        return g.language
    if has_request_context():
        return request.accept_languages.best_match(SUPPORTED_LANGUAGES) or "en"
    return "en"


class StaticFiles(WhiteNoise):
    """WhiteNoise with this app's headers: the security headers on every file, a year and
    immutable for a URL that names the running release, HSTS over HTTPS."""

    def __init__(self, application, root: Path, config, headers: dict[str, str]):
        self.config, self.file_headers = config, headers
        super().__init__(
            application,
            root=str(root),
            prefix="static/",
            max_age=STATIC_MAX_AGE,
            add_headers_function=self._add_file_headers,
        )

    def _add_file_headers(self, headers, _path: str, url: str) -> None:
        for name, value in self.file_headers.items():
            headers[name] = value
        if url in ALWAYS_FRESH:
            headers["Cache-Control"] = "no-cache"

    def serve(self, static_file, environ, start_response):
        """The file's stored headers, adjusted for what this request's URL and scheme say."""
        from kiosk.offline import VERSION_HEADER

        release = self.config["KIOSK_VERSION"]  # read per request: a test may change it
        versioned = parse_qs(environ.get("QUERY_STRING", "")).get("v") == [release]
        versioned = versioned and environ.get("PATH_INFO") not in ALWAYS_FRESH
        secure = environ.get("wsgi.url_scheme") == "https"

        def start(status: str, headers: list, exc_info=None):
            if versioned and status[:3] in ("200", "206", "304"):
                headers = [h for h in headers if h[0].lower() != "cache-control"]
                headers.append(("Cache-Control", IMMUTABLE))
            headers.append((VERSION_HEADER, release))
            if secure:
                headers.append(("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY))
            return start_response(status, headers, exc_info)

        return super().serve(static_file, environ, start)


class _QuickCompressor(Compressor):
    @staticmethod
    def compress_brotli(data: bytes) -> bytes:
        return brotli.compress(data, quality=BROTLI_QUALITY)


def _serve_static_files(app: Flask) -> None:
    """Static files by WhiteNoise, gzip and Brotli beside each, with the app's headers."""
    root = _compressed_static_folder(Path(app.static_folder), Path(app.instance_path))
    app.wsgi_app = StaticFiles(app.wsgi_app, root, app.config, SECURITY_HEADERS)


def _compressed_static_folder(source: Path, instance: Path) -> Path:
    """A copy of static/ with .gz and .br files beside each file, made once for each content
    (a new release's first start, 0.1-0.2 s) in the instance folder; older copies removed."""
    files = sorted(path for path in source.rglob("*") if path.is_file())
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(source)).encode() + b"\0" + path.read_bytes() + b"\0")
    target = instance / "static" / digest.hexdigest()[:16]
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    compressor = _QuickCompressor(quiet=True)
    for path in files:
        copy = building / path.relative_to(source)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)
        if compressor.should_compress(copy.name):
            compressor.compress(str(copy))
    try:
        building.rename(target)
    except OSError:  # another worker of the same release was quicker: use its copy
        shutil.rmtree(building, ignore_errors=True)
    for older in target.parent.iterdir():
        if older != target and not older.name.startswith("."):
            shutil.rmtree(older, ignore_errors=True)
    return target


def _register_blueprints(app: Flask) -> None:
    from admin import bp as admin_bp
    from admin import login_manager
    from api import bp as api_bp
    from kiosk import bp as kiosk_bp
    from kiosk import link_bp
    from surveys.cli import register_commands

    csrf.exempt(kiosk_bp)  # kiosk posts are guarded by the device cookie and origin checks
    csrf.exempt(link_bp)  # link posts by a signed form token and origin checks
    csrf.exempt(api_bp)  # the API authenticates with a key header, never a cookie
    app.register_blueprint(kiosk_bp)
    app.register_blueprint(link_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(admin_bp)
    login_manager.init_app(app)
    register_commands(app)


def _register_hooks(app: Flask) -> None:
    @app.before_request
    def _declare_write_intent():
        sqlite_write_intent.set(request.method not in SAFE_METHODS)

    @app.teardown_request
    def _restore_write_intent(_error=None):
        sqlite_write_intent.set(True)  # code running after a request writes safely again

    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:  # over plain HTTP the header is ignored, and would mislead
            response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
        return response

    @app.get("/")
    def index():
        return redirect(url_for("kiosk.start"))

    @app.context_processor
    def _page_language():
        language = str(get_locale())
        return {"language": language, "direction": text_direction(language)}

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        db.session.rollback()
        if request.path.startswith("/api/"):  # the tills' API answers in JSON, even a 404
            return {"error": error.name, "errors": {}}, error.code
        return render_template("errors/error.html", error=error), error.code


app = create_app()
