# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Clients, endpoints and helpers of the in-process OAuth tests."""

import base64
import hashlib

from authlib.common.security import generate_token

from ..serving import rate_limit
from . import oauth_flow
from .common import OperationsCase
from .test_pipeline import ECHO


def basic(client_id, secret):
    """An ``Authorization: Basic`` header (RFC 6749 2.3.1)."""
    pair = f"{client_id}:{secret}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


def s256(verifier):
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class OauthCase(OperationsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Client = cls.env["endpoint.oauth.client"]
        cls.app = Client.create(
            {
                "name": "Test app",
                "client_type": "public",
                "redirect_uris": oauth_flow.REDIRECT_URI + "\nhttp://127.0.0.1/cb",
                "scopes": "mobile",
                "trusted": True,
            }
        )
        cls.partner_app = Client.create(
            {
                "name": "Partner server",
                "client_type": "confidential",
                "redirect_uris": "https://partner.example.com/cb",
                "scopes": "sales mobile",
                "allow_client_credentials": True,
                "user_id": cls.api_user.id,
            }
        )
        cls.partner_secret = cls.partner_app._generate_secret()

    def setUp(self):
        super().setUp()
        self.headers = {"X-Odoo-Database": self.env.cr.dbname}
        self.addCleanup(
            rate_limit.execute,
            self.env.cr.dbname,
            f"DELETE FROM {rate_limit.TABLE} WHERE endpoint_id = 0",
        )
        self.addCleanup(rate_limit.leases.clear)

    def mobile_endpoints(self):
        self.make_endpoint(
            route="/api/o/mobile",
            auth_type="bearer",
            api_key_scope="mobile",
            exec_as_user_id=False,
            code_snippet=ECHO,
        )
        self.make_endpoint(
            route="/api/o/sales",
            auth_type="bearer",
            api_key_scope="sales",
            exec_as_user_id=False,
            code_snippet=ECHO,
        )
        self.make_endpoint(
            route="/api/o/plain", auth_type="bearer", exec_as_user_id=False, code_snippet=ECHO
        )

    def authorize_url(self, client=None, **params):
        values = {
            "response_type": "code",
            "client_id": (client or self.app).client_id,
            "redirect_uri": oauth_flow.REDIRECT_URI,
            "scope": "mobile",
            "state": "xyz",
        }
        values.update(params)
        return "/oauth/authorize?" + "&".join(
            f"{k}={v}" for k, v in values.items() if v is not None
        )

    def get_code(self, verifier, **params):
        """Log in as the API user and get a code (trusted client)."""
        self.authenticate(self.api_user.login, self.api_user.login)
        response = self.url_open(
            self.authorize_url(
                code_challenge=s256(verifier), code_challenge_method="S256", **params
            ),
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 302, response.text)
        location = response.headers["Location"]
        self.assertTrue(location.startswith(oauth_flow.REDIRECT_URI), location)
        return dict(p.split("=", 1) for p in location.split("?", 1)[1].split("&"))["code"]

    def token(self, **data):
        return self.url_open("/oauth/token", data=data, headers=self.headers)

    def code_tokens(self, verifier=None):
        verifier = verifier or generate_token(48)
        code = self.get_code(verifier)
        response = self.token(
            grant_type="authorization_code",
            code=code,
            redirect_uri=oauth_flow.REDIRECT_URI,
            client_id=self.app.client_id,
            code_verifier=verifier,
        )
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()

    def call(self, path, token):
        return self.request("GET", path, key=token, headers=self.headers)
