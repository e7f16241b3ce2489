"""JWT checks: the negatives of issue 20 at the pure level (alg none, HMAC,
wrong audience, expired, bad signature, unknown kid) and the scope claims."""

import base64
import hashlib
import hmac
import json
import time

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ..jwt import InvalidJwt, parse_algorithms, parse_jwks, scopes_of, unverified_claims, verify

ISS, AUD = "https://idp.example.com", "odoo-api"


@pytest.fixture(scope="module")
def keys():
    rsa_key = rsa.generate_private_key(65537, 2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    jwks = {"keys": []}
    for kid, key, alg in (("r1", rsa_key, "RS256"), ("e1", ec_key, "ES256")):
        cls = pyjwt.algorithms.RSAAlgorithm if alg == "RS256" else pyjwt.algorithms.ECAlgorithm
        public = json.loads(cls.to_jwk(key.public_key()))
        public.update(kid=kid, alg=alg, use="sig")
        jwks["keys"].append(public)
    return {"rsa": rsa_key, "ec": ec_key, "jwks": jwks}


def make(key, alg="RS256", kid="r1", **claims):
    now = int(time.time())
    body = {"iss": ISS, "aud": AUD, "exp": now + 300, "iat": now, "email": "a@example.com"}
    body.update(claims)
    return pyjwt.encode(body, key, algorithm=alg, headers={"kid": kid} if kid else None)


def check(token, keys, algorithms=("RS256", "ES256"), audience=AUD):
    header, _claims = unverified_claims(token)
    return verify(token, header, parse_jwks(keys["jwks"]), ISS, audience, list(algorithms))


def test_rs256_and_es256_verify(keys):
    assert check(make(keys["rsa"]), keys)["email"] == "a@example.com"
    assert check(make(keys["ec"], "ES256", "e1"), keys)["iss"] == ISS


def test_alg_none_refused(keys):
    token = pyjwt.encode({"iss": ISS, "aud": AUD, "exp": time.time() + 60}, None, algorithm="none")
    with pytest.raises(InvalidJwt, match="not allowed"):
        check(token, keys)


def test_hmac_refused_even_with_the_public_key_as_secret(keys):
    # algorithm confusion: HS256 signed with the RSA public key's JWK text
    # (built by hand: PyJWT itself refuses to sign with a JWK-looking secret)
    secret = json.dumps(keys["jwks"]["keys"][0]).encode()

    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    claims = {"iss": ISS, "aud": AUD, "exp": int(time.time()) + 60}
    signing = b64(b'{"alg":"HS256","kid":"r1"}') + b"." + b64(json.dumps(claims).encode())
    signature = hmac.new(secret, signing, hashlib.sha256).digest()
    token = (signing + b"." + b64(signature)).decode()
    with pytest.raises(InvalidJwt, match="not allowed"):
        check(token, keys)
    with pytest.raises(ValueError):
        parse_algorithms("RS256 HS256")
    with pytest.raises(ValueError):
        parse_algorithms("none")
    # an oct key in a JWKS is dropped
    assert parse_jwks({"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "h"}]}) == {}


def test_wrong_audience_issuer_expired_nbf(keys):
    with pytest.raises(InvalidJwt, match=r"(?i)audience"):
        check(make(keys["rsa"], aud="someone-else"), keys)
    with pytest.raises(InvalidJwt, match=r"(?i)issuer"):
        check(make(keys["rsa"], iss="https://evil.example.com"), keys)
    with pytest.raises(InvalidJwt, match="expired"):
        check(make(keys["rsa"], exp=int(time.time()) - 120), keys)
    # within the leeway: accepted
    assert check(make(keys["rsa"], exp=int(time.time()) - 5), keys)
    with pytest.raises(InvalidJwt):
        check(make(keys["rsa"], nbf=int(time.time()) + 600), keys)
    with pytest.raises(InvalidJwt, match="exp"):
        no_exp = pyjwt.encode({"iss": ISS, "aud": AUD}, keys["rsa"], "RS256", {"kid": "r1"})
        check(no_exp, keys)


def test_bad_signature_and_unknown_kid(keys):
    other = rsa.generate_private_key(65537, 2048)
    with pytest.raises(InvalidJwt, match="Signature"):
        check(make(other), keys)
    with pytest.raises(InvalidJwt, match="kid"):
        check(make(keys["rsa"], kid="unknown"), keys)
    # an algorithm the issuer does not allow
    with pytest.raises(InvalidJwt, match="not allowed"):
        check(make(keys["ec"], "ES256", "e1"), keys, algorithms=("RS256",))
    with pytest.raises(InvalidJwt, match="malformed"):
        unverified_claims("eyJ.not.ajwt")


def test_scopes():
    assert scopes_of({"scope": "mobile sales"}) == ["mobile", "sales"]
    assert scopes_of({"scp": ["mobile"]}) == ["mobile"]
    assert scopes_of({"scp": "mobile sales"}) == ["mobile", "sales"]
    assert scopes_of({}) == []
