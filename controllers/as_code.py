# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Download of endpoint definitions as a YAML file (``core/endpoints_yaml``),
the target of the *Export as YAML* action of the endpoint list."""

from odoo import http
from odoo.exceptions import UserError
from odoo.http import content_disposition, request

from ..core.request import errors as core_errors
from ..serving.dispatcher import json_error


class EndpointsAsCodeController(http.Controller):
    @http.route(
        "/rest_endpoint/export.yaml",
        type="http",
        auth="user",
        methods=["GET"],
        readonly=True,
    )
    def export_yaml(self, ids="", route_group=None, **_kw):
        """The selected endpoints (``ids``, comma-separated), else every
        active one (of ``route_group``), for administrators only, like the
        endpoints themselves."""
        env = request.env
        if not env.user.has_group("base.group_system"):
            return json_error(core_errors.Forbidden("Only administrators may export endpoints."))
        Endpoint = env["endpoint.endpoint"]
        try:
            record_ids = [int(part) for part in ids.split(",") if part.strip()]
        except ValueError:
            return json_error(core_errors.BadRequest("ids must be comma-separated integers."))
        if record_ids:
            records = Endpoint.with_context(active_test=False).browse(record_ids).exists()
        else:
            records = Endpoint._as_code_export_search(route_group or None)
        try:
            text = records._as_code_export()
        except UserError as exc:
            return json_error(core_errors.BadRequest(exc.args[0]))
        filename = f"endpoints-{route_group}.yaml" if route_group else "endpoints.yaml"
        return request.make_response(
            text.encode(),
            headers=[
                ("Content-Type", "application/yaml; charset=utf-8"),
                ("Content-Disposition", content_disposition(filename)),
                ("Cache-Control", "no-store"),
            ],
        )
