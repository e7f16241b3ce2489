# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Save-time checks of ``endpoint.endpoint``: what cannot be published is
refused when it is saved, with a message that says why; and the cached state
of the user an endpoint runs as, which the request pipeline re-checks."""

import re

from odoo import SUPERUSER_ID, api, fields, models, tools
from odoo.exceptions import ValidationError

from ..core.request import schema as core_schema
from ..core.request.body import BODY_METHODS
from ..core.routing import route_overlap as core_route_overlap
from ..core.routing import routes as core_routes
from ..serving import route_guard

_PLACEHOLDER_NAME_RE = re.compile(r"<([^<>]*?:)?[A-Za-z_][A-Za-z0-9_]*>")


def _route_key(route):
    """``route`` with its parameter names blanked (converters kept)."""
    return _PLACEHOLDER_NAME_RE.sub(lambda m: f"<{m.group(1) or ''}>", route)


#: The order the list shows methods in.
_METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")


class EndpointEndpoint(models.Model):
    _inherit = "endpoint.endpoint"

    served_methods = fields.Char(
        string="Methods",
        compute="_compute_served_methods",
        help="What the endpoint serves once published (a model resource serves several).",
    )

    @api.depends("route", "request_method", "exec_mode")
    def _compute_served_methods(self):
        for rec in self:
            methods = {method for _route, method in rec._served_bindings() if method}
            rec.served_methods = ", ".join(m for m in _METHOD_ORDER if m in methods)

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------

    @api.constrains("route", "request_method", "active", "exec_mode")
    def _check_route(self):
        for rec in self:
            bindings = rec._served_bindings()
            for route in dict.fromkeys(route for route, _method in bindings):
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
                rec._check_duplicate_bindings(bindings)

    def _served_bindings(self):
        """The (route, method) pairs this record serves once published (a
        model resource serves several: see ``exec_resource``)."""
        return [(self.route, self.request_method)]

    def _check_duplicate_bindings(self, bindings):
        """Refuse a (route, method) another active endpoint serves. Routes are
        compared with their parameter names blanked: ``/a/<int:id>`` and
        ``/a/<int:x>`` match the same paths."""
        mine = {(_route_key(route), method): route for route, method in bindings}
        routes = {route for route, _method in bindings}
        # A resource at /a serves /a/<int:id>: look at the candidates both ways.
        candidates = self.search(
            [
                ("id", "!=", self.id),
                "|",
                ("route", "in", list(routes | {r.rsplit("/", 1)[0] for r in routes})),
                ("route", "=like", self.route.rstrip("/") + "/%"),
            ]
        )
        for other in candidates:
            for route, method in other._served_bindings():
                if (_route_key(route), method) in mine:
                    raise ValidationError(
                        self.env._(
                            "%(method)s %(route)s is already served by endpoint %(name)s.",
                            method=method,
                            route=mine[(_route_key(route), method)],
                            name=other.name,
                        )
                    )

    def _check_controller_collision(self, parsed):
        """Refuse a route that could take a path some installed controller
        serves: Odoo's routes must answer as if no endpoint existed."""
        if not core_route_overlap.first_segment_is_static(parsed):
            raise ValidationError(
                self.env._(
                    "Route %(route)s starts with a parameter, so it could take paths of Odoo "
                    "and of modules installed later. Start it with a fixed segment, such as "
                    "/api/...",
                    route=parsed.route,
                )
            )
        taken = route_guard.odoo_conflicts(self.env, parsed)
        if taken:
            raise ValidationError(
                self.env._(
                    "Route %(route)s collides with routes served by an installed module: "
                    "it can match their paths (%(rules)s). Use another path, such as /api/...",
                    route=parsed.route,
                    rules=", ".join(sorted(taken)[:5]) + (", ..." if len(taken) > 5 else ""),
                )
            )

    @api.constrains("route_type", "request_method")
    def _check_route_type(self):
        for rec in self:
            if (
                rec.exec_mode != "resource"
                and rec.route_type == "json"
                and rec.request_method != "POST"
            ):
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

    @api.constrains("auth_type", "allowed_group_ids")
    def _check_public_groups(self):
        for rec in self:
            if rec.auth_type == "public" and rec.allowed_group_ids:
                raise ValidationError(
                    self.env._(
                        "Public endpoint %(name)s cannot have allowed groups: anonymous "
                        "callers belong to none, and the groups would not protect it. Use "
                        "session or API key auth to restrict it to groups, or clear them.",
                        name=rec.name,
                    )
                )

    @api.constrains("company_id", "exec_as_user_id")
    def _check_exec_as_company(self):
        for rec in self:
            user, company = rec.exec_as_user_id, rec.company_id
            if user and company and company not in user.sudo().company_ids:
                raise ValidationError(
                    self.env._(
                        "Endpoint %(name)s runs in company %(company)s, which its 'Exec as "
                        "user' %(user)s may not access. Give the user that company, or pick "
                        "another company or user.",
                        name=rec.name,
                        company=company.display_name,
                        user=user.display_name,
                    )
                )

    @api.model
    @tools.ormcache("uid")
    def _serving_user_state(self, uid):
        """``(active, allowed company ids)`` of the user an endpoint runs as,
        checked on every request at no query: Odoo clears this cache on every
        process whenever a user's ``active`` flag or companies change (they
        are among ``res.users._get_invalidation_fields``)."""
        user = self.env["res.users"].sudo().with_context(active_test=False).browse(uid)
        if not user.exists():
            return False, ()
        return user.active, tuple(user._get_company_ids())

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
            if (
                rec.exec_mode != "resource"  # always JSON
                and rec.request_method in BODY_METHODS
                and not rec.request_content_type
            ):
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
