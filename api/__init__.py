"""The HTTP API under /api/v1: tills mint receipt codes, read keys fetch responses and
dashboard numbers. JSON in and out; a per-location key in the Authorization header."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from api import auth, reads, receipts  # noqa: E402,F401  (routes register on import)
