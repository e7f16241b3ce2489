# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Static routes of the addon itself (the dynamic endpoints live elsewhere)."""

from odoo import http
from odoo.http import request
from odoo.modules.module import get_manifest


class RestEndpointController(http.Controller):
    @http.route(
        "/rest_endpoint/ping",
        type="http",
        auth="none",
        methods=["GET"],
        save_session=False,
        readonly=True,
    )
    def ping(self):
        """Liveness probe of the addon: tells a caller that the module is
        installed in the database that served the request, and which version
        runs. Sessionless and read-only, so it is safe to poll."""
        version = get_manifest("rest_endpoint").get("version")
        return request.make_json_response(
            {"status": "ok", "module": "rest_endpoint", "version": version}
        )
