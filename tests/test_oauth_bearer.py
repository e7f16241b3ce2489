# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Bearer endpoints with access tokens: the scope rule, expiry, and
revocation refused on the next request (the key stamp), not only after a
process forgets its cache."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..core.oauth import tokens as core_tokens
from ..serving import oauth_tokens
from .oauth_case import OauthCase, basic


@tagged("post_install", "-at_install")
class TestOauthBearer(OauthCase):
    def setUp(self):
        super().setUp()
        self.mobile_endpoints()
        self.tokens = self.code_tokens()
        self.access = self.tokens["access_token"]
        self.assertEqual(self.call("/api/o/mobile", self.access).status_code, 200)
        self.row = self.env["endpoint.oauth.token"]._find(self.access)

    def assertInvalidToken(self, response):
        self.assertEqual(response.status_code, 401, response.text)
        self.assertIn('Bearer error="invalid_token"', response.headers["WWW-Authenticate"])

    def test_scope_rule(self):
        # a token of scope mobile: not another scope's endpoint, not an unscoped one
        for path in ("/api/o/sales", "/api/o/plain"):
            with self.subTest(path=path):
                response = self.call(path, self.access)
                self.assertJsonError(response, 403)
                self.assertIn("scope", response.json()["message"])
        # nor JSON-2 or a web session
        self.authenticate(None, None)
        response = self.url_open(
            "/json/2/res.partner/search_count",
            json={"domain": []},
            headers={**self.headers, "Authorization": f"Bearer {self.access}"},
        )
        self.assertEqual(response.status_code, 401)
        response = self.url_open(
            "/web/session/get_session_info",
            json={"jsonrpc": "2.0", "params": {}},
            headers={**self.headers, "Authorization": f"Bearer {self.access}"},
        )
        self.assertNotIn(self.api_user.login, response.text)

    def test_token_cached_by_hash_only(self):
        self.assertTrue(oauth_tokens._cache)
        self.assertFalse(any(self.access in repr(k) for k in oauth_tokens._cache))
        self.assertFalse(
            self.env["endpoint.oauth.token"].search([("token_hash", "=", self.access)])
        )

    def test_expired_token(self):
        # the token expired (by the database's clock, here the test
        # transaction's start: hence a day): the process that trusts it from
        # its cache must not serve it past its expiry
        past = fields.Datetime.now() - timedelta(days=1)
        self.row.expires_at = past
        self.env.flush_all()
        [(key, hit)] = oauth_tokens._cache.items()
        oauth_tokens._cache[key] = hit._replace(expires=past)
        response = self.call("/api/o/mobile", self.access)
        self.assertInvalidToken(response)
        self.assertIn("expired", response.headers["WWW-Authenticate"])
        # nor when verified afresh
        oauth_tokens.forget_all()
        self.assertInvalidToken(self.call("/api/o/mobile", self.access))

    def test_unknown_token(self):
        self.assertInvalidToken(
            self.call("/api/o/mobile", core_tokens.new_token(core_tokens.ACCESS_PREFIX))
        )

    def test_revocation_is_immediate(self):
        """The process trusts the token it verified; each revocation renews
        the key stamp, so the very next request is refused."""
        grant = self.row.grant_id
        for revoke, restore in (
            (self.row, {"revoked": True}),
            (grant, {"revoked": True}),
            (self.app, {"active": False}),
            (self.api_user, {"active": False}),
        ):
            with self.subTest(record=revoke):
                before = {name: revoke[name] for name in restore}
                revoke.write(restore)
                self.assertInvalidToken(self.call("/api/o/mobile", self.access))
                revoke.write(before)
                self.assertEqual(self.call("/api/o/mobile", self.access).status_code, 200)
        grant.unlink()
        self.assertInvalidToken(self.call("/api/o/mobile", self.access))

    def test_revocation_endpoint(self):
        # RFC 7009: revoking the refresh token revokes the grant and its access tokens
        response = self.url_open(
            "/oauth/revoke",
            data={"token": self.tokens["refresh_token"], "client_id": self.app.client_id},
            headers=self.headers,
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertInvalidToken(self.call("/api/o/mobile", self.access))
        # an unknown token is a 200 too
        response = self.url_open(
            "/oauth/revoke",
            data={"token": "nothing", "client_id": self.app.client_id},
            headers=self.headers,
        )
        self.assertEqual(response.status_code, 200)

    def test_introspection(self):
        def introspect(auth):
            return self.url_open(
                "/oauth/introspect",
                data={"token": self.access, "client_id": self.app.client_id},
                headers={**self.headers, **(basic(*auth) if auth else {})},
            )

        # public clients may not introspect
        self.assertEqual(introspect(None).status_code, 401)
        # the token of another client is inactive for the partner's server
        response = introspect((self.partner_app.client_id, self.partner_secret))
        self.assertEqual(response.status_code, 200, response.text)
        self.assertTrue(response.json()["active"])
        self.assertEqual(response.json()["scope"], "mobile")
        self.row.revoked = True
        response = introspect((self.partner_app.client_id, self.partner_secret))
        self.assertEqual(response.json(), {"active": False})

    def test_metadata(self):
        response = self.url_open("/.well-known/oauth-authorization-server", headers=self.headers)
        body = response.json()
        base = self.base_url()
        self.assertEqual(body["issuer"], base)
        self.assertEqual(body["token_endpoint"], f"{base}/oauth/token")
        self.assertEqual(body["code_challenge_methods_supported"], ["S256"])
        self.assertEqual(body["response_types_supported"], ["code"])
        self.assertIn("mobile", body["scopes_supported"])

    def test_openapi_and_swagger_ui_authorize(self):
        """The document offers oauth2 (code + PKCE, client credentials) on
        scoped bearer endpoints; Swagger UI's Authorize runs PKCE as the
        demo client that registered the docs' redirect page (loopback)."""
        self.authenticate("admin", "admin")
        document = self.url_open("/rest_endpoint/openapi.json").json()
        oauth = document["components"]["securitySchemes"]["oauth2"]
        self.assertEqual(
            oauth["flows"]["authorizationCode"]["authorizationUrl"], "/oauth/authorize"
        )
        self.assertIn("mobile", oauth["flows"]["clientCredentials"]["scopes"])
        operation = document["paths"]["/api/o/mobile"]["get"]
        self.assertIn({"oauth2": ["mobile"]}, operation["security"])
        page = self.url_open("/rest_endpoint/docs").text
        self.assertIn('data-oauth-client-id="swagger-ui"', page)
        redirect = "/rest_endpoint/static/lib/swagger-ui/oauth2-redirect.html"
        self.assertIn(f'data-oauth-redirect-url="{self.base_url()}{redirect}"', page)
        self.assertEqual(self.url_open(redirect).status_code, 200)

    def test_users_see_and_revoke_their_own_sessions(self):
        admin = self.env.ref("base.user_admin")
        others = self.env["endpoint.oauth.grant"].create(
            {"client_id": self.app.id, "user_id": admin.id, "scope": "mobile"}
        )
        mine = self.row.grant_id
        Grants = self.env["endpoint.oauth.grant"].with_user(self.api_user)
        self.assertEqual(Grants.search([]), mine)
        action = self.api_user.with_user(self.api_user).action_app_sessions()
        self.assertEqual(Grants.search(action["domain"]), mine)
        with self.assertRaises(AccessError):
            others.with_user(self.api_user).action_revoke()
        mine.with_user(self.api_user).action_revoke()
        self.assertInvalidToken(self.call("/api/o/mobile", self.access))
        with self.assertRaises(AccessError):  # nor brought back
            mine.with_user(self.api_user).write({"revoked": False})
        # codes, tokens and secrets are stored hashed, never in clear
        self.assertNotIn(self.access, str(self.row.sudo().read()))
