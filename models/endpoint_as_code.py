# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Endpoints as code: export to and import from the YAML format of
``core/as_code/yaml_format.py``.

The import resolves the file's references (users by login, groups by XML id,
companies by name) without inventing any, then applies the plan with the ORM,
so every save-time check of ``endpoint_checks`` runs, inside one savepoint:
any problem rolls the whole import back. Each create or write runs in its
own nested savepoint so that every refused endpoint is reported, not only the
first one. A dry run applies the same way and rolls back, so it reports what
the real import would refuse.
"""

from odoo import api, models
from odoo.exceptions import UserError, ValidationError

from ..core.as_code import diff as core_diff
from ..core.as_code import yaml_format as core_yaml

#: file key -> model field, for the keys that are plain values.
PLAIN_FIELDS = {
    "route": "route",
    "method": "request_method",
    "name": "name",
    "summary": "summary",
    "description": "description",
    "route_group": "route_group",
    "route_type": "route_type",
    "auth": "auth_type",
    "content_type": "request_content_type",
    "request_schema": "request_content_schema",
    "response_schema": "response_schema",
    "exec_mode": "exec_mode",
    "code": "code_snippet",
    "cors": "cors",
    "csrf": "csrf",
    "readonly": "readonly",
    "api_key_scope": "api_key_scope",
    "rate_limit": "rate_limit",
    "rate_limit_period": "rate_limit_period",
    "rate_limit_by": "rate_limit_by",
    "log_requests": "log_requests",
    "log_bodies": "log_bodies",
    "idempotency_put_delete": "idempotency_put_delete",
    "active": "active",
}


class EndpointEndpoint(models.Model):
    _inherit = "endpoint.endpoint"

    # ------------------------------------------------------------------
    # Export
    # ------------------------------------------------------------------

    @api.model
    def _as_code_schema(self):
        """The file's JSON Schema, with this database's selection values."""

        def values(name):
            return [value or "" for value in self._fields[name].get_values(self.env)]

        return core_yaml.json_schema(
            methods=values("request_method"),
            route_types=values("route_type"),
            auth_types=values("auth_type"),
            content_types=values("request_content_type"),
            exec_modes=values("exec_mode"),
            log_modes=values("log_requests"),
        )

    def _as_code_definition(self, strict=True):
        """This record as a definition of the file (normalized). A group
        without an XML id cannot be written in a file: refused when
        ``strict`` (export), else named so that it never matches (import)."""
        self.ensure_one()
        groups = []
        for group in self.allowed_group_ids.sorted("id"):
            xmlid = group.get_external_id().get(group.id)
            if not xmlid and not strict:
                xmlid = f"(group #{group.id} without XML id)"
            elif not xmlid:
                raise UserError(
                    self.env._(
                        "Endpoint %(endpoint)s allows the group %(group)s, which has no XML id: "
                        "a file cannot name it in another database. Give the group an XML id "
                        "(a module's data) or use another group.",
                        endpoint=f"{self.request_method} {self.route}",
                        group=group.display_name,
                    )
                )
            groups.append(xmlid)
        values = {key: self[fname] for key, fname in PLAIN_FIELDS.items()}
        for key, value in values.items():
            if value is False and key not in (
                "csrf",
                "readonly",
                "active",
                "log_bodies",
                "idempotency_put_delete",
            ):
                values[key] = ""
        values.update(
            exec_as=self.exec_as_user_id.sudo().login or "",
            company=self.company_id.sudo().name or "",
            groups=groups,
        )
        if self.exec_mode == "resource":
            values.update(method=core_yaml.RESOURCE_METHOD, resource=self._as_code_resource())
        return core_yaml.normalize(values)

    def _as_code_resource(self):
        """A resource's settings by model and field names."""
        return {
            "model": self.resource_model_id.model or "",
            "fields": self.resource_field_ids.mapped("name"),
            "writable": self.resource_writable_field_ids.mapped("name"),
            "required": self.resource_required_field_ids.mapped("name"),
            "domain": self.resource_domain or "[]",
            "operations": [op for op in core_yaml.RESOURCE_OPERATIONS if self[f"resource_{op}"]],
            "page_size": self.resource_page_size,
            "expand": self.resource_expand or "",
            "max_batch": self.resource_max_batch,
        }

    def _as_code_export(self):
        """The YAML text of these endpoints."""
        return core_yaml.dump([rec._as_code_definition() for rec in self])

    @api.model
    def _as_code_export_search(self, route_group=None, include_archived=False):
        domain = [("route_group", "=", route_group)] if route_group else []
        return self.with_context(active_test=not include_archived).search(domain)

    def action_export_as_code(self):
        """Server action of the list: download the selected endpoints."""
        ids = ",".join(str(i) for i in self.ids)
        return {
            "type": "ir.actions.act_url",
            "url": f"/rest_endpoint/export.yaml?ids={ids}",
            "target": "download",
        }

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------

    @api.model
    def _as_code_import(self, text, dry_run=False, publish=False, prune=False):
        """Apply an endpoints file; return ``(plan, report text)``.

        Raises ``UserError`` listing every problem (with its line) when the
        file is invalid, names users, groups or companies this database does
        not have, or holds endpoints the save-time checks refuse; nothing is
        changed then. Changed endpoints stay out of sync unless ``publish``.
        """
        try:
            loaded = core_yaml.load(text, self._as_code_schema())
        except core_yaml.FormatError as exc:
            raise UserError(exc.describe()) from exc
        refs, problems = self._as_code_resolve(loaded)
        # Endpoints naming a missing user, group or company are reported and
        # left out; the others are still applied (then rolled back) so that
        # the report lists every problem of the file at once.
        broken = {
            core_yaml.identity(d)
            for d in loaded.definitions
            if (d["exec_as"] and not refs["user", d["exec_as"]])
            or (d["company"] and not refs["company", d["company"]])
            or any(not refs["group", xmlid] for xmlid in d["groups"])
            or (d["resource"] and not refs["model", d["resource"]["model"]])
            or any(
                not refs.get(("field", d["resource"]["model"], name))
                for key in ("fields", "writable", "required")
                for name in (d["resource"] or {}).get(key, ())
            )
        }
        Endpoint = self.with_context(active_test=False)
        records = Endpoint.search([], order="active desc, id")
        current = [rec._as_code_definition(strict=False) for rec in records]
        by_key = {}
        for rec, definition in zip(records, current, strict=True):
            by_key.setdefault(core_yaml.identity(definition), rec)
        result = core_diff.plan(current, loaded.definitions, prune=prune)
        context = {"refs": refs, "by_key": by_key, "loaded": loaded, "broken": broken}
        with self.env.cr.savepoint() as savepoint:
            published = self._as_code_apply(
                result, context, problems, publish=publish and not dry_run
            )
            if dry_run:
                savepoint.close(rollback=True)
        report = core_diff.format_plan(result)
        if published:
            report += "\n" + self.env._("Published %s endpoint(s).", published)
        return result, report

    @api.model
    def _as_code_resolve(self, loaded):
        """``refs[(kind, name)] -> id`` of every user, group and company the
        file names, and the problems of those that do not exist."""
        refs, problems = {}, []
        Users = self.env["res.users"].sudo().with_context(active_test=False)
        Companies = self.env["res.company"].sudo().with_context(active_test=False)
        lookups = (
            ("user", "exec_as", Users, "login", "no user with login {!r}"),
            ("company", "company", Companies, "name", "no company named {!r}"),
        )
        for index, definition in enumerate(loaded.definitions):
            where = core_yaml.label(definition)
            for kind, key, Model, fname, missing in lookups:
                value = definition[key]
                if value and (kind, value) not in refs:
                    refs[kind, value] = Model.search([(fname, "=", value)], limit=1).id
                    if not refs[kind, value]:
                        problems.append((loaded.line(index, key), where, missing.format(value)))
            self._as_code_resolve_resource(loaded, index, refs, problems)
            for xmlid in definition["groups"]:
                if ("group", xmlid) in refs:
                    continue
                group = self.env.ref(xmlid, raise_if_not_found=False)
                refs["group", xmlid] = group.id if group and group._name == "res.groups" else 0
                if not refs["group", xmlid]:
                    problems.append((loaded.line(index, "groups"), where, f"no group {xmlid!r}"))
        return refs, problems

    @api.model
    def _as_code_resolve_resource(self, loaded, index, refs, problems):
        """``refs[("model", name)]`` and ``refs[("field", model, name)]`` of a
        resource's model and fields, and the problems of those that do not
        exist in this database."""
        resource = loaded.definitions[index]["resource"]
        if not resource:
            return
        where = core_yaml.label(loaded.definitions[index])
        line = loaded.line(index, "resource")
        model = resource["model"]
        if ("model", model) not in refs:
            refs["model", model] = self.env["ir.model"]._get_id(model) or 0
        if not refs["model", model]:
            problems.append((line, where, f"no model {model!r} (is its module installed?)"))
            return
        Fields = self.env["ir.model.fields"].sudo()
        for name in {*resource["fields"], *resource["writable"], *resource["required"]}:
            if ("field", model, name) not in refs:
                refs["field", model, name] = Fields._get(model, name).id
            if not refs["field", model, name]:
                problems.append((line, where, f"no field {name!r} on {model}"))

    @api.model
    def _as_code_resource_vals(self, resource, refs):
        if not resource:
            return {"resource_model_id": False}
        model = resource["model"]

        def ids(key):
            return [(6, 0, [refs["field", model, name] for name in resource[key]])]

        vals = {
            "resource_model_id": refs["model", model],
            "resource_field_ids": ids("fields"),
            "resource_writable_field_ids": ids("writable"),
            "resource_required_field_ids": ids("required"),
            "resource_domain": resource["domain"],
            "resource_page_size": resource["page_size"],
            "resource_expand": resource["expand"] or False,
            "resource_max_batch": resource["max_batch"],
        }
        for op in core_yaml.RESOURCE_OPERATIONS:
            vals[f"resource_{op}"] = op in resource["operations"]
        return vals

    @api.model
    def _as_code_vals(self, definition, refs, keys):
        vals = {}
        for key in keys:
            if key == "method" and definition[key] == core_yaml.RESOURCE_METHOD:
                continue  # a resource serves the methods of its operations
            if key == "resource":
                vals.update(self._as_code_resource_vals(definition[key], refs))
            elif key in PLAIN_FIELDS:
                value = definition[key]
                vals[PLAIN_FIELDS[key]] = value if value != "" else False
            elif key == "exec_as":
                vals["exec_as_user_id"] = refs.get(("user", definition[key])) or False
            elif key == "company":
                vals["company_id"] = refs.get(("company", definition[key])) or False
            elif key == "groups":
                vals["allowed_group_ids"] = [
                    (6, 0, [refs["group", xmlid] for xmlid in definition[key]])
                ]
        return vals

    @api.model
    def _as_code_apply(self, result, context, problems, publish):
        """Apply ``result`` with the ORM; raise ``UserError`` with
        ``problems`` and every refused write; return how many endpoints were
        published."""
        refs, by_key, loaded = context["refs"], context["by_key"], context["loaded"]
        index_of = {core_yaml.identity(d): i for i, d in enumerate(loaded.definitions)}
        touched = self.browse()

        def attempt(definition, record, vals):
            """Create (``record`` None) or write; a refusal becomes a problem."""
            if core_yaml.identity(definition) in context["broken"]:
                return self.browse()
            try:
                with self.env.cr.savepoint():
                    if record is None:
                        return self.create(vals)
                    record.write(vals)
                    return record
            except (UserError, ValidationError, ValueError) as exc:
                index = index_of.get(core_yaml.identity(definition))
                line = loaded.line(index) if index is not None else 0
                message = exc.args[0] if exc.args else str(exc)
                problems.append((line, core_yaml.label(definition), str(message)))
                return self.browse()

        for definition in result.create:
            vals = self._as_code_vals(definition, refs, core_yaml.FIELDS)
            touched |= attempt(definition, None, vals)
        for definition, diff in result.change:
            record = by_key[core_yaml.identity(definition)]
            vals = dict(self._as_code_vals(definition, refs, diff), registry_sync=False)
            touched |= attempt(definition, record, vals)
        for definition in result.archive:
            record = by_key[core_yaml.identity(definition)]
            touched |= attempt(definition, record, {"active": False})
        if problems:
            raise UserError(core_yaml.FormatError(problems).describe())
        if publish:
            in_file = self.browse(
                by_key[core_yaml.identity(d)].id
                for d in result.unchanged + [d for d, _diff in result.change]
            )
            to_publish = (touched | in_file).filtered(lambda r: not r.registry_sync)
            to_publish.write({"registry_sync": True})
            return len(to_publish)
        return 0
