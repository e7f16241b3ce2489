# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Bearer endpoints with JWTs from a trusted issuer, over HTTP."""

import json
import time
from unittest.mock import patch

import jwt as pyjwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..core.oauth import jwt as core_jwt
from ..serving import jwt_tokens
from .oauth_case import OauthCase

ISS, AUD = "https://idp.example.com/realms/main", "odoo-api"


def public_jwk(key, kid, alg):
    cls = pyjwt.algorithms.RSAAlgorithm if alg.startswith("RS") else pyjwt.algorithms.ECAlgorithm
    jwk = json.loads(cls.to_jwk(key.public_key()))
    jwk.update(kid=kid, alg=alg, use="sig")
    return jwk


@tagged("post_install", "-at_install")
class TestOauthJwt(OauthCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rsa = rsa.generate_private_key(65537, 2048)
        cls.ec = ec.generate_private_key(ec.SECP256R1())
        cls.jwks = {"keys": [public_jwk(cls.rsa, "r1", "RS256"), public_jwk(cls.ec, "e1", "ES256")]}
        cls.issuer = cls.env["endpoint.jwt.issuer"].create(
            {"name": "IdP", "issuer": ISS, "audience": AUD, "jwks": json.dumps(cls.jwks)}
        )

    def setUp(self):
        super().setUp()
        self.mobile_endpoints()
        self.addCleanup(jwt_tokens.forget_all)

    def jwt(self, key=None, alg="RS256", kid="r1", **claims):
        now = int(time.time())
        body = {"iss": ISS, "aud": AUD, "exp": now + 300, "iat": now, "scope": "mobile"}
        body["email"] = self.api_user.login
        body.update(claims)
        return pyjwt.encode(body, key or self.rsa, algorithm=alg, headers={"kid": kid})

    def assertRefused(self, token, status=401):
        response = self.call("/api/o/mobile", token)
        self.assertEqual(response.status_code, status, response.text)
        if status == 401:
            self.assertIn('error="invalid_token"', response.headers["WWW-Authenticate"])
        return response

    def test_rs256_es256_and_scope_rule(self):
        response = self.call("/api/o/mobile", self.jwt())
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["user"], self.api_user.login)
        self.assertEqual(
            self.call("/api/o/mobile", self.jwt(self.ec, "ES256", "e1")).status_code, 200
        )
        # scp (a list) instead of scope
        token = self.jwt(scope=None, scp=["mobile"])
        self.assertEqual(self.call("/api/o/mobile", token).status_code, 200)
        # the same scope rule as access tokens
        self.assertEqual(self.call("/api/o/sales", self.jwt()).status_code, 403)
        self.assertEqual(self.call("/api/o/plain", self.jwt()).status_code, 403)

    def test_negatives(self):
        other = rsa.generate_private_key(65537, 2048)
        now = int(time.time())
        none_token = pyjwt.encode(
            {"iss": ISS, "aud": AUD, "exp": now + 300, "email": self.api_user.login},
            None,
            algorithm="none",
        )
        hmac_token = pyjwt.encode(
            {"iss": ISS, "aud": AUD, "exp": now + 300, "email": self.api_user.login},
            "a shared secret of 32 bytes or more!!",
            algorithm="HS256",
            headers={"kid": "r1"},
        )
        cases = {
            "alg none": none_token,
            "HMAC": hmac_token,
            "wrong audience": self.jwt(aud="another-api"),
            "unknown issuer": self.jwt(iss="https://evil.example.com"),
            "expired": self.jwt(exp=now - 120),
            "not yet valid": self.jwt(nbf=now + 600),
            "bad signature": self.jwt(other),
            "unknown kid": self.jwt(kid="nope"),
            "unknown user": self.jwt(email="nobody@example.com"),
        }
        for name, token in cases.items():
            with self.subTest(name):
                self.assertRefused(token)

    def test_revocation_through_the_stamp(self):
        token = self.jwt()
        self.assertEqual(self.call("/api/o/mobile", token).status_code, 200)
        self.api_user.active = False
        self.assertRefused(token)
        self.api_user.active = True
        self.assertEqual(self.call("/api/o/mobile", token).status_code, 200)
        self.issuer.active = False
        self.assertRefused(token)

    def test_algorithms_never_none_or_hmac(self):
        for algorithms in ("none", "HS256", "RS256 HS512"):
            with (
                self.subTest(algorithms),
                self.assertRaises(ValidationError),
                self.env.cr.savepoint(),
            ):
                self.issuer.algorithms = algorithms

    def test_jwks_uri_fetched_and_refetched_at_a_bounded_rate(self):
        self.issuer.write({"jwks": False, "jwks_uri": "https://idp.example.com/jwks"})
        first = {"keys": [public_jwk(self.rsa, "r1", "RS256")]}
        fetched = []

        def fetch(uri):
            fetched.append(uri)
            return core_jwt.parse_jwks(first if len(fetched) == 1 else self.jwks)

        with patch.object(jwt_tokens, "_fetch_jwks", side_effect=fetch):
            self.assertEqual(self.call("/api/o/mobile", self.jwt()).status_code, 200)
            self.assertEqual(self.call("/api/o/mobile", self.jwt(iat=1)).status_code, 200)
            self.assertEqual(len(fetched), 1)  # cached
            # an unknown kid: fetched again at most once a minute
            with patch.object(jwt_tokens, "REFETCH_INTERVAL", 3600):
                self.assertRefused(self.jwt(self.ec, "ES256", "e1"))
                self.assertEqual(len(fetched), 1)
            with patch.object(jwt_tokens, "REFETCH_INTERVAL", 0):
                token = self.jwt(self.ec, "ES256", "e1")
                self.assertEqual(self.call("/api/o/mobile", token).status_code, 200)
                self.assertEqual(len(fetched), 2)
