# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The ``resource`` execution mode: an Odoo model published as a typed CRUD
API from configuration alone (no snippet).

This file holds the configuration (fields, save-time checks, the snapshot
taken at sync). What a request asks for is parsed and checked by the pure
``core/resource/`` modules; the ORM work of each request is in
``resource_handler.py``. The hooks are the same as every mode's:
``_validate_exec__resource``, ``_compile_exec__resource``,
``_handle_exec__resource``.
"""

import ast
import json

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

from ..core.resource import values as core_values
from ..core.resource.query import MAX_LIMIT, OPERATIONS, ResourceSpec
from ..core.routing import routes as core_routes
from ..serving import resource_handler, resource_sync
from .endpoint_try_it import _shell_quote

RESOURCE_FIELDS = (
    "resource_model_id",
    "resource_field_ids",
    "resource_writable_field_ids",
    "resource_required_field_ids",
    "resource_domain",
    "resource_list",
    "resource_read",
    "resource_create",
    "resource_update",
    "resource_delete",
    "resource_page_size",
    "resource_expand",
    "resource_max_batch",
)


class EndpointEndpoint(models.Model):
    _inherit = "endpoint.endpoint"

    resource_model_id = fields.Many2one(
        "ir.model",
        string="Model",
        ondelete="cascade",
        help="The Odoo model the resource publishes.",
    )
    resource_model = fields.Char(related="resource_model_id.model", string="Model name")
    resource_field_ids = fields.Many2many(
        "ir.model.fields",
        "endpoint_endpoint_resource_field_rel",
        "endpoint_id",
        "field_id",
        string="Readable fields",
        domain="[('model_id', '=', resource_model_id), ('ttype', '!=', 'binary')]",
        help="The fields callers may read, filter and sort on (id always reads).",
    )
    resource_writable_field_ids = fields.Many2many(
        "ir.model.fields",
        "endpoint_endpoint_resource_writable_field_rel",
        "endpoint_id",
        "field_id",
        string="Writable fields",
        domain="[('model_id', '=', resource_model_id), ('ttype', '!=', 'binary')]",
        help="The fields callers may set on create and update (readable ones only).",
    )
    resource_required_field_ids = fields.Many2many(
        "ir.model.fields",
        "endpoint_endpoint_resource_required_field_rel",
        "endpoint_id",
        "field_id",
        string="Required on create",
        domain="[('model_id', '=', resource_model_id), ('ttype', '!=', 'binary')]",
        help="Writable fields a create must give and an update may not empty, besides "
        "those Odoo requires (e.g. a partner's name, which a database constraint needs).",
    )
    resource_domain = fields.Char(
        string="Domain",
        default="[]",
        help="Records outside this domain do not exist for callers: never listed, 404 "
        "on read, update and delete; a create or update that would leave it is "
        "refused (400). Its '=' terms are the defaults of a create. A literal, "
        "e.g. [('is_company', '=', True)].",
    )
    resource_list = fields.Boolean(string="List", default=True)
    resource_read = fields.Boolean(string="Read", default=True)
    resource_create = fields.Boolean(string="Create")
    resource_update = fields.Boolean(string="Update")
    resource_delete = fields.Boolean(string="Delete")
    resource_page_size = fields.Integer(string="Page size", default=50)

    def _selection_exec_mode(self):
        return [*super()._selection_exec_mode(), ("resource", "Model resource")]

    @api.model
    def _serving_fields(self):
        return (*super()._serving_fields(), *RESOURCE_FIELDS)

    # ------------------------------------------------------------------
    # Save time
    # ------------------------------------------------------------------

    @api.constrains(*RESOURCE_FIELDS, "route", "route_type")
    def _check_resource(self):
        for rec in self.filtered(lambda r: r.exec_mode == "resource"):
            rec._validate_exec__resource()
            rec._check_route()  # both paths, every method (see _served_bindings)

    def _validate_exec__resource(self):
        env = self.env
        if not self.resource_model_id:
            raise ValidationError(env._("A model resource needs a model."))
        if self.resource_model_id.model not in env:
            raise ValidationError(env._("Model %s is not installed.", self.resource_model_id.model))
        model = env[self.resource_model_id.model]
        if model._abstract or model._transient:
            raise ValidationError(
                env._("%s is not a stored model: it cannot be a resource.", model._name)
            )
        if self.route_type != "http":
            raise ValidationError(env._("A model resource is served over plain HTTP routes."))
        if core_routes.parse_route(self.route).placeholders:
            raise ValidationError(
                env._(
                    "A model resource's route is its collection path, without parameters "
                    "(e.g. /api/v1/customers); the item path <route>/<int:id> is added."
                )
            )
        if not any(self[f"resource_{op}"] for op in OPERATIONS):
            raise ValidationError(env._("Publish at least one operation of the resource."))
        if not 1 <= self.resource_page_size <= MAX_LIMIT:
            raise ValidationError(env._("The page size must be from 1 to %s.", MAX_LIMIT))
        for field in self.resource_field_ids | self.resource_writable_field_ids:
            if field.model_id != self.resource_model_id:
                raise ValidationError(
                    env._(
                        "Field %(field)s is not a field of %(model)s.",
                        field=field.name,
                        model=model._name,
                    )
                )
            if field.ttype not in core_values.READ_TYPES:
                raise ValidationError(
                    env._(
                        "Field %(field)s (%(type)s) cannot be published by a resource: "
                        "binary, reference, json and properties fields are not supported.",
                        field=field.name,
                        type=field.ttype,
                    )
                )
        extra = self.resource_writable_field_ids - self.resource_field_ids
        if extra:
            raise ValidationError(
                env._("Writable fields must be readable too: %s.", ", ".join(extra.mapped("name")))
            )
        extra = self.resource_required_field_ids - self.resource_writable_field_ids
        if extra:
            raise ValidationError(
                env._(
                    "Fields required on create must be writable: %s.",
                    ", ".join(extra.mapped("name")),
                )
            )
        for field in self.resource_writable_field_ids:
            reason = _not_writable(model._fields.get(field.name))
            if reason:
                raise ValidationError(
                    env._(
                        "Field %(field)s cannot be writable: %(reason)s.",
                        field=field.name,
                        reason=reason,
                    )
                )
        domain = self._resource_domain_list()
        try:
            Domain(domain).validate(model.sudo())
        except (ValueError, TypeError, KeyError) as exc:
            raise ValidationError(env._("Invalid resource domain: %s", exc)) from exc

    def _resource_domain_list(self):
        text = (self.resource_domain or "").strip() or "[]"
        try:
            domain = ast.literal_eval(text)
        except (ValueError, SyntaxError) as exc:
            raise ValidationError(
                self.env._(
                    "The resource domain must be a literal list, e.g. "
                    "[('is_company', '=', True)]: %s",
                    exc,
                )
            ) from exc
        if not isinstance(domain, list | tuple):
            raise ValidationError(self.env._("The resource domain must be a list."))
        return [list(t) if isinstance(t, tuple) else t for t in domain]

    @api.depends(*RESOURCE_FIELDS)
    def _compute_served_methods(self):
        return super()._compute_served_methods()

    def _served_bindings(self):
        if self.exec_mode != "resource":
            return super()._served_bindings()
        ops = [op for op in OPERATIONS if self[f"resource_{op}"]]
        spec = ResourceSpec({"model": "", "fields": [], "operations": ops}, self.route)
        return spec.bindings()

    # ------------------------------------------------------------------
    # Sync
    # ------------------------------------------------------------------

    def init(self):
        result = super().init()
        resource_sync.install(self.env.cr)  # the change table of offline sync
        return result

    def _published_snapshot(self):
        snapshot = super()._published_snapshot()
        if snapshot["exec_mode"] == "resource":  # no ORM read: see _snapshot_rows
            resource = self._resource_snapshot()
            if "list" in resource["operations"]:  # offline sync (?after=) records changes
                resource_sync.watch(self.env[resource["model"]])
            snapshot.update(
                content_type="application/json",
                code="",
                schema="",
                response_schema="",
                resource=resource,
                bindings=ResourceSpec(resource, self.route).bindings(),
            )
        return snapshot

    def _resource_snapshot(self):
        """What the resource needs to serve and document itself, frozen: the
        fields' types, selection keys, sizes and flags come from the ORM now,
        so requests and the OpenAPI builder need no ORM to read them."""
        env = self.env
        model = env[self.resource_model_id.model]
        writable = set(self.resource_writable_field_ids.mapped("name"))
        required = set(self.resource_required_field_ids.mapped("name"))
        metas = []
        for name in sorted(self.resource_field_ids.mapped("name")):
            field = model._fields.get(name)
            if field is None or name == "id":
                continue
            metas.append(
                resource_field_meta(
                    env,
                    field,
                    required=field.required or name in required,
                    has_default=name not in required
                    and (field.default is not None or bool(field.compute)),
                    writable=name in writable,
                )
            )
        return {
            "model": model._name,
            "fields": metas,
            "domain": self._resource_domain_list(),
            "operations": [op for op in OPERATIONS if self[f"resource_{op}"]],
            "page_size": self.resource_page_size,
        }

    # ------------------------------------------------------------------
    # Try it: a list, a filtered list and a create
    # ------------------------------------------------------------------

    @api.depends(
        "route",
        "route_type",
        "request_method",
        "request_content_type",
        "request_content_schema",
        "auth_type",
        "exec_mode",
        *RESOURCE_FIELDS,
    )
    def _compute_try_it_command(self):
        return super()._compute_try_it_command()

    def _try_it_command(self):
        command = super()._try_it_command()
        if self.exec_mode != "resource" or not command:
            return command
        lines = command.splitlines()
        options = [line.strip().rstrip("\\").strip() for line in lines if line.startswith("  -")]
        auth = [opt for opt in options if opt.startswith(('-H "Authorization', "-b "))]
        url = self.get_base_url().rstrip("/") + self.route.rstrip("/")
        readable = [f for f in self.resource_field_ids if f.ttype in core_values.READ_TYPES]
        text_field = next((f for f in readable if f.ttype == "char"), None)
        query = "?limit=5"
        if text_field:
            query = f"?{text_field.name}__ilike=a&order={text_field.name}&limit=5"
        calls = [("# " + self.env._("List"), [], url)]
        calls.append(("# " + self.env._("Filtered list"), [], url + query))
        if self.resource_create:
            example = {f.name: _example_value(f) for f in self.resource_writable_field_ids}
            body = _shell_quote(json.dumps({k: v for k, v in example.items() if v is not None}))
            calls.append(
                (
                    "# " + self.env._("Create"),
                    ["-X POST", "-H 'Content-Type: application/json'", f"-d {body}"],
                    url,
                )
            )
        out = [line for line in lines if line.startswith("#")]
        for title, extra, target in calls:
            out.append(title)
            out.append(" \\\n  ".join(["curl -i", *auth, *extra, _shell_quote(target)]))
        return "\n".join(out)

    # ------------------------------------------------------------------
    # Serving
    # ------------------------------------------------------------------

    @api.model
    def _compile_exec__resource(self, config):
        return ResourceSpec(config["resource"], config["route"])

    @api.model
    def _handle_exec__resource(self, compiled, context):
        return resource_handler.handle(compiled.code, context)

    @api.model
    def _cron_purge_sync_changes(self):
        resource_sync.purge(self.env)


def resource_field_meta(env, field, **kw):
    """The snapshot dict of an ORM field (see ``core.resource.values``)."""
    selection = None
    if field.type == "selection":
        selection = [key for key, _label in field._description_selection(env)]
    return core_values.field_meta(
        field.name,
        field.type,
        string=field.string,
        size=getattr(field, "size", None) if field.type == "char" else None,
        selection=selection,
        relation=getattr(field, "comodel_name", None),
        searchable=field._description_searchable,
        sortable=bool(field._description_sortable(env)),
        **kw,
    )


def _example_value(field):
    return {
        "char": "Example",
        "text": "Example",
        "html": "<p>Example</p>",
        "integer": 1,
        "float": 1.0,
        "monetary": 1.0,
        "boolean": True,
        "date": "2026-01-31",
        "datetime": "2026-01-31T12:00:00Z",
    }.get(field.ttype)


def _not_writable(field):
    if field is None:
        return "unknown field"
    if field.name in core_values.MAGIC_FIELDS:
        return "the ORM maintains it"
    if field.type not in core_values.WRITE_TYPES:
        return f"{field.type} fields are read-only in a resource"
    if field.compute and not field.inverse and field.readonly:
        return "it is computed"
    return None
