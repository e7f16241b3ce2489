# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Running endpoints in production: checks of the request log, rate limit
and API key scope settings, the smart button of the last 24 hours, and the
tables behind the limits."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..serving import metrics
from ..serving.auth import SCOPE_RE


def check_scope_name(env, scope):
    """Refuse a scope name that ``rest_endpoint:<scope>`` keys cannot carry."""
    if not SCOPE_RE.match(scope):
        raise ValidationError(
            env._(
                "API key scope %(scope)r: use letters, digits, '_', '.' or '-' "
                "(at most 64), e.g. mobile.",
                scope=scope,
            )
        )


class EndpointEndpoint(models.Model):
    _inherit = "endpoint.endpoint"

    calls_24h = fields.Integer(string="Calls (24 h)", compute="_compute_calls_24h")
    error_rate_24h = fields.Float(string="Error rate (24 h)", compute="_compute_calls_24h")

    @api.constrains("rate_limit", "rate_limit_period", "api_key_scope", "auth_type")
    def _check_operations(self):
        for rec in self:
            if rec.rate_limit < 0:
                raise ValidationError(self.env._("The rate limit cannot be negative (0: none)."))
            if rec.rate_limit and rec.rate_limit_period < 1:
                raise ValidationError(self.env._("The rate limit period is at least 1 second."))
            scope = rec.api_key_scope
            if scope:
                check_scope_name(self.env, scope)
            if scope and rec.auth_type != "bearer":
                raise ValidationError(
                    self.env._("An API key scope applies to bearer (API key) endpoints only.")
                )

    def _compute_calls_24h(self):
        counts = {}
        if self.ids:
            since = fields.Datetime.now() - timedelta(hours=24)
            self.env.cr.execute(
                SQL(
                    "SELECT endpoint_id, count(*), count(*) FILTER (WHERE status >= 400)"
                    " FROM endpoint_log WHERE endpoint_id = ANY(%s) AND create_date >= %s"
                    " GROUP BY endpoint_id",
                    self.ids,
                    since,
                )
            )
            counts = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for rec in self:
            total, errors = counts.get(rec.id, (0, 0))
            rec.calls_24h = total
            rec.error_rate_24h = 100.0 * errors / total if total else 0.0

    def action_view_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("rest_endpoint.endpoint_log_action")
        action["domain"] = [("endpoint_id", "=", self.id)]
        action["context"] = {"search_default_last_24h": 1}
        return action

    def _publish(self):
        res = super()._publish()
        if self:
            metrics.observe_sync(self.env.cr.dbname)
        return res
