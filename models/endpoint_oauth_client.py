# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""OAuth 2.1 clients: the apps that may sign users in to the endpoints.

A client may request only its ``scopes``, which are endpoint scopes (the
``api_key_scope`` of bearer endpoints); a token of scope ``X`` opens the
bearer endpoints of scope ``X`` and nothing else. Confidential clients have
a secret, shown once by :meth:`_generate_secret` and stored as a hash.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..core.oauth import clients as core_clients
from ..core.oauth import tokens as core_tokens
from .endpoint_operations import check_scope_name


def _new_client_id(_records=None):
    return core_tokens.new_token("")[:32]


class EndpointOauthClient(models.Model):
    _name = "endpoint.oauth.client"
    _description = "OAuth client of the endpoints"
    _order = "name, id"

    name = fields.Char(required=True)
    client_id = fields.Char(
        string="Client ID", required=True, readonly=True, copy=False, default=_new_client_id
    )
    client_type = fields.Selection(
        [("public", "Public (mobile, single-page app)"), ("confidential", "Confidential (server)")],
        required=True,
        default="public",
    )
    secret_hash = fields.Char(copy=False, groups="base.group_system")
    has_secret = fields.Boolean(compute="_compute_has_secret")
    redirect_uris = fields.Text(
        string="Redirect URIs",
        help="One URI per line, matched exactly (a loopback http://127.0.0.1 redirect may use "
        "any port, RFC 8252). Custom schemes such as com.example.app:/oauth/callback are "
        "allowed.",
    )
    scopes = fields.Char(
        help="Space-separated endpoint scopes (API key scope) this client may request.",
    )
    trusted = fields.Boolean(help="The company's own app: users are not asked for consent.")
    allow_client_credentials = fields.Boolean(
        help="Confidential clients only: the client may get tokens for itself (acting as the "
        "user below), without a user signing in."
    )
    user_id = fields.Many2one(
        "res.users",
        string="Client credentials user",
        domain=[("share", "=", False)],
        help="The user that client-credentials tokens act as.",
    )
    access_token_lifetime = fields.Integer(default=3600, help="Seconds.")
    refresh_token_lifetime = fields.Integer(default=30 * 86400, help="Seconds.")
    active = fields.Boolean(default=True)
    grant_ids = fields.One2many("endpoint.oauth.grant", "client_id", string="Sessions")

    _client_id_uniq = models.Constraint("UNIQUE(client_id)", "The client ID must be unique.")

    @api.depends("secret_hash")
    def _compute_has_secret(self):
        for client in self:
            client.has_secret = bool(client.sudo().secret_hash)

    @api.constrains(
        "client_type",
        "redirect_uris",
        "scopes",
        "allow_client_credentials",
        "user_id",
        "access_token_lifetime",
        "refresh_token_lifetime",
    )
    def _check_client(self):
        for client in self:
            for uri in core_clients.redirect_uri_lines(client.redirect_uris):
                why = core_clients.check_registered_uri(uri)
                if why:
                    raise ValidationError(
                        self.env._("Redirect URI %(uri)r: %(why)s.", uri=uri, why=why)
                    )
            for scope in core_clients.scope_list(client.scopes):
                check_scope_name(self.env, scope)
            if client.allow_client_credentials:
                if client.client_type != "confidential":
                    raise ValidationError(
                        self.env._("Only confidential clients may use client credentials.")
                    )
                if not client.user_id:
                    raise ValidationError(
                        self.env._("Client credentials need a user for the tokens to act as.")
                    )
            if client.access_token_lifetime < 1 or client.refresh_token_lifetime < 1:
                raise ValidationError(self.env._("Token lifetimes are positive (seconds)."))

    def _generate_secret(self):
        """A new client secret: returned once, only its hash is kept."""
        self.ensure_one()
        if self.client_type != "confidential":
            raise UserError(self.env._("Public clients have no secret."))
        secret = core_tokens.new_token(core_tokens.SECRET_PREFIX)
        self.sudo().secret_hash = core_tokens.token_hash(secret)
        return secret

    def action_generate_secret(self):
        """The button: a new secret, shown once in a notification-like dialog."""
        self.ensure_one()
        secret = self._generate_secret()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Client secret (shown once)"),
                "message": secret,
                "sticky": True,
                "type": "warning",
            },
        }

    @api.model
    def _scopes_supported(self):
        """The scopes of the active clients (RFC 8414 ``scopes_supported``)."""
        scopes = set()
        for client in self.search([]):
            scopes.update(core_clients.scope_list(client.scopes))
        return sorted(scopes)

    @api.model
    def _for_redirect_uri(self, uri):
        """The first active public client that registered ``uri`` (Swagger
        UI's Authorize), or an empty recordset."""
        for client in self.search([("client_type", "=", "public")]):
            registered = core_clients.redirect_uri_lines(client.redirect_uris)
            if core_clients.redirect_uri_matches(registered, uri):
                return client
        return self.browse()

    def check_secret(self, secret):
        """Whether ``secret`` is this client's secret."""
        self.ensure_one()
        return bool(secret) and core_tokens.same_hash(secret, self.sudo().secret_hash)
