# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Identity providers whose JWTs bearer endpoints accept (Keycloak, Entra
ID, Auth0, Google...): checked in ``serving/jwt_tokens.py``.

Any change to an issuer renews the key stamp (``serving/key_stamp.py``), so
every process reloads the issuers and forgets the JWTs it trusted.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..core.oauth import jwt as core_jwt


class EndpointJwtIssuer(models.Model):
    _name = "endpoint.jwt.issuer"
    _description = "Trusted JWT issuer of the endpoints"
    _order = "name, id"

    name = fields.Char(required=True)
    issuer = fields.Char(required=True, help="The 'iss' claim, exactly.")
    audience = fields.Char(required=True, help="The 'aud' claim the tokens must carry.")
    jwks = fields.Text(string="JWKS", help="A JWKS document (the issuer's public keys).")
    jwks_uri = fields.Char(
        string="JWKS URI",
        help="Where the issuer publishes its keys: fetched, cached, and fetched again when a "
        "token names an unknown key (at most once a minute).",
    )
    user_claim = fields.Char(
        default="email", required=True, help="The claim matched to the users' login."
    )
    algorithms = fields.Char(
        default=core_jwt.DEFAULT_ALGORITHMS,
        required=True,
        help="Space-separated asymmetric algorithms (none and HMAC are never accepted).",
    )
    active = fields.Boolean(default=True)

    _issuer_uniq = models.Constraint("UNIQUE(issuer)", "An issuer is registered once.")

    @api.constrains("jwks", "jwks_uri", "algorithms")
    def _check_issuer(self):
        for issuer in self:
            try:
                core_jwt.parse_algorithms(issuer.algorithms)
                if issuer.jwks:
                    core_jwt.parse_jwks(issuer.jwks)
            except ValueError as exc:
                raise ValidationError(str(exc)) from exc
            if not issuer.jwks and not issuer.jwks_uri:
                raise ValidationError(self.env._("Give the issuer's JWKS or its JWKS URI."))
            if issuer.jwks_uri and not issuer.jwks_uri.startswith("https://"):
                raise ValidationError(self.env._("The JWKS URI must be an https:// URL."))
