# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The ``endpoint.endpoint`` model: what an administrator edits and publishes.

Publishing is explicit. Editing a field that changes how requests are served
only marks the record out of sync; the configuration callers get is the
snapshot taken at the last sync (``published_config``), so a half-edited
endpoint never leaks. Each sync (and each deletion of a published record)
stamps the database-wide registry version from a sequence; every Odoo process
compares that version with the one it loaded, with one indexed read, and
reloads just the records whose stamp changed. See ``registry.py``.
"""

import json
import logging

import werkzeug.exceptions

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.safe_eval import assert_valid_codeobj, compile_codeobj

from ..core import body as core_body
from ..core import routes as core_routes
from ..core import schema as core_schema
from ..core import snippet as core_snippet
from ..registry import LOG_TABLE, SAFE_OPCODES, STATE_SEQUENCE, STATE_TABLE

_logger = logging.getLogger(__name__)

#: Fields whose change alters how requests are served: editing one of them
#: marks the record out of sync until it is published again.
SERVING_FIELDS = (
    "route",
    "route_type",
    "request_method",
    "auth_type",
    "exec_as_user_id",
    "request_content_type",
    "request_content_schema",
    "response_schema",
    "exec_mode",
    "code_snippet",
    "company_id",
    "active",
    "csrf",
    "cors",
    "readonly",
    "allowed_group_ids",
)

BODY_METHODS = core_body.BODY_METHODS


class EndpointEndpoint(models.Model):
    _name = "endpoint.endpoint"
    _description = "REST Endpoint"
    _order = "route_group, route, request_method, id"

    name = fields.Char(required=True)
    summary = fields.Char(help="One line shown in the API documentation (defaults to the name).")
    description = fields.Text(help="Shown in the OpenAPI description of the endpoint.")
    route = fields.Char(
        required=True,
        index=True,
        help="URL path, e.g. /api/customers/<int:customer_id>. Converters: "
        "string, int, float, path, uuid, any.",
    )
    route_group = fields.Char(help="Free tag to classify related routes together.")
    route_type = fields.Selection(
        selection="_selection_route_type",
        default="http",
        required=True,
        help="http: the snippet's result is the response. json: JSON-RPC 2.0 over POST.",
    )
    request_method = fields.Selection(
        selection="_selection_request_method", default="GET", required=True
    )
    auth_type = fields.Selection(
        selection="_selection_auth_type", default="user_endpoint", required=True
    )
    exec_as_user_id = fields.Many2one(
        "res.users",
        string="Exec as user",
        help="User the snippet runs as. Mandatory for public endpoints.",
    )
    request_content_type = fields.Selection(selection="_selection_request_content_type")
    request_content_schema = fields.Text(
        string="Request schema",
        help="JSON Schema (2020-12) in JSON or YAML, or an XSD for XML bodies. "
        "Bodies that break it get 400 with every violation listed.",
    )
    request_content_schema_applicable = fields.Boolean(
        compute="_compute_request_content_schema_applicable"
    )
    response_schema = fields.Text(
        help="Optional JSON Schema (JSON or YAML) of the success payload: documents it "
        "in OpenAPI; with the system parameter rest_endpoint.validate_responses (or in "
        "dev mode) the server also checks every payload against it.",
    )
    exec_mode = fields.Selection(selection="_selection_exec_mode", default="code", required=True)
    code_snippet = fields.Text(string="Code")
    code_snippet_docs = fields.Text(string="Code help", compute="_compute_code_snippet_docs")
    company_id = fields.Many2one("res.company")
    active = fields.Boolean(default=True)
    csrf = fields.Boolean(
        string="CSRF check",
        default=False,
        help="Require Odoo's CSRF token on unsafe methods (for browser forms). "
        "API clients send none: leave off.",
    )
    cors = fields.Char(
        string="CORS origins",
        help="Allowed origins, comma-separated, or *. Empty: no CORS headers, so "
        "cross-origin browser calls are denied.",
    )
    readonly = fields.Boolean(
        help="Serve with a read-only database cursor (a write then retries read/write)."
    )
    allowed_group_ids = fields.Many2many(
        "res.groups",
        string="Allowed groups",
        help="When set, the caller must belong to one of these groups (else 403).",
    )
    registry_sync = fields.Boolean(
        string="Published",
        default=False,
        copy=False,
        help="True when the published configuration equals this record.",
    )
    published_config = fields.Json(readonly=True, copy=False)
    published_version = fields.Integer(readonly=True, copy=False)
    sync_state = fields.Selection(
        [("published", "Published"), ("out_of_sync", "Out of sync")],
        string="Registry",
        compute="_compute_sync_state",
    )
    try_it_command = fields.Text(
        string="Try it",
        compute="_compute_try_it_command",
        help="A curl command that calls this endpoint on this server, ready to paste "
        "in a terminal.",
    )

    # ------------------------------------------------------------------
    # Extension hooks (selection values are OCA endpoint's, so data files
    # written for it load unchanged)
    # ------------------------------------------------------------------

    def _selection_route_type(self):
        return [("http", "HTTP"), ("json", "JSON-RPC")]

    def _selection_request_method(self):
        return [(m, m) for m in ("GET", "POST", "PUT", "PATCH", "DELETE")]

    def _selection_auth_type(self):
        return [
            ("public", "Public"),
            ("user_endpoint", "User (session)"),
            ("bearer", "API key (bearer)"),
        ]

    def _selection_request_content_type(self):
        return [
            ("", "None"),
            ("text/plain", "Text"),
            ("text/csv", "CSV"),
            ("application/json", "JSON"),
            ("application/xml", "XML"),
            ("application/x-www-form-urlencoded", "Form"),
            # OCA's deprecated value, accepted so its data files load.
            ("application/json; charset=utf-8", "JSON UTF-8 (deprecated)"),
        ]

    def _selection_exec_mode(self):
        return [("code", "Execute code")]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("request_method", "request_content_type")
    def _compute_request_content_schema_applicable(self):
        for rec in self:
            rec.request_content_schema_applicable = bool(
                rec.request_method in BODY_METHODS and rec.request_content_type
            )

    def _compute_code_snippet_docs(self):
        docs = core_snippet.code_help()
        for rec in self:
            rec.code_snippet_docs = docs

    @api.depends("registry_sync")
    def _compute_sync_state(self):
        for rec in self:
            rec.sync_state = "published" if rec.registry_sync else "out_of_sync"

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

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------

    @api.constrains("route", "request_method", "active")
    def _check_route(self):
        for rec in self:
            route = rec.route
            prefix = core_routes.reserved_prefix(route)
            if prefix:
                raise ValidationError(
                    self.env._(
                        "Route %(route)s is reserved for Odoo (%(prefix)s and everything "
                        "under it). Use another path, such as /api/...",
                        route=route,
                        prefix=prefix,
                    )
                )
            try:
                parsed = core_routes.parse_route(route)
            except core_routes.RouteError as exc:
                raise ValidationError(str(exc)) from exc
            rec._check_controller_collision(parsed)
            if rec.active:
                duplicate = self.search(
                    [
                        ("id", "!=", rec.id),
                        ("route", "=", route),
                        ("request_method", "=", rec.request_method),
                    ],
                    limit=1,
                )
                if duplicate:
                    raise ValidationError(
                        self.env._(
                            "%(method)s %(route)s is already served by endpoint %(name)s.",
                            method=rec.request_method,
                            route=route,
                            name=duplicate.name,
                        )
                    )

    def _check_controller_collision(self, parsed):
        """Refuse a route that a controller of an installed module serves."""
        adapter = self.env["ir.http"].routing_map().bind("localhost")
        probe = core_routes.sample_path(parsed)
        try:
            adapter.match(probe, method=self.request_method)
            taken = True
        except werkzeug.exceptions.NotFound:
            taken = False
        except werkzeug.exceptions.HTTPException:
            taken = True  # served with another method, or a redirect: taken all the same
        if not taken:
            return
        raise ValidationError(
            self.env._(
                "Route %(route)s collides with a route served by an installed module.",
                route=parsed.route,
            )
        )

    @api.constrains("route_type", "request_method")
    def _check_route_type(self):
        for rec in self:
            if rec.route_type == "json" and rec.request_method != "POST":
                raise ValidationError(
                    self.env._("json (JSON-RPC) endpoints are served over POST only.")
                )

    @api.constrains("auth_type", "exec_as_user_id")
    def _check_exec_as_user(self):
        for rec in self:
            if rec.auth_type == "public" and not rec.exec_as_user_id:
                raise ValidationError(
                    self.env._(
                        "Public endpoint %(name)s needs an 'Exec as user': the public "
                        "user has no rights to do anything useful.",
                        name=rec.name,
                    )
                )

    @api.constrains("exec_as_user_id")
    def _check_exec_as_superuser(self):
        for rec in self:
            if rec.exec_as_user_id.id == SUPERUSER_ID:
                raise ValidationError(
                    self.env._(
                        "Endpoints may not run as the superuser, which bypasses every "
                        "access right. Pick a real user."
                    )
                )

    @api.constrains("request_method", "request_content_type")
    def _check_content_type(self):
        for rec in self:
            if rec.request_method in BODY_METHODS and not rec.request_content_type:
                raise ValidationError(
                    self.env._(
                        "%(method)s endpoints need a request content type.",
                        method=rec.request_method,
                    )
                )

    @api.constrains("request_content_schema", "request_content_type", "response_schema")
    def _check_schema(self):
        for rec in self:
            for text, media_type, label in (
                (rec.request_content_schema, rec._media_type(), self.env._("request")),
                (rec.response_schema, "application/json", self.env._("response")),
            ):
                try:
                    core_schema.check_schema(text, media_type)
                except core_schema.SchemaError as exc:
                    raise ValidationError(
                        self.env._("Invalid %(kind)s schema: %(error)s", kind=label, error=exc)
                    ) from exc

    @api.constrains("exec_mode", "code_snippet")
    def _check_exec(self):
        for rec in self:
            getattr(rec, f"_validate_exec__{rec.exec_mode}", lambda: None)()

    def _validate_exec__code(self):
        if not (self.code_snippet or "").strip():
            raise ValidationError(
                self.env._("Exec mode is 'Execute code': the endpoint needs a code snippet.")
            )
        try:
            self._compile_snippet(self.code_snippet, self.name)
        except (SyntaxError, ValueError, NameError) as exc:
            raise ValidationError(
                self.env._("Invalid code snippet: %(error)s", error=_describe_code_error(exc))
            ) from exc

    @staticmethod
    def _compile_snippet(code, name):
        """Compile under safe_eval's rules (forbidden opcodes and dunder names
        raise) and return the code object, which the dispatcher runs as is."""
        code_obj = compile_codeobj(code, filename=f"<endpoint {name}>", mode="exec")
        assert_valid_codeobj(SAFE_OPCODES, code_obj, code)
        return code_obj

    def _media_type(self):
        return (self.request_content_type or "").split(";")[0].strip()

    # ------------------------------------------------------------------
    # CRUD: out of sync on change, published on registry_sync=True
    # ------------------------------------------------------------------

    @api.model
    def _normalize_vals(self, vals):
        if "route" in vals:
            vals["route"] = core_routes.normalize_route(vals["route"])
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._normalize_vals(dict(vals)) for vals in vals_list]
        records = super().create(vals_list)
        records.filtered("registry_sync")._publish()
        return records

    def write(self, vals):
        vals = self._normalize_vals(dict(vals))
        if "registry_sync" not in vals and any(f in vals for f in SERVING_FIELDS):
            vals["registry_sync"] = False
        res = super().write(vals)
        if vals.get("registry_sync"):
            self._publish()
        return res

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        if default and "route" in default:
            return vals_list
        for rec, vals in zip(self, vals_list, strict=True):
            vals["route"] = rec._unused_route()
            vals["name"] = self.env._("%s (copy)", rec.name)
        return vals_list

    def _unused_route(self):
        base = f"{self.route.rstrip('/')}-copy"
        candidate, count = base, 1
        while self.with_context(active_test=False).search_count([("route", "=", candidate)]):
            count += 1
            candidate = f"{base}{count}"
        return candidate

    def unlink(self):
        published_ids = self.filtered("published_config").ids
        res = super().unlink()
        if published_ids:
            self._bump_version(published_ids)
        return res

    def action_sync_registry(self):
        self.write({"registry_sync": True})
        return True

    # ------------------------------------------------------------------
    # Publishing
    # ------------------------------------------------------------------

    def init(self):
        cr = self.env.cr
        cr.execute(SQL("CREATE SEQUENCE IF NOT EXISTS %s", SQL.identifier(STATE_SEQUENCE)))
        cr.execute(
            SQL(
                "CREATE TABLE IF NOT EXISTS %s ("
                " id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),"
                " version bigint NOT NULL)",
                SQL.identifier(STATE_TABLE),
            )
        )
        cr.execute(
            SQL(
                "INSERT INTO %s (id, version) VALUES (1, nextval(%s)) ON CONFLICT DO NOTHING",
                SQL.identifier(STATE_TABLE),
                STATE_SEQUENCE,
            )
        )
        # Which records each version touched: a process that holds version N
        # reloads just the records logged after N.
        cr.execute(
            SQL(
                "CREATE TABLE IF NOT EXISTS %s"
                " (version bigint NOT NULL, record_id integer NOT NULL)",
                SQL.identifier(LOG_TABLE),
            )
        )
        cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS %s ON %s (version)",
                SQL.identifier(f"{LOG_TABLE}_version_idx"),
                SQL.identifier(LOG_TABLE),
            )
        )

    def _bump_version(self, record_ids):
        """Take a new registry version for ``record_ids``, in this transaction.

        The UPDATE locks the single state row until commit, which serialises
        concurrent syncs, so versions grow in commit order; the value comes
        from a sequence, which never hands out a number twice, even across
        rolled-back transactions (tests), so a process can never mistake a
        different state for the one it loaded.
        """
        cr = self.env.cr
        cr.execute(
            SQL(
                "UPDATE %s SET version = nextval(%s) RETURNING version",
                SQL.identifier(STATE_TABLE),
                STATE_SEQUENCE,
            )
        )
        version = cr.fetchone()[0]
        cr.execute(
            SQL(
                "INSERT INTO %s (version, record_id) SELECT %s, unnest(%s::integer[])",
                SQL.identifier(LOG_TABLE),
                version,
                list(record_ids),
            )
        )
        return version

    def _publish(self):
        """Publish the current configuration of these records (or unpublish
        the archived ones), with one new registry version for all of them."""
        if not self:
            return
        self.flush_recordset()
        version = self._bump_version(self.ids)
        configs = [json.dumps(rec._published_snapshot()) if rec.active else None for rec in self]
        # One statement for all records: syncing 1000 endpoints stays cheap.
        self.env.cr.execute(
            SQL(
                "UPDATE endpoint_endpoint e SET published_config = v.config::jsonb,"
                " published_version = %s"
                " FROM unnest(%s::integer[], %s::text[]) AS v(id, config) WHERE e.id = v.id",
                version,
                self.ids,
                configs,
            )
        )
        self.invalidate_recordset(["published_config", "published_version"])
        _logger.info(
            "Published %d endpoint(s) as registry version %s: %s",
            len(self),
            version,
            ", ".join(f"{r.request_method} {r.route}" for r in self[:10]),
        )

    def _published_snapshot(self):
        """Everything needed to serve (and document) the endpoint, frozen."""
        self.ensure_one()
        return {
            "id": self.id,
            "name": self.name,
            "summary": self.summary or "",
            "description": self.description or "",
            "route": self.route,
            "route_group": self.route_group or "",
            "route_type": self.route_type,
            "method": self.request_method,
            "auth_type": self.auth_type,
            "exec_as_user_id": self.exec_as_user_id.id or None,
            "content_type": self._media_type(),
            "schema": self.request_content_schema or "",
            "response_schema": self.response_schema or "",
            "exec_mode": self.exec_mode,
            "code": self.code_snippet or "",
            "company_id": self.company_id.id or None,
            "csrf": self.csrf,
            "cors": (self.cors or "").strip(),
            "readonly": self.readonly,
            "group_ids": self.allowed_group_ids.ids,
        }

    # ------------------------------------------------------------------
    # Execution hooks, called by the dispatcher on the published config
    # ------------------------------------------------------------------

    @api.model
    def _compile_exec__code(self, config):
        return self._compile_snippet(config["code"], config["name"])

    @api.model
    def _handle_exec__code(self, compiled, context):
        return compiled.run_code(context)


def _shell_quote(text):
    """Quote for a POSIX shell, always with single quotes (readable, and
    nothing inside is expanded)."""
    return "'" + text.replace("'", "'\\''") + "'"


def _describe_code_error(exc):
    if isinstance(exc, SyntaxError):
        return f"{exc.msg} (line {exc.lineno}, column {exc.offset})"
    return str(exc)
