# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Idempotency keys (IETF draft ``httpapi-idempotency-key-header``): the
stored responses, one per endpoint, caller and key, kept 24 hours and
purged by a cron; and the endpoint's opt-in for PUT and DELETE. The request
side is ``serving/idempotency.py``."""

from odoo import api, fields, models

from ..serving.idempotency import TTL_HOURS


class EndpointIdempotency(models.Model):
    _name = "endpoint.idempotency"
    _description = "REST endpoint idempotency key"
    _log_access = False

    endpoint_id = fields.Many2one(
        "endpoint.endpoint", required=True, ondelete="cascade", index=False
    )
    caller = fields.Char(required=True, help="user id:API key id (0:0 anonymous)")
    idem_key = fields.Char(string="Key", required=True)
    fingerprint = fields.Char(required=True, help="SHA-256 of method, path, query and body")
    created_at = fields.Datetime(required=True, index=True)
    status_code = fields.Integer()
    response_headers = fields.Text()
    response_body = fields.Binary(attachment=False)

    _endpoint_caller_key_unique = models.Constraint(
        "UNIQUE(endpoint_id, caller, idem_key)",
        "One stored response per endpoint, caller and idempotency key.",
    )

    @api.model
    def _cron_purge(self):
        self.env.cr.execute(
            "DELETE FROM endpoint_idempotency "
            "WHERE created_at < (now() AT TIME ZONE 'UTC') - make_interval(hours => %s)",
            [TTL_HOURS],
        )


class EndpointEndpoint(models.Model):
    _inherit = "endpoint.endpoint"

    idempotency_put_delete = fields.Boolean(
        string="Idempotency-Key on PUT and DELETE",
        help="POST and PATCH always honour an Idempotency-Key header; PUT and DELETE "
        "only when this is set.",
    )

    @api.model
    def _serving_fields(self):
        return (*super()._serving_fields(), "idempotency_put_delete")

    @api.model
    def _snapshot_columns(self):
        return (*super()._snapshot_columns(), "idempotency_put_delete")
