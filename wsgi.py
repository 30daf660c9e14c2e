"""The application factory, and `app` for gunicorn and `flask --app wsgi`."""

import hashlib
import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs

import brotli
import click
from flask import (
    Flask,
    Request,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.json.provider import DefaultJSONProvider
from flask_babel import Babel, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import CSRFProtect
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import BadRequest, HTTPException, ServiceUnavailable
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from surveys import bounded_json
from surveys.cases import live as _inbox_signal  # noqa: F401  (publishes inbox changes)
from surveys.db import db, is_database_busy, sqlite_engine_options, sqlite_write_intent
from surveys.errors import BUSY_MESSAGE
from surveys.languages import SUPPORTED_LANGUAGES, text_direction
from surveys.notify import worker as outbox_worker
from surveys.numbers import MAX_ID
from surveys.operations import metrics as operations_metrics
from surveys.operations.access import request_finished
from surveys.operations.health import readiness
from surveys.operations.logs import configure_logging
from surveys.people import audit as _audit_trail_guard  # noqa: F401  (refuses audit changes)
from surveys.ratelimit import limiter
from surveys.shared_state import rate_limit_storage, refuse_unshared_hosts

babel = Babel()
csrf = CSRFProtect()

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
BUSY_RETRY_AFTER_SECONDS = 2  # a locked database: when a client should try again
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
    "NOTIFY_GROUP_WINDOW_SECONDS": 600,  # at most one escalation / surge e-mail per person
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


# Every body a request may carry is bounded: its size (MAX_CONTENT_LENGTH, raised per view for
# the survey editor and the logo upload), a multipart form's text parts and part count, and
# a JSON body's nesting (surveys/bounded_json.py). Past a bound: a 4xx, never a 500.
BODY_LIMITS = {
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "MAX_FORM_MEMORY_SIZE": 64 * 1024,  # one text field of a multipart form
    "MAX_FORM_PARTS": 50,  # the branding form, the one multipart form, has a handful
}
# The API's error sentences, translated; the pages say the same (templates/errors/error.html).
API_ERRORS = {
    404: _l("This page does not exist."),
    403: _l("You may not do this here."),
    405: _l("This address does not take that kind of request."),
    413: _l("That was too much to send at once."),
    429: _l("Too many requests. Please wait a moment."),
}


class UnreadableJson(BadRequest):
    """A JSON body that does not parse, or nests too deeply: a 400 saying which."""


class BoundedJSONProvider(DefaultJSONProvider):
    """The app's JSON, read with a bound on nesting (a request's body is read with it)."""

    def loads(self, s: str | bytes, **kwargs):
        return bounded_json.loads(s, **kwargs)


class BoundedRequest(Request):
    """The app's request: a JSON body that cannot be read is a 400 saying why, translated."""

    def on_json_loading_failed(self, e: ValueError | None):
        if isinstance(e, bounded_json.JsonTooDeep):
            raise UnreadableJson(str(_l("The JSON is nested too deeply.")))
        if e is not None:
            raise UnreadableJson(str(_l("The body must be a JSON object.")))
        return super().on_json_loading_failed(e)


class DatabaseIdConverter(IntegerConverter):
    """<int:id> in addresses: an id too big for the database is a 404, not a server error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: defaults, then the environment, then the test config."""
    app = Flask(__name__, instance_relative_config=True)
    app.request_class = BoundedRequest
    app.json = BoundedJSONProvider(app)
    app.url_map.converters["int"] = DatabaseIdConverter
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(app.instance_path) / 'counterpulse.db'}",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        BABEL_DEFAULT_LOCALE="en",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(app.root_path) / "translations"),
        **BODY_LIMITS,
        DEVICE_COOKIE_SECURE=False,
        PUBLIC_URL="http://127.0.0.1:5000",
        RATELIMIT_HEADERS_ENABLED=True,
        # Failed sign-ins allowed for one account from one client address (IPv6: one /64), and
        # from one client address in all, before it is refused more; never per account alone,
        # so failures from elsewhere cannot lock the right password out.
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
        # Logging (surveys/operations/logs.py): "text" or "json" lines, at this level.
        LOG_FORMAT="text",
        LOG_LEVEL="INFO",
        # GET /metrics answers only a request bearing this token; without one it is a 404.
        METRICS_TOKEN=None,
        # How long a request waits for another writer's SQLite lock before it answers 503
        # (Retry-After) instead: long enough for any normal write, short enough that a held
        # lock never ties up every worker.
        SQLITE_BUSY_TIMEOUT_SECONDS=5,
        # The inbox's event stream (with REDIS_URL): each holds a gunicorn thread, so it ends
        # after this long and the browser reconnects; a comment keeps proxies from closing it.
        INBOX_STREAM_SECONDS=300,
        INBOX_STREAM_HEARTBEAT_SECONDS=15,
        INBOX_CHANNEL_PREFIX="counterpulse:inbox:",
    )
    app.config.from_prefixed_env("COUNTERPULSE")
    _config_from_plain_env(app)
    if test_config is not None:
        app.config.from_mapping(test_config)
    _derive_config(app)
    configure_logging(app)
    app.config.setdefault("OUTBOX_IN_PROCESS", _deliver_in_process_by_default(app.config))
    refuse_unshared_hosts(app.config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(app)

    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    db.init_app(app)
    _register_migrations(app)
    babel.init_app(app, locale_selector=_select_locale)
    csrf.init_app(app)
    _time_requests(app)  # before the limiter's check, so its refusals are timed too
    limiter.init_app(app)
    _register_blueprints(app)
    _register_hooks(app)
    _register_operations(app)
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


class _MigrationCommands(click.Group):
    """`flask db …` wherever the app's commands are listed (the test runner too), with
    Flask-Migrate's commands imported only when the group is opened."""

    def _commands(self) -> click.Group:
        from flask_migrate.cli import db as commands

        return commands

    def list_commands(self, ctx):
        return self._commands().list_commands(ctx)

    def get_command(self, ctx, name):
        return self._commands().get_command(ctx, name)


def _register_migrations(app: Flask) -> None:
    """`flask db ...` under the flask command; elsewhere (gunicorn, tests) Flask-Migrate
    is set up on first use, e.g. by flask_migrate.upgrade()."""
    if click.get_current_context(silent=True) is not None:
        _set_up_migrate(app)
    else:
        app.extensions["migrate"] = _Migrations(app)
        app.cli.add_command(_MigrationCommands("db", help="Database migrations (Flask-Migrate)."))


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
    config["RATELIMIT_STORAGE_URI"] = rate_limit_storage(config, app.instance_path)
    if str(config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = sqlite_engine_options(
            config.get("SQLALCHEMY_ENGINE_OPTIONS", {}), config["SQLITE_BUSY_TIMEOUT_SECONDS"]
        )
    if str(config["PUBLIC_URL"]).startswith("https://"):
        config["SESSION_COOKIE_SECURE"] = True


def _deliver_in_process_by_default(config) -> bool:
    """One machine on SQLite delivers inside the app; with PostgreSQL (a chain of hosts, or a
    service setup) `flask --app wsgi outbox work` runs apart. Tests drive delivery themselves."""
    on_sqlite = str(config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite")
    return on_sqlite and not config.get("TESTING")


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
    # A notification's "I'm on it" carries a signed token bound to the user and the alert.
    csrf.exempt("admin.push.alert_acknowledge_from_push")
    app.register_blueprint(kiosk_bp)
    app.register_blueprint(link_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(admin_bp)
    # Templates get the proxy itself: Flask-Login's own processor loads the user (and hashes
    # the client's address) for every page, the kiosk's too, which never shows one.
    login_manager.init_app(app, add_context_processor=False)
    app.context_processor(lambda: {"current_user": current_user})
    register_commands(app)


def _time_requests(app: Flask) -> None:
    """Every request's line in the log and its latency in the metrics."""

    @app.before_request
    def _start_clock():
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        if (started := g.get("request_started")) is not None:
            rule = request.url_rule.rule if request.url_rule else None
            seconds = time.perf_counter() - started
            request_finished(request.method, rule, request.endpoint, response.status_code, seconds)
        return response


def _register_operations(app: Flask) -> None:
    """Probes and the scrape: no sign-in, no personal data, no rate limit."""

    @app.get("/healthz")
    @limiter.exempt
    def healthz():
        return {"status": "ok"}, 200, {"Cache-Control": "no-store"}

    @app.get("/readyz")
    @limiter.exempt
    def readyz():
        report = readiness()
        return report.as_json(), 200 if report.ready else 503, {"Cache-Control": "no-store"}

    @app.get("/metrics")
    @limiter.exempt
    def metrics():
        token = app.config.get("METRICS_TOKEN")
        if not token:
            return {"error": "Not Found"}, 404  # off without a token: never open to all
        if not operations_metrics.token_accepted(token, request.headers.get("Authorization")):
            return {"error": "Unauthorized"}, 401, {"WWW-Authenticate": "Bearer"}
        body, content_type = operations_metrics.exposition()
        return body, 200, {"Content-Type": content_type, "Cache-Control": "no-store"}


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
            message = str(BUSY_MESSAGE) if error.code == 503 else _api_error_message(error)
            return {"error": message, "errors": {}}, error.code
        return render_template("errors/error.html", error=error), error.code

    @app.errorhandler(OperationalError)
    def _database_busy(error: OperationalError):
        """Another writer held the lock past the busy timeout: a 503 the client retries
        (the kiosk's outbox does), shown as each part of the app shows its errors."""
        if not is_database_busy(error):
            raise error
        db.session.rollback()
        app.logger.warning("database busy: %s %s answered 503", request.method, request.endpoint)
        response = app.make_response(app.handle_http_exception(ServiceUnavailable()))
        response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
        return response


def _api_error_message(error: HTTPException) -> str:
    """The sentence an API client gets for an HTTP error, in the request's language."""
    if isinstance(error, UnreadableJson):
        return error.description
    return str(API_ERRORS.get(error.code, _l("The request could not be handled.")))


app = create_app()
