"""The read API for reports and BI tools: GET /api/v1/responses and GET /api/v1/metrics.

Read-only, for a key with the 'read' scope, of its own location only (docs/api.md).
"""

from flask import jsonify, request

from api import bp
from api.auth import api_rate_limit, require_key
from surveys.reporting.api_reads import metrics_for_key, responses_page


@bp.get("/responses")
@api_rate_limit
def responses_list():
    """A page of responses, oldest first: ?since, until, cursor, limit, language."""
    return jsonify(responses_page(require_key("read"), request.args))


@bp.get("/metrics")
@api_rate_limit
def metrics_show():
    """The location's dashboard numbers for a period: ?period, first, last, language."""
    return jsonify(metrics_for_key(require_key("read"), request.args))
