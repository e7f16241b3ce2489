# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Bearer access tokens issued by this server (``controllers/oauth.py``),
checked as API keys are (``auth.py``): looked up once per process by the
SHA-256 of the token, then trusted while the key stamp is the one the
lookup saw and until the token expires by the database's clock.

Triggers renew the stamp when a token, its grant or its client is revoked,
archived or deleted, and when a user is archived (``key_stamp.py``), so a
revoked token is refused on the next request on every process, with no
query of its own on the requests before.

A token carries the scopes it was granted; :func:`auth.check_scope` lets it
call the bearer endpoints of one of those scopes only.
"""

import threading
from collections import OrderedDict, namedtuple

from ..core.oauth import tokens as core_tokens
from ..core.request.errors import Unauthorized

_CACHE_SIZE = 4096
_cache = OrderedDict()
_lock = threading.Lock()

_LOOKUP = """
    SELECT t.id, g.user_id, g.scope, t.expires_at, t.expires_at >= now() at time zone 'utc'
      FROM endpoint_oauth_token t
      JOIN endpoint_oauth_grant g ON g.id = t.grant_id
      JOIN endpoint_oauth_client c ON c.id = g.client_id
      JOIN res_users u ON u.id = g.user_id
     WHERE t.token_hash = %s
       AND t.kind = 'access'
       AND NOT coalesce(t.revoked, false)
       AND NOT coalesce(g.revoked, false)
       AND c.active
       AND u.active
"""  # constant SQL
_Verified = namedtuple("_Verified", "token_id uid scopes expires stamp")


def invalid_token(description):
    """The 401 of RFC 6750 3.1 for a token that is not (or no longer) good."""
    return Unauthorized(
        f"Invalid access token: {description}",
        scheme=f'Bearer error="invalid_token", error_description="{description}"',
    )


def verify(cr, token, seen, scope_prefix):
    """(user id, token id, scopes with ``scope_prefix``) of an access token,
    or a 401 ``invalid_token``."""
    key = (cr.dbname, core_tokens.token_hash(token))
    hit = _cache.get(key)
    if hit is not None:
        if hit.stamp == seen.stamp and hit.expires >= seen.now:
            return hit.uid, hit.token_id, hit.scopes
        with _lock:
            _cache.pop(key, None)
    cr.execute(_LOOKUP, [key[1]])
    row = cr.fetchone()
    if row is None:
        raise invalid_token("unknown or revoked")
    token_id, uid, scope, expires, live = row
    if not live:
        raise invalid_token("expired")
    scopes = tuple(scope_prefix + s for s in (scope or "").split())
    with _lock:
        _cache[key] = _Verified(token_id, uid, scopes, expires, seen.stamp)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return uid, token_id, scopes


def forget_all():
    with _lock:
        _cache.clear()
