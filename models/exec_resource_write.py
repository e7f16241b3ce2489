# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Bulk creates of a model resource: the ``resource_max_batch`` setting,
checked at save time and frozen into the published snapshot (the request
side is ``serving/resource_bulk.py``)."""

from odoo import fields, models
from odoo.exceptions import ValidationError

from ..core.resource.query import MAX_BATCH


class EndpointEndpoint(models.Model):
    _inherit = "endpoint.endpoint"

    resource_max_batch = fields.Integer(
        string="Records per bulk create",
        default=100,
        help="A create may send a JSON array of records: all are created in one "
        "transaction, or none. At most this many per request.",
    )

    def _validate_exec__resource(self):
        result = super()._validate_exec__resource()
        if not 1 <= self.resource_max_batch <= MAX_BATCH:
            raise ValidationError(
                self.env._("The records per bulk create must be from 1 to %s.", MAX_BATCH)
            )
        return result

    def _resource_snapshot(self):
        snapshot = super()._resource_snapshot()
        snapshot["max_batch"] = self.resource_max_batch
        return snapshot
