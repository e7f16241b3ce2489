# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Each user's app sessions (OAuth grants), from their preferences."""

from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def action_app_sessions(self):
        """The apps signed in as this user, to review and revoke (record
        rules: one's own only, administrators all)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "rest_endpoint.endpoint_oauth_grant_action"
        )
        action["domain"] = [("user_id", "=", self.id), ("revoked", "=", False)]
        return action
