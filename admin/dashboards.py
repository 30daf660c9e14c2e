"""The dashboard: what the shops are learning, for a period, compared with the one before.

Read only. Every number comes from surveys/reporting/metrics/, for locations the user may see;
the filters swap the dashboard (or only the comments) through htmx.
"""

from flask import abort, redirect, request, url_for
from flask_babel import get_locale

from admin import bp
from admin.dashboard_charts import by_location, by_staff, by_topic, heat_legend, heat_map, outcomes
from admin.dashboard_figures import (
    headline,
    moment,
    period_text,
    recovery_figures,
    summary_figures,
)
from admin.guards import dashboards_required, refuse
from admin.presentation import signed_in_user
from admin.rendering import render_page, wants_partial
from surveys.errors import NotVisible, PeriodInvalid, SubmissionInvalid
from surveys.reporting.dashboard_filter import DashboardFilter, parse_dashboard_filter
from surveys.reporting.metrics import Period, dashboard, latest_comments

PAGE = "admin/dashboards/show.html"


def _render(partial: str, status: int = 200, **context):
    """The page, or the partial htmx asked for, with the dashboard's formatters."""
    return render_page(
        PAGE,
        partial,
        status=status,
        period_text=period_text,
        moment=moment,
        **context,
    )


def _chosen() -> DashboardFilter:
    """The filter in the URL; another location's is a 404, nonsense a 400."""
    try:
        return parse_dashboard_filter(signed_in_user(), request.args)
    except NotVisible:
        refuse(404)
    except SubmissionInvalid:
        abort(400)


def _period(chosen: DashboardFilter) -> Period:
    """The period the filter names; raises PeriodInvalid with the reason."""
    return Period.parse(chosen.period, chosen.first or None, chosen.last or None, chosen.today())


def _refused(chosen: DashboardFilter, partial: str, error: PeriodInvalid):
    """The form again with the reason the period was refused (422), and no numbers."""
    return _render(partial, 422, chosen=chosen, period=None, board=None, errors=error.errors)


def _board_context(board) -> dict:
    """What the dashboard's templates show of the numbers."""
    return {
        "board": board,
        "headline": headline(board),
        "figures": summary_figures(board),
        "recovery": recovery_figures(board),
        "outcomes": outcomes(board.recovery),
        "heat": heat_map(board.heat_map),
        "heat_legend": heat_legend(),
        "charts": _charts(board),
    }


def _charts(board) -> list:
    """The charts with something to show."""
    charts = []
    if len(board.by_location) > 1:  # one location side by side with itself says nothing
        charts.append(by_location(board.by_location))
    if board.by_staff:
        charts.append(by_staff(board.by_staff))
    if board.by_topic:
        charts.append(by_topic(board.by_topic))
    return charts


def _comments(chosen: DashboardFilter, period: Period) -> list:
    """The latest comments under the filter's topic and rating."""
    return latest_comments(
        chosen.location_ids, period, str(get_locale()), topic=chosen.topic, rating=chosen.rating
    )


@bp.get("/dashboard/")
@dashboards_required
def dashboard_show():
    """The whole dashboard; a filter change swaps it in place."""
    chosen = _chosen()
    try:
        period = _period(chosen)
    except PeriodInvalid as error:
        return _refused(chosen, "admin/dashboards/_dashboard.html", error)
    board = dashboard(chosen.location_ids, period, str(get_locale()))
    return _render(
        "admin/dashboards/_dashboard.html",
        chosen=chosen,
        period=period,
        errors={},
        comments=_comments(chosen, period),
        **_board_context(board),
    )


@bp.get("/dashboard/comments")
@dashboards_required
def dashboard_comments():
    """The latest comments under a topic and rating; opened as a page, the whole dashboard."""
    if not wants_partial():
        return redirect(url_for("admin.dashboard_show", **request.args))
    chosen = _chosen()
    try:
        period = _period(chosen)
    except PeriodInvalid as error:
        return _refused(chosen, "admin/dashboards/_comment_list.html", error)
    return _render(
        "admin/dashboards/_comment_list.html",
        chosen=chosen,
        period=period,
        errors={},
        comments=_comments(chosen, period),
    )
