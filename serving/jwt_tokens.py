# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Bearer JWTs from trusted issuers (``endpoint.jwt.issuer``).

A JWT is verified once per process (signature, ``iss``, ``aud``, ``exp``,
``nbf``, the issuer's algorithms: ``core/oauth/jwt.py``), its user found by
the issuer's claim (active users only), then trusted, by the SHA-256 of the
token, while the key stamp holds and until it expires. The issuers are read
once per key stamp (any change to them renews it); keys of a ``jwks_uri``
are fetched once and again when a token names an unknown ``kid``, at most
once a minute per issuer.
"""

import hashlib
import threading
import time
from collections import OrderedDict, namedtuple
from datetime import UTC, datetime, timedelta

import requests

from ..core.oauth import jwt as core_jwt
from ..core.request.errors import Unauthorized
from ..core.request.logsafe import get_logger

_logger = get_logger(__name__)

_CACHE_SIZE = 4096
REFETCH_INTERVAL = 60
FETCH_TIMEOUT = 5
_lock = threading.Lock()
#: (dbname, token hash) -> _Verified
_cache = OrderedDict()
#: dbname -> (stamp, {iss: Issuer})
_issuers = {}
#: (dbname, issuer id, jwks_uri) -> [keys, monotonic time of the last fetch]
_remote_keys = {}

Issuer = namedtuple("Issuer", "id issuer audience keys jwks_uri user_claim algorithms")
_Verified = namedtuple("_Verified", "uid scopes expires stamp")
_ISSUERS = """
    SELECT id, issuer, audience, jwks, jwks_uri, user_claim, algorithms
      FROM endpoint_jwt_issuer WHERE active
"""  # constant SQL


def invalid_token(description):
    return Unauthorized(
        f"Invalid JWT: {description}",
        scheme=f'Bearer error="invalid_token", error_description="{description}"',
    )


def _load_issuers(cr, seen):
    held = _issuers.get(cr.dbname)
    if held is not None and held[0] == seen.stamp:
        return held[1]
    cr.execute(_ISSUERS)
    issuers = {}
    for row_id, iss, audience, jwks, jwks_uri, claim, algorithm_list in cr.fetchall():
        try:
            keys = core_jwt.parse_jwks(jwks) if jwks else {}
            algorithms = core_jwt.parse_algorithms(algorithm_list)
        except ValueError:
            _logger.warning("JWT issuer #%s has an unusable configuration: skipped", row_id)
            continue
        issuers[iss] = Issuer(row_id, iss, audience, keys, jwks_uri, claim, algorithms)
    _issuers[cr.dbname] = (seen.stamp, issuers)
    return issuers


def _fetch_jwks(uri):
    """The keys published at ``uri`` (a JWKS document)."""
    response = requests.get(uri, timeout=FETCH_TIMEOUT)
    response.raise_for_status()
    return core_jwt.parse_jwks(response.json())


def _keys(dbname, issuer, kid):
    """The issuer's keys: its JWKS text, else its ``jwks_uri``'s, fetched
    when not held or when ``kid`` is unknown (at most once a minute)."""
    if issuer.keys or not issuer.jwks_uri:
        return issuer.keys
    slot = (dbname, issuer.id, issuer.jwks_uri)
    held = _remote_keys.get(slot)
    now = time.monotonic()
    if held is None or (kid not in held[0] and now - held[1] >= REFETCH_INTERVAL):
        with _lock:
            held = _remote_keys.get(slot)
            if held is None or (kid not in held[0] and now - held[1] >= REFETCH_INTERVAL):
                try:
                    keys = _fetch_jwks(issuer.jwks_uri)
                except (requests.RequestException, ValueError) as exc:
                    _logger.warning("JWKS of issuer #%s not fetched: %s", issuer.id, exc)
                    keys = held[0] if held else {}
                held = _remote_keys[slot] = [keys, now]
    return held[0]


def verify(cr, token, seen, scope_prefix):
    """(user id, scopes with ``scope_prefix``) of a trusted JWT, or a 401."""
    key = (cr.dbname, hashlib.sha256(token.encode()).hexdigest())
    hit = _cache.get(key)
    if hit is not None:
        if hit.stamp == seen.stamp and hit.expires >= seen.now:
            return hit.uid, hit.scopes
        with _lock:
            _cache.pop(key, None)
    try:
        header, unverified = core_jwt.unverified_claims(token)
        issuer = _load_issuers(cr, seen).get(unverified.get("iss"))
        if issuer is None:
            raise core_jwt.InvalidJwt("unknown issuer")
        keys = _keys(cr.dbname, issuer, header.get("kid"))
        claims = core_jwt.verify(
            token, header, keys, issuer.issuer, issuer.audience, issuer.algorithms
        )
    except core_jwt.InvalidJwt as exc:
        raise invalid_token(str(exc)) from None
    login = claims.get(issuer.user_claim)
    if not isinstance(login, str) or not login:
        raise invalid_token(f"no {issuer.user_claim!r} claim")
    cr.execute("SELECT id FROM res_users WHERE login = %s AND active", [login])
    row = cr.fetchone()
    if row is None:
        raise invalid_token("no active user for this token")
    scopes = tuple(scope_prefix + s for s in core_jwt.scopes_of(claims))
    expires = datetime.fromtimestamp(claims["exp"], UTC).replace(tzinfo=None)
    expires += timedelta(seconds=core_jwt.LEEWAY)
    with _lock:
        _cache[key] = _Verified(row[0], scopes, expires, seen.stamp)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return row[0], scopes


def forget_all():
    with _lock:
        _cache.clear()
        _issuers.clear()
        _remote_keys.clear()
