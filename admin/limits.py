"""Rate limits per signed-in account for the admin's heavy answers: exports and downloads.

Counted by the shared limiter (Redis when REDIS_URL is set); the limits are settings, e.g.
COUNTERPULSE_EXPORT_RATE_LIMIT. Over the limit the admin's 429 page says to wait.
"""

from flask import current_app
from flask_login import current_user

from surveys.ratelimit import limiter

DEFAULTS = {
    "EXPORT_RATE_LIMIT": "6 per minute;60 per day",
    "DOWNLOAD_RATE_LIMIT": "30 per minute;300 per hour",
}


def _user_key() -> str:
    """Count per account, wherever it connects from."""
    return f"user:{current_user.id}" if current_user.is_authenticated else ""


def per_user(setting: str):
    """A decorator limiting a view to the setting's rate, per account, one budget per setting."""
    return limiter.shared_limit(
        lambda: current_app.config.get(setting, DEFAULTS[setting]),
        scope=setting.lower(),
        key_func=_user_key,
    )


export_limit = per_user("EXPORT_RATE_LIMIT")
download_limit = per_user("DOWNLOAD_RATE_LIMIT")
