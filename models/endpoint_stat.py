# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Calls per endpoint, hour and status class, whatever the endpoint's log
level: what the smart button and the calls graph count.

The request log keeps a row per *logged* call (by default the errors only),
so counting its rows would show a healthy endpoint as 100 % errors. Every
answered call instead adds one to its counter, in the batched writer of the
request log (``serving/request_log.py``): after the response is sent, once
per request however many times Odoo ran it, with the status the client got.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .endpoint_log import STATUS_CLASSES


class EndpointStat(models.Model):
    _name = "endpoint.stat"
    _description = "REST Endpoint Calls per Hour"
    _order = "hour desc, endpoint_id, status_class"
    _log_access = False  # written in SQL by request_log.py, upserted

    endpoint_id = fields.Many2one(
        "endpoint.endpoint", required=True, index=True, ondelete="cascade", readonly=True
    )
    hour = fields.Datetime(required=True, readonly=True, help="The hour of the calls (UTC).")
    status_class = fields.Selection(STATUS_CLASSES, string="Status class", readonly=True)
    calls = fields.Integer(readonly=True, aggregator="sum")
    errors = fields.Integer(readonly=True, aggregator="sum", help="Calls answered 400 or above.")

    _hour_status_unique = models.Constraint(
        "UNIQUE (endpoint_id, hour, status_class)",
        "One counter per endpoint, hour and status class.",
    )

    @api.model
    def _since_24h(self):
        """The current hour and the 23 before it."""
        now = fields.Datetime.now().replace(minute=0, second=0, microsecond=0)
        return now - timedelta(hours=23)

    @api.model
    def _totals(self, endpoint_ids, since):
        """{endpoint id: (calls, errors)} since ``since`` (an hour)."""
        if not endpoint_ids:
            return {}
        self.env.cr.execute(
            SQL(
                "SELECT endpoint_id, sum(calls), sum(errors) FROM endpoint_stat"
                " WHERE endpoint_id = ANY(%s) AND hour >= %s GROUP BY endpoint_id",
                list(endpoint_ids),
                since,
            )
        )
        return {row[0]: (int(row[1]), int(row[2])) for row in self.env.cr.fetchall()}

    @api.model
    def _purge(self, before):
        self.env.cr.execute(SQL("DELETE FROM endpoint_stat WHERE hour < %s", before))
        return self.env.cr.rowcount
