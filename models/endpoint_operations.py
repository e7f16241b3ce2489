# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Running endpoints in production: checks of the request log, rate limit
and API key scope settings, the smart button of the last 24 hours, and the
tables behind the limits."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

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
        # The call counters (endpoint.stat), not the log rows: by default only
        # errors are logged, and every call is counted whatever the log level.
        Stat = self.env["endpoint.stat"]
        totals = Stat._totals(self.ids, Stat._since_24h())
        for rec in self:
            total, errors = totals.get(rec.id, (0, 0))
            rec.calls_24h = total
            rec.error_rate_24h = 100.0 * errors / total if total else 0.0

    def action_view_calls(self):
        """The smart button: this endpoint's calls per hour, last 24 hours."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("rest_endpoint.endpoint_stat_action")
        action["domain"] = [("endpoint_id", "=", self.id)]
        action["context"] = {"search_default_last_24h": 1}
        action["display_name"] = self.env._("Calls of %s", self.name)
        return action

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
