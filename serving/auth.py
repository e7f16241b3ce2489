# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Bearer authentication with Odoo's own API keys, verified once per process.

Odoo stores API keys hashed with pbkdf2 (6000 rounds), which costs about 6.5
ms per check, on every request of JSON-2 or OCA's bearer endpoints. Here a key
is verified with Odoo's own crypt context once; the process then keeps
``HMAC(process secret, key) -> (key id, user id, scope, expiration date,
stamp)``, never the key itself, and trusts it while the database's key stamp
(``key_stamp.py``) is still the one it was verified under and the key has not
expired by the database's clock. Triggers renew the stamp on any change to a
key, to a user's ``active`` flag or to ``database.uuid``, by the ORM or in raw
SQL; ``ir.http._match`` reads it in the statement that reads the published
version (:class:`Seen`), so a bearer request makes no query of its own.
Revoking (deleting) a key, changing it, letting it expire or archiving its
user is therefore refused on the very next request, on every process; and a
database restored or duplicated under the same name is verified afresh.

Scopes. Odoo's keys have a ``scope``: NULL (or ``rpc``) for the global keys
of the user preferences, which open JSON-2 and XML-RPC. Keys of scope
``rest_endpoint:<name>`` (created with the *API key* wizard of the Endpoints
menu) open only the bearer endpoints whose ``api_key_scope`` is ``<name>``
(and ``rest_endpoint:metrics`` the metrics): Odoo's own checks
(``res.users.apikeys._check_credentials(scope='rpc')``) accept only NULL or
``rpc``, so JSON-2 and XML-RPC refuse them. Here an endpoint without a
scope accepts only global keys, and a scoped endpoint only its own scope;
any other valid key is a 403 that says why.
"""

import hashlib
import hmac
import os
import re
import threading
from collections import OrderedDict, namedtuple

from odoo.addons.base.models.res_users import INDEX_SIZE, KEY_CRYPT_CONTEXT

from ..core.oauth import tokens as core_tokens
from ..core.request.errors import Forbidden, Unauthorized
from . import jwt_tokens, key_stamp, oauth_tokens

_SECRET = os.urandom(32)
_CACHE_SIZE = 4096
#: (dbname, keyed hash of the key) -> :class:`_Verified`
_cache = OrderedDict()
_lock = threading.Lock()

_BEARER_RE = re.compile(r"^bearer[ \t]+([\x21-\x7e]+)[ \t]*$", re.IGNORECASE)

#: The longest bearer JWT taken (identity providers' tokens are a few KB).
MAX_JWT_SIZE = 16384
#: The prefix of the scopes of keys made for endpoints (see the module doc).
SCOPE_PREFIX = "rest_endpoint:"
#: What may follow it (an endpoint's ``api_key_scope``).
SCOPE_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
#: Global keys (Odoo's 'rpc' scope "does not really exist": it means NULL)
#: and ours; keys of other modules' scopes are unknown here.
_SCOPES = "(k.scope IS NULL OR k.scope = 'rpc' OR starts_with(k.scope, 'rest_endpoint:'))"

#: Who called: the key's owner, the key's row id and its scope (None: global).
#: OAuth access tokens and JWTs have no key (key_id None) and a tuple of
#: scopes (each with the prefix).
Caller = namedtuple("Caller", "uid key_id scope")
_CANDIDATES = f"""
    SELECT k.id, k.user_id, k.key, k.scope, k.expiration_date
      FROM res_users_apikeys k
      JOIN res_users u ON u.id = k.user_id
     WHERE k.index = %s
       AND u.active
       AND {_SCOPES}
       AND (k.expiration_date IS NULL OR k.expiration_date >= now() at time zone 'utc')
"""  # constant SQL
#: A verification: who, and under which key stamp, until when.
_Verified = namedtuple("_Verified", "key_id uid scope expires stamp")


class Seen:
    """What ``ir.http._match`` read of the key stamp, and the database's
    clock, in the statement that reads the published version.

    ``primary``: read on the primary for a request whose cursor is on a
    replica (``freshness.py``). A key then must be looked up on the primary
    too: a verification is trusted under the stamp it was made under, so
    the rows it reads must be at least as recent as that stamp (a replica
    behind it may still hold a revoked key)."""

    __slots__ = ("dbname", "now", "primary", "stamp")

    def __init__(self, dbname, stamp, now, primary=False):
        self.dbname, self.stamp, self.now = dbname, stamp, now
        self.primary = primary


def read_seen(cr):
    """The key stamp and the database's clock, read by themselves."""
    cr.execute(key_stamp.READ)
    return Seen(cr.dbname, *cr.fetchone())


