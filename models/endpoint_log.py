# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The request log: who called which endpoint, how it went, how long it took.

Rows are written in SQL by ``request_log.py`` after each logged response
(never through the ORM of the request, whose transaction may be rolled
back); here are the model the back office reads, the retention cron, and the
counters of the endpoint form's smart button.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..serving import rate_limit
from ..serving.params import int_param

RETENTION_PARAM = "rest_endpoint.log_retention_days"
STATUS_CLASSES = [("1xx", "1xx"), ("2xx", "2xx"), ("3xx", "3xx"), ("4xx", "4xx"), ("5xx", "5xx")]
DEFAULT_RETENTION_DAYS = 30


class EndpointLog(models.Model):
    _name = "endpoint.log"
    _description = "REST Endpoint Request Log"
    _order = "id desc"
    _rec_name = "path"

    endpoint_id = fields.Many2one(
        "endpoint.endpoint", index=True, ondelete="set null", readonly=True
    )
    method = fields.Char(readonly=True)
    path = fields.Char(readonly=True)
    status = fields.Integer(readonly=True, aggregator=False)
    status_class = fields.Selection(
        STATUS_CLASSES,
        string="Status class",
        readonly=True,
        index=True,
    )
    is_error = fields.Boolean(compute="_compute_is_error", search="_search_is_error")
    duration_ms = fields.Float(string="Average duration (ms)", readonly=True, aggregator="avg")
    duration_max_ms = fields.Float(
        string="Max duration (ms)",
        readonly=True,
        aggregator="max",
        help="The duration again, aggregated as a maximum in the pivot and graph views.",
    )
    user_id = fields.Many2one("res.users", string="Caller", readonly=True, ondelete="set null")
    api_key_name = fields.Char(string="API key", readonly=True)
    remote_addr = fields.Char(string="Client address", readonly=True)
    error_message = fields.Text(readonly=True)
    request_headers = fields.Text(readonly=True)
    request_body = fields.Text(readonly=True)
    response_headers = fields.Text(readonly=True)
    response_body = fields.Text(readonly=True)

    def init(self):
        # The graph and the retention cron read by date; the smart button by
        # endpoint and date.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS endpoint_log_create_date_idx ON endpoint_log (create_date)"
        )
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS endpoint_log_endpoint_date_idx"
            " ON endpoint_log (endpoint_id, create_date)"
        )
        # The counters of the rate limits (see rate_limit.py).
        self.env.cr.execute(rate_limit.CREATE_TABLE)
        self.env.cr.execute(rate_limit.CREATE_INDEX)

    @api.depends("status")
    def _compute_is_error(self):
        for rec in self:
            rec.is_error = rec.status >= 400

    def _search_is_error(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        return [("status", ">=" if (operator == "=") == value else "<", 400)]

    @api.model
    def _retention_days(self):
        return int_param(self.env, RETENTION_PARAM, DEFAULT_RETENTION_DAYS)

    @api.model
    def _cron_purge(self):
        """Delete rows older than ``rest_endpoint.log_retention_days`` (30 by
        default; 0 or less keeps everything) and the counters of finished rate
        limit windows. In SQL: a busy API logs millions of rows."""
        days = self._retention_days()
        deleted = 0
        if days > 0:
            limit = fields.Datetime.now() - timedelta(days=days)
            self.env.cr.execute(SQL("DELETE FROM endpoint_log WHERE create_date < %s", limit))
            deleted = self.env.cr.rowcount
            self.env["endpoint.stat"]._purge(limit.replace(minute=0, second=0, microsecond=0))
        self.env.cr.execute(rate_limit.DELETE_EXPIRED)
        return deleted
