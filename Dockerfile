# Counterpulse: one image for the web app, the outbox worker and the migrations
# (docs/deploy.md; the compose file is docs/deploy/compose.yaml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # Metrics of every gunicorn worker and of the outbox worker, added up by /metrics.
    PROMETHEUS_MULTIPROC_DIR=/var/lib/counterpulse-metrics

WORKDIR /app
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin counterpulse

# The app's root is its source folder (templates, static files, translations and
# migrations are read from beside wsgi.py), so it is installed in place, as in the README.
COPY pyproject.toml README.md wsgi.py ./
COPY surveys ./surveys
COPY kiosk ./kiosk
COPY admin ./admin
COPY api ./api
COPY templates ./templates
COPY static ./static
COPY translations ./translations
COPY migrations ./migrations
RUN pip install -e . \
    && mkdir -p /app/instance "$PROMETHEUS_MULTIPROC_DIR" \
    && chown counterpulse:counterpulse /app/instance "$PROMETHEUS_MULTIPROC_DIR"

USER counterpulse
# The instance folder: the SQLite database when no DATABASE_URL is given, the generated
# secret key when no COUNTERPULSE_SECRET_KEY is, and the compressed static files.
VOLUME ["/app/instance"]
EXPOSE 5000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/healthz', timeout=4)"]
CMD ["gunicorn", "-w", "2", "-k", "gthread", "--threads", "4", "-b", "0.0.0.0:5000", "wsgi:app"]
