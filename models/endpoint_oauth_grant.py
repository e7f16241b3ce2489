# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""What a user granted an app (a *session* of the app), and its tokens.

A grant is one sign-in: the authorization code it started from (single use,
60 s, bound to the client, the redirect URI and the PKCE challenge), then
the family of access and refresh tokens issued from it. Revoking the grant
revokes the family. Codes and tokens are stored as SHA-256 hashes only.

Revocation reaches every process through the key stamp
(``serving/key_stamp.py``): triggers renew it when a grant, token or client
is revoked, archived or deleted, so a process that trusts a verified access
token drops it on the next request, as it does for API keys.
"""

from datetime import timedelta

from odoo import api, fields, models

from ..core.oauth import tokens as core_tokens
from ..serving import key_stamp

CODE_LIFETIME = 60


class EndpointOauthGrant(models.Model):
    _name = "endpoint.oauth.grant"
    _description = "App session (OAuth grant)"
    _order = "last_use desc, id desc"
    _rec_name = "client_id"

    client_id = fields.Many2one(
        "endpoint.oauth.client", required=True, ondelete="cascade", index=True, readonly=True
    )
    user_id = fields.Many2one(
        "res.users", required=True, ondelete="cascade", index=True, readonly=True
    )
    scope = fields.Char(readonly=True)
    first_use = fields.Datetime(default=fields.Datetime.now, readonly=True)
    last_use = fields.Datetime(default=fields.Datetime.now, readonly=True)
    revoked = fields.Boolean(readonly=True)
    code_hash = fields.Char(index=True, readonly=True, groups="base.group_system")
    code_expires = fields.Datetime(readonly=True, groups="base.group_system")
    code_used = fields.Boolean(readonly=True, groups="base.group_system")
    code_challenge = fields.Char(readonly=True, groups="base.group_system")
    code_challenge_method = fields.Char(readonly=True, groups="base.group_system")
    redirect_uri = fields.Char(readonly=True, groups="base.group_system")
    token_ids = fields.One2many("endpoint.oauth.token", "grant_id", readonly=True)

    @api.model
    def _create_code(self, client, user, scope, redirect_uri, challenge, method):
        """A new authorization code for ``user`` and ``client``: returned
        once, its hash kept on a new grant."""
        code = core_tokens.new_token(core_tokens.CODE_PREFIX)
        self.sudo().create(
            {
                "client_id": client.id,
                "user_id": user.id,
                "scope": scope,
                "code_hash": core_tokens.token_hash(code),
                "code_expires": fields.Datetime.now() + timedelta(seconds=CODE_LIFETIME),
                "code_challenge": challenge,
                "code_challenge_method": method,
                "redirect_uri": redirect_uri,
            }
        )
        return code

    @api.model
    def _find_code(self, code, client):
        """The grant of an unused, unexpired authorization code of
        ``client``; a code used before revokes its grant and its tokens
        (RFC 6749 4.1.2, RFC 9700 4.5) and finds nothing."""
        if not code:
            return self.browse()
        grant = self.sudo().search(
            [("code_hash", "=", core_tokens.token_hash(code)), ("client_id", "=", client.id)],
            limit=1,
        )
        if not grant:
            return grant
        if grant.code_used:
            grant._revoke()
            return self.browse()
        if grant.revoked or grant.code_expires < fields.Datetime.now():
            return self.browse()
        return grant

    def _use_code(self):
        """Mark the code used, once: False if another request used it first."""
        self.ensure_one()
        self.env.cr.execute(
            "UPDATE endpoint_oauth_grant SET code_used = true"
            " WHERE id = %s AND NOT coalesce(code_used, false)",
            [self.id],
        )
        self.invalidate_recordset(["code_used"])
        return bool(self.env.cr.rowcount)

    def _revoke(self):
        """Revoke these grants and every token issued from them."""
        grants = self.sudo().filtered(lambda g: not g.revoked)
        grants.write({"revoked": True})
        grants.token_ids.filtered(lambda t: not t.revoked).write({"revoked": True})

    def action_revoke(self):
        """The button: a user revokes an app session (theirs, by the record
        rules; administrators any). Users may only read grants: nobody but
        this method (and administrators) writes them, so a revoked grant
        cannot be brought back."""
        self.check_access("read")
        self._revoke()


class EndpointOauthToken(models.Model):
    _name = "endpoint.oauth.token"
    _description = "OAuth token (hashed)"
    _order = "id desc"

    grant_id = fields.Many2one(
        "endpoint.oauth.grant", required=True, ondelete="cascade", index=True
    )
    kind = fields.Selection([("access", "Access"), ("refresh", "Refresh")], required=True)
    token_hash = fields.Char(required=True, index=True)
    expires_at = fields.Datetime(required=True)
    revoked = fields.Boolean()
    #: a refresh token that was exchanged (rotation): using it again is reuse
    used = fields.Boolean()

    _token_hash_uniq = models.Constraint("UNIQUE(token_hash)", "Token hashes are unique.")

    def init(self):
        # the client, grant and token tables exist now (this model is loaded
        # last): add their revocation triggers
        key_stamp.install(self.env.cr)

    @api.model
    def _issue(self, grant, lifetime, kind):
        """A new token of ``kind`` for ``grant``, returned once."""
        prefix = core_tokens.ACCESS_PREFIX if kind == "access" else core_tokens.REFRESH_PREFIX
        token = core_tokens.new_token(prefix)
        self.sudo().create(
            {
                "grant_id": grant.id,
                "kind": kind,
                "token_hash": core_tokens.token_hash(token),
                "expires_at": fields.Datetime.now() + timedelta(seconds=lifetime),
            }
        )
        return token

    @api.model
    def _find(self, token, kind=None):
        """The token row of ``token`` (any state), or an empty recordset."""
        domain = [("token_hash", "=", core_tokens.token_hash(token or ""))]
        if kind:
            domain.append(("kind", "=", kind))
        return self.sudo().search(domain, limit=1)

    def _claim(self):
        """Mark a refresh token used, once: False if another request did."""
        self.ensure_one()
        self.env.cr.execute(
            "UPDATE endpoint_oauth_token SET used = true"
            " WHERE id = %s AND NOT coalesce(used, false)",
            [self.id],
        )
        self.invalidate_recordset(["used"])
        return bool(self.env.cr.rowcount)

    def _is_live(self):
        self.ensure_one()
        grant = self.grant_id
        return (
            not self.revoked
            and not grant.revoked
            and grant.client_id.active
            and grant.user_id.active
            and self.expires_at >= fields.Datetime.now()
        )
