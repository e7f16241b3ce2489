# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The authorization code flow with PKCE, and the token endpoint."""

from authlib.common.security import generate_token

from odoo.tests import tagged

from . import oauth_flow
from .oauth_case import OauthCase, basic, s256


@tagged("post_install", "-at_install")
class TestOauthFlow(OauthCase):
    def test_real_client_code_pkce_refresh_reuse_revoke(self):
        """Authlib's OAuth2Session signs in through Odoo's login form."""
        self.mobile_endpoints()
        self.authenticate(None, None)  # a browser with a session cookie (no user)
        session, metadata = oauth_flow.sign_in(
            self.base_url(),
            self.app.client_id,
            "mobile",
            self.api_user.login,
            self.api_user.login,
            headers=self.headers,
            browser=self.opener,  # HttpCase's: it sends the test cursor cookie itself
            around=self.allow_requests,  # the same for the app's own requests
        )
        first = dict(session.token)
        with self.allow_requests():
            second = session.refresh_token(metadata["token_endpoint"])
        self.assertEqual(first["scope"], "mobile")
        response = self.call("/api/o/mobile", first["access_token"])
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["user"], self.api_user.login)
        # refresh (above, by the client library) rotates the refresh token
        self.assertNotEqual(second["refresh_token"], first["refresh_token"])
        self.assertEqual(self.call("/api/o/mobile", second["access_token"]).status_code, 200)
        # reuse of the first refresh token revokes the whole family
        response = self.token(
            grant_type="refresh_token",
            refresh_token=first["refresh_token"],
            client_id=self.app.client_id,
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"], "invalid_grant")
        for token in (first["access_token"], second["access_token"]):
            response = self.call("/api/o/mobile", token)
            self.assertEqual(response.status_code, 401)
            self.assertIn('error="invalid_token"', response.headers["WWW-Authenticate"])
        response = self.token(
            grant_type="refresh_token",
            refresh_token=second["refresh_token"],
            client_id=self.app.client_id,
        )
        self.assertEqual(response.json()["error"], "invalid_grant")

    def test_no_pkce_and_plain_pkce_refused(self):
        self.authenticate(self.api_user.login, self.api_user.login)
        for params in (
            {},
            {"code_challenge": "a" * 43, "code_challenge_method": "plain"},
            {"code_challenge": s256("b" * 43)},  # no method means plain
        ):
            with self.subTest(params=params):
                response = self.url_open(self.authorize_url(**params), allow_redirects=False)
                self.assertEqual(response.status_code, 302)
                location = response.headers["Location"]
                self.assertIn("error=invalid_request", location)
                self.assertNotIn("code=", location)

    def test_wrong_verifier_refused(self):
        verifier = generate_token(48)
        code = self.get_code(verifier)
        response = self.token(
            grant_type="authorization_code",
            code=code,
            redirect_uri=oauth_flow.REDIRECT_URI,
            client_id=self.app.client_id,
            code_verifier=generate_token(48),
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"], "invalid_grant")

    def test_code_used_twice_revokes_its_tokens(self):
        self.mobile_endpoints()
        verifier = generate_token(48)
        code = self.get_code(verifier)
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": oauth_flow.REDIRECT_URI,
            "client_id": self.app.client_id,
            "code_verifier": verifier,
        }
        first = self.token(**data)
        self.assertEqual(first.status_code, 200, first.text)
        access = first.json()["access_token"]
        self.assertEqual(self.call("/api/o/mobile", access).status_code, 200)
        second = self.token(**data)
        self.assertEqual(second.status_code, 400)
        self.assertEqual(second.json()["error"], "invalid_grant")
        self.assertEqual(self.call("/api/o/mobile", access).status_code, 401)

    def test_redirect_mismatch_never_redirects(self):
        self.authenticate(self.api_user.login, self.api_user.login)
        for params in (
            {"redirect_uri": "com.evil.app:/cb"},
            {"client_id": "nobody"},
        ):
            with self.subTest(params=params):
                url = self.authorize_url(
                    code_challenge=s256("c" * 43), code_challenge_method="S256", **params
                )
                response = self.url_open(url, allow_redirects=False)
                self.assertEqual(response.status_code, 400)
                self.assertNotIn("Location", response.headers)
                self.assertEqual(response.headers["X-Frame-Options"], "DENY")
        # the token endpoint refuses a code sent with another redirect URI
        verifier = generate_token(48)
        code = self.get_code(verifier)
        response = self.token(
            grant_type="authorization_code",
            code=code,
            redirect_uri="http://127.0.0.1/cb",
            client_id=self.app.client_id,
            code_verifier=verifier,
        )
        self.assertEqual(response.json()["error"], "invalid_grant")

    def test_not_logged_in_goes_to_odoo_login(self):
        self.authenticate(None, None)
        url = self.authorize_url(code_challenge=s256("d" * 43), code_challenge_method="S256")
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, 303, response.text)
        self.assertIn("/web/login?redirect=", response.headers["Location"])

    def test_consent_page_for_untrusted_client(self):
        self.app.trusted = False
        self.authenticate(None, None)
        login = self.api_user.login
        with self.allow_requests():
            metadata = oauth_flow.discover(self.base_url(), self.headers, self.opener.cookies)
        session = oauth_flow.new_session(self.app.client_id, "mobile", metadata)
        url = metadata["authorization_endpoint"]
        verifier = generate_token(48)
        url, _state = session.create_authorization_url(url, code_verifier=verifier)
        denied = oauth_flow.browse_to_callback(self.opener, url, login, login, consent="deny")
        allowed = oauth_flow.browse_to_callback(self.opener, url, login, login, consent="allow")
        self.assertIn("error=access_denied", denied)
        self.assertIn("code=", allowed)
        page = self.url_open(url, allow_redirects=False)
        self.assertEqual(page.headers["X-Frame-Options"], "DENY")
        self.assertIn("frame-ancestors 'none'", page.headers["Content-Security-Policy"])
        # the consent POST needs Odoo's CSRF token
        response = self.url_open(
            "/oauth/authorize",
            data={"decision": "allow", "client_id": self.app.client_id},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)

    def test_client_credentials(self):
        self.mobile_endpoints()
        response = self.url_open(
            "/oauth/token",
            data={"grant_type": "client_credentials", "scope": "sales"},
            headers={**self.headers, **basic(self.partner_app.client_id, self.partner_secret)},
        )
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        self.assertNotIn("refresh_token", body)
        self.assertEqual(self.call("/api/o/sales", body["access_token"]).status_code, 200)
        self.assertEqual(self.call("/api/o/mobile", body["access_token"]).status_code, 403)
        bad = self.url_open(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            headers={**self.headers, **basic(self.partner_app.client_id, "wrong")},
        )
        self.assertEqual(bad.status_code, 401)
        self.assertEqual(bad.json()["error"], "invalid_client")
        # a public client may not use client credentials
        response = self.token(grant_type="client_credentials", client_id=self.app.client_id)
        self.assertIn(response.json()["error"], ("invalid_client", "unauthorized_client"))

    def test_token_rate_limit_per_client_and_address(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "rest_endpoint.oauth_token_rate_limit", "2"
        )
        for _n in range(2):
            response = self.token(grant_type="client_credentials", client_id="rl-client")
            self.assertEqual(response.status_code, 401)  # counted, then refused
        response = self.token(grant_type="client_credentials", client_id="rl-client")
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response.json()["error"], "slow_down")
        self.assertIn("Retry-After", response.headers)
        # another client from the same address is counted apart
        response = self.token(grant_type="client_credentials", client_id="rl-other")
        self.assertEqual(response.status_code, 401)