def bearer_token(header):
    """The token of an ``Authorization: Bearer <token>`` header (the scheme
    is case-insensitive), or a 401 saying what is wrong."""
    if not header:
        raise Unauthorized("Missing Authorization header: send 'Authorization: Bearer <API key>'.")
    match = _BEARER_RE.match(header.strip())
    if not match:
        raise Unauthorized("Malformed Authorization header: expected 'Bearer <API key>'.")
    token = match.group(1)
    longest = MAX_JWT_SIZE if core_tokens.looks_like_jwt(token) else 512
    if len(token) < INDEX_SIZE or len(token) > longest:
        raise Unauthorized("Invalid API key.")
    return token


def _cache_key(dbname, token):
    return dbname, hmac.new(_SECRET, token.encode(), hashlib.sha256).digest()


def verify(cr, header, seen=None):
    """The :class:`Caller` of the bearer key of ``header`` (global keys and
    keys of ``rest_endpoint:*`` scopes), or a 401. ``seen``: the key stamp
    as this request already read it (else it is read here)."""
    token = bearer_token(header)
    if seen is None or seen.dbname != cr.dbname:
        seen = read_seen(cr)
    for accepts, check in CREDENTIALS:
        if accepts(token):
            return check(cr, token, seen)
    cache_key = _cache_key(cr.dbname, token)
    hit = _cache.get(cache_key)
    if hit is not None:
        if hit.stamp == seen.stamp and (hit.expires is None or hit.expires >= seen.now):
            return Caller(hit.uid, hit.key_id, hit.scope)
        # A key changed, expired or was revoked, a user was archived, or it
        # is another database under this name: verify the key afresh.
        with _lock:
            _cache.pop(cache_key, None)
    cr.execute(_CANDIDATES, [token[:INDEX_SIZE]])
    for key_id, uid, hashed, key_scope, expires in cr.fetchall():
        if KEY_CRYPT_CONTEXT.verify(token, hashed):
            scope = None if key_scope in (None, "rpc") else key_scope
            with _lock:
                _cache[cache_key] = _Verified(key_id, uid, scope, expires, seen.stamp)
                while len(_cache) > _CACHE_SIZE:
                    _cache.popitem(last=False)
            return Caller(uid, key_id, scope)
    raise Unauthorized("Invalid API key: unknown, revoked, expired, or its user is archived.")


def _oauth_access_token(cr, token, seen):
    uid, _token_id, scopes = oauth_tokens.verify(cr, token, seen, SCOPE_PREFIX)
    return Caller(uid, None, scopes)


#: The named hook of bearer credentials other than API keys: (accepts(token),
#: check(cr, token, seen) -> Caller), tried in order before API keys. An
#: accepted form that fails its check is a 401, never tried as an API key.
def _trusted_jwt(cr, token, seen):
    uid, scopes = jwt_tokens.verify(cr, token, seen, SCOPE_PREFIX)
    return Caller(uid, None, scopes)


CREDENTIALS = [
    (core_tokens.is_access_token, _oauth_access_token),
    (core_tokens.looks_like_jwt, _trusted_jwt),
]


def check_scope(key_scope, wanted):
    """Refuse (403) a key whose scope is not the one wanted: ``wanted`` None
    accepts global keys only, ``"mobile"`` only ``rest_endpoint:mobile``.
    A tuple of scopes (OAuth tokens, JWTs) opens the endpoints of one of its
    scopes only, never an unscoped endpoint."""
    if isinstance(key_scope, tuple):
        if not wanted or SCOPE_PREFIX + wanted not in key_scope:
            names = " ".join(s.removeprefix(SCOPE_PREFIX) for s in key_scope) or "none"
            raise Forbidden(
                f"This token's scopes ({names}) do not open this endpoint"
                + (f" (scope {wanted!r})." if wanted else " (it has no scope).")
            )
        return
    if wanted:
        expected = SCOPE_PREFIX + wanted
        if key_scope != expected:
            has = f"scope {key_scope!r}" if key_scope else "no scope (a global key)"
            raise Forbidden(
                f"This endpoint accepts only API keys of scope {expected!r}; this key has {has}."
            )
    elif key_scope:
        raise Forbidden(
            f"This API key is limited to scope {key_scope!r} and cannot call this endpoint: "
            "use a global API key (user preferences) or a key of the endpoint's scope."
        )


def authenticate(cr, header, scope=None):
    """Return the id of the user owning the bearer key of ``header``, a key
    of ``scope`` (None: a global key; else a 403)."""
    caller = verify(cr, header)
    check_scope(caller.scope, scope)
    return caller.uid


def forget_all():
    """Drop every cached verification (tests, or after a key leak)."""
    with _lock:
        _cache.clear()
    oauth_tokens.forget_all()
    jwt_tokens.forget_all()
