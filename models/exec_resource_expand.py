# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Related records of a model resource: the ``resource_expand`` setting,
checked at save time and frozen into the published snapshot (the grammar is
in ``core/resource/expand.py``, the ORM side in ``serving/resource_expand.py``)."""

from odoo import fields, models
from odoo.exceptions import ValidationError

from ..core.resource import expand as core_expand
from ..core.resource import values as core_values
from .exec_resource import resource_field_meta


class EndpointEndpoint(models.Model):
    _inherit = "endpoint.endpoint"

    resource_expand = fields.Char(
        string="Related records",
        help="Relations callers may expand with fields=relation(field, ...): a "
        "comma-separated list of relation(field, field, ...), each a readable "
        "relational field of the resource with the fields of the related model "
        "callers may read through it, e.g. parent_id(name, email), child_ids(name, "
        "email, phone). The related model's access rights and record rules for the "
        "user the resource runs as apply.",
    )

    def _validate_exec__resource(self):
        result = super()._validate_exec__resource()
        self._resource_expansions()
        return result

    def _resource_expansions(self):
        """``{relation: [ORM fields of the related model]}``, checked."""
        env = self.env
        try:
            setting = core_expand.parse_setting(self.resource_expand)
        except core_expand.ExpandSyntaxError as exc:
            raise ValidationError(env._("Invalid related records setting: %s.", exc)) from exc
        model = env[self.resource_model_id.model]
        readable = set(self.resource_field_ids.mapped("name"))
        found = {}
        for name, subnames in setting.items():
            field = model._fields.get(name)
            if name not in readable or field is None or field.type not in core_values.ID_TYPES:
                raise ValidationError(
                    env._(
                        "Related records: %s is not a readable relational field of the "
                        "resource (many2one, one2many or many2many).",
                        name,
                    )
                )
            comodel = env[field.comodel_name]
            subs = []
            for subname in subnames:
                sub = comodel._fields.get(subname)
                if sub is None or sub.type not in core_values.READ_TYPES:
                    raise ValidationError(
                        env._(
                            "Related records: %(field)s is not a field of %(model)s that a "
                            "resource can publish.",
                            field=subname,
                            model=comodel._name,
                        )
                    )
                subs.append(sub)
            found[name] = subs
        return found

    def _resource_snapshot(self):
        snapshot = super()._resource_snapshot()
        snapshot["expand"] = [
            {
                "name": name,
                "fields": [resource_field_meta(self.env, sub) for sub in subs if sub.name != "id"],
            }
            for name, subs in self._resource_expansions().items()
        ]
        return snapshot
