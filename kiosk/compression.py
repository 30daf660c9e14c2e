"""Compressed kiosk pages: the tablet's start page and its service worker, the bytes a
tablet fetches on every start and reset.

Only views that ask are compressed (`@compressed`). These two carry no secret and echo
nothing a stranger sends, so compression reveals nothing about them (BREACH); admin and
link pages, which carry CSRF or form tokens, are left as they are.
"""

from flask_compress import Compress

from kiosk import bp

compress = Compress()
compressed = compress.compressed()


@bp.record_once
def _init_compression(state) -> None:
    """Bind Flask-Compress to the app without compressing every response."""
    state.app.config.setdefault("COMPRESS_REGISTER", False)
    state.app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    compress.init_app(state.app)
