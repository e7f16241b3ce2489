# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``GET /rest_endpoint/metrics``: Prometheus metrics (see ``metrics.py``).

Open to an API key of scope ``rest_endpoint:metrics`` (what a Prometheus
server should hold: it opens nothing else), and to settings administrators
(session or global key). Never to anonymous callers: 401, and 403 for other
users and keys, in the addon's JSON error contract.
"""

from odoo import http
from odoo.http import request

from ..core.request import errors as core_errors
from ..serving import auth, metrics
from ..serving.dispatcher import json_error
from ..serving.registry import get_table

METRICS_SCOPE = "metrics"


class MetricsController(http.Controller):
    @http.route(
        "/rest_endpoint/metrics",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
        readonly=True,
    )
    def metrics(self, **_kw):
        env = request.env
        try:
            self._check_access(env)
        except core_errors.ApiError as exc:
            return json_error(exc)
        cr = env.cr
        version = get_table(env.registry).read_version(cr)
        cr.execute("SELECT count(*) FROM endpoint_endpoint WHERE published_config IS NOT NULL")
        body, content_type = metrics.render(cr.dbname, version, cr.fetchone()[0])
        if body is None:
            return json_error(
                core_errors.ApiError("prometheus_client is not installed on this server.")
            )
        return request.make_response(
            body, headers=[("Content-Type", content_type), ("Cache-Control", "no-store")]
        )

    @staticmethod
    def _check_access(env):
        header = request.httprequest.headers.get("Authorization")
        if header:
            caller = auth.verify(env.cr, header)
            if caller.scope == auth.SCOPE_PREFIX + METRICS_SCOPE:
                return
            if caller.scope is None and env(user=caller.uid).user._is_system():
                return
            raise core_errors.Forbidden(
                "The metrics need an API key of scope 'rest_endpoint:metrics' or of a "
                "settings administrator."
            )
        if env.user._is_public():
            raise core_errors.Unauthorized(
                "Authentication required: send 'Authorization: Bearer <API key>' with a key "
                "of scope 'rest_endpoint:metrics'."
            )
        if not env.user._is_system():
            raise core_errors.Forbidden("The metrics are for settings administrators.")
