"""The addresses the commands print: PUBLIC_URL (or --base-url) and a path."""

from flask import current_app


def public_url(path: str, base_url: str | None) -> str:
    """The address of a path under --base-url, or under PUBLIC_URL."""
    return (base_url or current_app.config["PUBLIC_URL"]).rstrip("/") + path


def pairing_url(code: str, base_url: str | None) -> str:
    """The one-time link that pairs a tablet."""
    return public_url(f"/kiosk/pair/{code}", base_url)
