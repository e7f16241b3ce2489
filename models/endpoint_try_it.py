# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Try it: a ready-to-paste curl command for each endpoint, on its form."""

import json

from odoo import api, models

from ..core.request import schema as core_schema
from ..core.request.body import BODY_METHODS
from ..core.routing import routes as core_routes


class EndpointEndpoint(models.Model):
    _inherit = "endpoint.endpoint"

    @api.depends(
        "route",
        "route_type",
        "request_method",
        "request_content_type",
        "request_content_schema",
        "auth_type",
    )
    def _compute_try_it_command(self):
        for rec in self:
            rec.try_it_command = rec._try_it_command() if rec.route else False

    def _try_it_command(self):
        """A curl command for this endpoint: the server's base URL, the route
        with its converters filled with sample values, method, content type,
        an example body and a placeholder for the credentials."""
        self.ensure_one()
        try:
            path = core_routes.sample_path(core_routes.parse_route(self.route))
        except core_routes.RouteError:
            path = self.route
        url = self.get_base_url().rstrip("/") + path
        lines = []
        options = []
        if self.request_method != "GET":
            options.append(f"-X {self.request_method}")
        if self.auth_type == "bearer":
            lines.append(
                self.env._(
                    "# $API_KEY: an API key of the calling user "
                    "(Preferences > Security > Add API Key)"
                )
            )
            options.append('-H "Authorization: Bearer $API_KEY"')
        elif self.auth_type == "user_endpoint":
            lines.append(
                self.env._(
                    "# $SESSION_ID: the session_id cookie of a browser logged in to this server"
                )
            )
            options.append('-b "session_id=$SESSION_ID"')
        content_type, body = self._try_it_body()
        if content_type:
            options.append(f"-H {_shell_quote('Content-Type: ' + content_type)}")
        if body:
            options.append(body)
        lines.append(" \\\n  ".join(["curl -i", *options, _shell_quote(url)]))
        return "\n".join(lines)

    def _try_it_body(self):
        """(Content-Type, curl body option) of the example request."""
        if self.route_type == "json":
            envelope = {"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1}
            example = self._schema_example()
            if isinstance(example, dict):
                envelope["params"] = example
            return "application/json", f"-d {_shell_quote(json.dumps(envelope))}"
        media_type = self._media_type()
        if not media_type or self.request_method not in BODY_METHODS:
            return None, None
        if media_type == "application/json":
            example = self._schema_example()
            body = json.dumps(example if example is not None else {})
            return media_type, f"-d {_shell_quote(body)}"
        if media_type == "application/x-www-form-urlencoded":
            return media_type, "-d 'name=value'"
        extension = {"application/xml": "xml", "text/csv": "csv"}.get(media_type, "txt")
        return media_type, f"--data-binary @request.{extension}"

    def _schema_example(self):
        """The first of the JSON Schema's ``examples``, if it gives one."""
        if not self.request_content_schema or self._media_type() == "application/xml":
            return None
        try:
            schema = core_schema.load_yaml_or_json(self.request_content_schema)
        except core_schema.SchemaError:
            return None
        examples = schema.get("examples") if isinstance(schema, dict) else None
        return examples[0] if isinstance(examples, list) and examples else None


def _shell_quote(text):
    """Quote for a POSIX shell, always with single quotes (readable, and
    nothing inside is expanded)."""
    return "'" + text.replace("'", "'\\''") + "'"
