# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The ``endpoint.endpoint`` model: what an administrator edits and publishes.

Publishing is explicit. Editing a field that changes how requests are served
only marks the record out of sync; the configuration callers get is the
snapshot taken at the last sync (``published_config``), so a half-edited
endpoint never leaks.

The model is split by concern: this file holds the fields and the CRUD
rules; ``endpoint_checks`` the save-time checks, ``endpoint_publish`` the
snapshot and the registry version, ``endpoint_try_it`` the curl example, and
``exec_<mode>`` each execution mode's hooks.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core.request import body as core_body
from ..core.request import snippet as core_snippet
from ..core.routing import routes as core_routes

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
    "api_key_scope",
    "log_requests",
    "log_bodies",
    "rate_limit",
    "rate_limit_period",
    "rate_limit_by",
)

#: Fields that only document an endpoint (OpenAPI, Postman, the log's label):
#: a change reaches the published snapshot at once, without a sync
#: (``endpoint_publish._publish_documentation``): callers are served the same.
DOC_FIELDS = ("name", "summary", "description", "route_group")

BODY_METHODS = core_body.BODY_METHODS

#: Written by the sync only (in SQL, see ``endpoint_publish._publish``): what
#: callers are served must be what *Sync registry* published, never a value
#: some other write put there.
PUBLISHED_FIELDS = ("published_config", "published_version")


def media_type(content_type):
    """The media type of a request content type setting ("" when unset)."""
    return (content_type or "").split(";")[0].strip()


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
    exec_as_user_archived = fields.Boolean(
        compute="_compute_exec_as_user_archived",
        help="The 'Exec as user' is archived: calls are refused with a 500.",
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
        help="Require Odoo's CSRF token on every unsafe call, same-origin ones included. "
        "Without it, session endpoints still refuse cross-site browser calls that carry "
        "no token. API clients send none: leave off.",
    )
    cors = fields.Char(
        string="CORS origins",
        help="Allowed origins, comma-separated, or *. Empty: no CORS headers, so "
        "cross-origin browser calls are denied. Listed origins may also call session "
        "endpoints with the user's cookie; * does not open session endpoints to any site.",
    )
    readonly = fields.Boolean(
        help="Serve with a read-only database cursor (a write then retries read/write)."
    )
    allowed_group_ids = fields.Many2many(
        "res.groups",
        string="Allowed groups",
        help="When set, the caller must belong to one of these groups (else 403).",
    )
    api_key_scope = fields.Char(
        string="API key scope",
        help="Bearer endpoints: when set (e.g. mobile), only API keys of scope "
        "rest_endpoint:<this value> are accepted (create them with Endpoints > API keys); "
        "when empty, only global API keys are. Other keys get 403.",
    )
    log_requests = fields.Selection(
        [("none", "None"), ("errors", "Errors"), ("all", "All")],
        string="Request log",
        default="errors",
        required=True,
        help="Which calls are kept in the request log (Endpoints > Request log): none, "
        "only failures (status 400 and above), or all. Written after the response is sent.",
    )
    log_bodies = fields.Boolean(
        string="Log bodies",
        help="Also keep the request and response headers and bodies of logged calls, "
        "truncated (system parameter rest_endpoint.log_body_size, default 4096 characters), "
        "with Authorization, cookies and fields named like passwords or tokens redacted.",
    )
    rate_limit = fields.Integer(
        help="Requests each caller (see 'Count per') may send per period; 0: no limit. "
        "Over it: 429 with Retry-After.",
    )
    rate_limit_period = fields.Integer(string="Rate limit period (s)", default=60)
    rate_limit_by = fields.Selection(
        [("user", "User"), ("key", "API key"), ("ip", "Client address")],
        string="Count per",
        default="user",
        required=True,
        help="User: all the keys and sessions of a user share the allowance. API key: each "
        "key has its own (a session counts as its user). Client address: as Odoo's "
        "proxy_mode resolves it. Public callers are always counted by address.",
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

    @api.depends("exec_as_user_id.active")
    def _compute_exec_as_user_archived(self):
        for rec in self:
            user = rec.exec_as_user_id.sudo()
            rec.exec_as_user_archived = bool(user) and not user.active

    @api.depends("registry_sync")
    def _compute_sync_state(self):
        for rec in self:
            rec.sync_state = "published" if rec.registry_sync else "out_of_sync"

    def _media_type(self):
        return media_type(self.request_content_type)

    # ------------------------------------------------------------------
    # CRUD: out of sync on change, published on registry_sync=True
    # ------------------------------------------------------------------

    @api.model
    def _normalize_vals(self, vals):
        """Values of a create or write, normalized; the published snapshot
        is refused whoever writes it (the sync writes it in SQL)."""
        protected = [name for name in PUBLISHED_FIELDS if name in vals]
        if protected:
            raise UserError(
                self.env._(
                    "%(fields)s can only be set by Sync registry.", fields=", ".join(protected)
                )
            )
        if "route" in vals:
            vals["route"] = core_routes.normalize_route(vals["route"])
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._normalize_vals(dict(vals)) for vals in vals_list]
        records = super().create(vals_list)
        records.filtered("registry_sync")._publish()
        return records

    @api.model
    def _serving_fields(self):
        """Fields whose change marks a record out of sync; execution modes
        add their own settings."""
        return SERVING_FIELDS

    def write(self, vals):
        if self and set(vals) == {"registry_sync"} and vals["registry_sync"]:
            # A sync alone: the flag is written with the published snapshot,
            # in one UPDATE. Through the ORM, each row was written once more
            # before it: half the time of a sync of 1,000 endpoints.
            self.check_access("write")
            self._publish(mark_published=True)
            return True
        vals = self._normalize_vals(dict(vals))
        if "registry_sync" not in vals and any(f in vals for f in self._serving_fields()):
            vals["registry_sync"] = False
        res = super().write(vals)
        if vals.get("registry_sync"):
            self._publish()
        elif any(f in vals for f in DOC_FIELDS):
            self._publish_documentation()
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
