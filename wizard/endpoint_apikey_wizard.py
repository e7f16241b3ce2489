# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Create an API key that opens only the endpoints of one scope.

A key of scope ``rest_endpoint:<scope>`` opens the bearer endpoints whose
*API key scope* is ``<scope>`` (and ``rest_endpoint:metrics`` the metrics),
nothing else: not the other endpoints, not JSON-2 or XML-RPC (Odoo accepts
only global keys there). Odoo's own key dialog (user preferences) makes
global keys only, for oneself; administrators make scoped keys for any user
here. The key is shown once, like Odoo's.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.endpoint_operations import check_scope_name
from ..serving.auth import SCOPE_PREFIX


class EndpointApikeyWizard(models.TransientModel):
    _name = "endpoint.apikey.wizard"
    _description = "Create a scoped API key for endpoints"

    user_id = fields.Many2one(
        "res.users",
        required=True,
        domain=[("share", "=", False)],
        default=lambda self: self.env.context.get("active_model") == "res.users"
        and self.env.context.get("active_id"),
        help="The key authenticates as this user: endpoints run as them (unless they have "
        "an 'Exec as user').",
    )
    scope = fields.Char(
        required=True,
        help="The API key scope of the endpoints this key opens, e.g. mobile; "
        "'metrics' opens /rest_endpoint/metrics.",
    )
    full_scope = fields.Char(compute="_compute_full_scope", string="Key scope")
    name = fields.Char(string="Description", required=True, default="Endpoints")
    expiration_date = fields.Datetime(help="Empty: the key never expires.")
    key = fields.Char(readonly=True)

    @api.depends("scope")
    def _compute_full_scope(self):
        for wizard in self:
            wizard.full_scope = SCOPE_PREFIX + (wizard.scope or "").strip()

    def action_generate(self):
        self.ensure_one()
        if not self.env.is_system():
            raise UserError(self.env._("Only settings administrators create endpoint API keys."))
        scope = (self.scope or "").strip()
        check_scope_name(self.env, scope)
        key = (
            self.env["res.users.apikeys"]
            .with_user(self.user_id)
            .sudo()
            ._generate(SCOPE_PREFIX + scope, self.name, self.expiration_date)
        )
        self.write({"scope": scope, "key": key})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("API key created"),
        }
