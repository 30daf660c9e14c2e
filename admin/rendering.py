"""Rendering admin pages: a section's partial for htmx, the whole page otherwise.

Every admin page renders through render_page. No page asks for Cache-Control here: the
blueprint sends no-store on every admin response (admin/__init__.py).
"""

from flask import make_response, redirect, render_template, request


def wants_partial() -> bool:
    """Whether htmx asked for a piece of the page rather than the whole."""
    return request.headers.get("HX-Request-Type") == "partial"


def render_page(page: str, partial: str | None = None, status: int = 200, **context):
    """The partial when htmx swaps it in, else the page that includes it."""
    template = partial if partial and wants_partial() else page
    response = make_response(render_template(template, **context), status)
    # The same address answers with a page or a partial: caches must tell them apart.
    response.headers["Vary"] = "HX-Request-Type"
    return response


def see_other(location: str):
    """The redirect after a successful plain form post (303: the browser follows with GET)."""
    return redirect(location, code=303)


def go_to(url: str):
    """After a save: htmx loads the page anew (the preview too), a plain form is redirected."""
    if request.headers.get("HX-Request"):
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)
