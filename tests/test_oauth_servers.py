# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Acceptance of issue 20 across two real servers: a real OAuth client
(Authlib's OAuth2Session) signs in on one server through Odoo's login page
with code + PKCE, its token is served by both, refreshed on the other, and
reuse detection and revocation are refused by both on the next request."""

from authlib.integrations.base_client import OAuthError

import odoo
from odoo.tests import tagged

from . import oauth_flow
from .test_multiprocess import TwoServersCase

LOGIN = "re_two_oauth"


@tagged("post_install", "-at_install")
class TestOauthTwoServers(TwoServersCase):
    def setUp(self):
        super().setUp()
        self._create(
            route="/api/multi/oauth",
            registry_sync=True,
            auth_type="bearer",
            api_key_scope="mobile",
            exec_as_user_id=False,
            code_snippet="result = {'payload': {'user': user.login}}",
        )
        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            user = env["res.users"].create({"name": "OAuth two", "login": LOGIN, "password": LOGIN})
            client = env["endpoint.oauth.client"].create(
                {
                    "name": "Two servers app",
                    "client_type": "public",
                    "redirect_uris": oauth_flow.REDIRECT_URI,
                    "scopes": "mobile",
                    "trusted": True,
                }
            )
            self.client_id = client.client_id
        self.addCleanup(self._delete_oauth, client.id, user.id)

    def _delete_oauth(self, client_id, uid):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM endpoint_oauth_client WHERE id = %s", [client_id])
            cr.execute("DELETE FROM res_users WHERE id = %s", [uid])

    def sign_in(self, server):
        return oauth_flow.sign_in(server.base, self.client_id, "mobile", LOGIN, LOGIN)

    def assertServedBy(self, token, status):
        for server in self.servers:
            for _i in range(2):  # verified, then trusted from the cache
                response = server.get("/api/multi/oauth", token)
                self.assertEqual(response.status_code, status, f"{server.base}: {response.text}")
                if status == 200:
                    self.assertEqual(response.json(), {"user": LOGIN})
                else:
                    self.assertIn('error="invalid_token"', response.headers["WWW-Authenticate"])

    def test_code_pkce_refresh_reuse_and_revocation(self):
        server_a, server_b = self.servers
        session, _metadata = oauth_flow.sign_in(
            server_a.base, self.client_id, "mobile", LOGIN, LOGIN
        )
        first = dict(session.token)
        self.assertServedBy(first["access_token"], 200)
        # refreshed on the other server (found from its own metadata)
        metadata_b = oauth_flow.discover(server_b.base)
        second = session.refresh_token(metadata_b["token_endpoint"])
        self.assertNotEqual(second["refresh_token"], first["refresh_token"])
        self.assertServedBy(second["access_token"], 200)
        # the first refresh token again: the whole family is revoked, everywhere
        stolen = oauth_flow.new_session(self.client_id, "mobile", metadata_b)
        with self.assertRaises(OAuthError) as refused:
            stolen.refresh_token(metadata_b["token_endpoint"], refresh_token=first["refresh_token"])
        self.assertEqual(refused.exception.error, "invalid_grant")
        self.assertServedBy(first["access_token"], 401)
        self.assertServedBy(second["access_token"], 401)

        # a new sign-in, revoked (RFC 7009) through server B: A refuses it at once
        session, _metadata = oauth_flow.sign_in(
            server_a.base, self.client_id, "mobile", LOGIN, LOGIN
        )
        self.assertServedBy(session.token["access_token"], 200)
        session.revoke_token(
            metadata_b["revocation_endpoint"], session.token["refresh_token"], "refresh_token"
        )
        self.assertServedBy(session.token["access_token"], 401)
