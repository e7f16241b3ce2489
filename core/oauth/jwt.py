"""Checks of JWTs from trusted issuers, on PyJWT.

Only asymmetric algorithms are ever accepted: ``none`` and the HMAC family
(``HS*``) are refused whatever an issuer's configuration says, since an
HMAC key would be the issuer's public key, known to anyone (the classic
algorithm confusion). The header's ``alg`` must be one the issuer allows,
the signature must verify with the issuer's key of the header's ``kid``,
and ``iss``, ``aud``, ``exp`` (required) and ``nbf`` are checked with a small
leeway for clock skew.
"""

import json

import jwt as pyjwt

#: The asymmetric algorithms an issuer may allow.
ASYMMETRIC = frozenset(
    ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
)
DEFAULT_ALGORITHMS = "RS256 ES256"
LEEWAY = 30


class InvalidJwt(Exception):
    """A JWT refused, with why (safe to show the caller)."""


def parse_algorithms(text):
    """The algorithms of a space-separated list; ValueError for ``none``,
    HMAC or anything not asymmetric."""
    algorithms = (text or DEFAULT_ALGORITHMS).split()
    bad = [a for a in algorithms if a not in ASYMMETRIC]
    if bad:
        raise ValueError(
            f"Algorithms {', '.join(bad)} are not allowed: only asymmetric ones "
            f"({', '.join(sorted(ASYMMETRIC))}); never none or HMAC."
        )
    return algorithms


def parse_jwks(text):
    """{kid: PyJWK} of a JWKS document (keys without ``kid`` under None);
    ValueError for a document that is not one."""
    try:
        document = json.loads(text) if isinstance(text, (str, bytes)) else text
        keyset = pyjwt.PyJWKSet.from_dict(document)
    except (ValueError, TypeError, pyjwt.PyJWTError) as exc:
        raise ValueError(f"Not a usable JWKS document: {exc}") from exc
    keys = {}
    for key in keyset.keys:
        if key.key_type == "oct":
            continue  # a symmetric key is never a trusted issuer's key
        keys[key.key_id] = key
    return keys


def unverified_claims(token):
    """The header and claims of ``token``, not verified: to find its issuer."""
    try:
        header = pyjwt.get_unverified_header(token)
        claims = pyjwt.decode(token, options={"verify_signature": False})
    except pyjwt.PyJWTError as exc:
        raise InvalidJwt(f"malformed JWT ({exc})") from exc
    if not isinstance(claims, dict):
        raise InvalidJwt("malformed JWT claims")
    return header, claims


def verify(token, header, keys, issuer, audience, algorithms, leeway=LEEWAY):
    """The verified claims of ``token`` (its ``header`` already read), else
    :class:`InvalidJwt`."""
    alg = header.get("alg")
    allowed = [a for a in algorithms if a in ASYMMETRIC]
    if alg not in allowed:
        raise InvalidJwt(f"algorithm {alg!r} is not allowed for this issuer")
    key = keys.get(header.get("kid"))
    if key is None and header.get("kid") is None and len(keys) == 1:
        key = next(iter(keys.values()))
    if key is None:
        raise InvalidJwt("unknown signing key (kid)")
    try:
        return pyjwt.decode(
            token,
            key.key,
            algorithms=[alg],
            audience=audience,
            issuer=issuer,
            leeway=leeway,
            options={"require": ["exp", "iss", "aud"]},
        )
    except pyjwt.ExpiredSignatureError as exc:
        raise InvalidJwt("expired") from exc
    except pyjwt.PyJWTError as exc:
        raise InvalidJwt(str(exc)) from exc


def scopes_of(claims):
    """The scopes of verified claims: ``scope`` (space-separated) or
    ``scp`` (a list, or a string as Entra ID sends)."""
    scope = claims.get("scope")
    if isinstance(scope, str):
        return scope.split()
    scp = claims.get("scp")
    if isinstance(scp, str):
        return scp.split()
    if isinstance(scp, list):
        return [s for s in scp if isinstance(s, str)]
    return []
