# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Bearer authentication with Odoo's own API keys, verified once per process.

Odoo stores API keys hashed with pbkdf2 (6000 rounds), which costs about
6.5 ms per check, on every request of JSON-2 or OCA's bearer endpoints. Here a
key is verified with Odoo's own crypt context once; the process then keeps
``HMAC(process secret, key) -> (key id, user id)``, never the key itself, and
on each later request only checks that the key row still exists, has not
expired and belongs to an active user: one primary-key lookup. Revoking
(deleting) a key, letting it expire or archiving its user is therefore
refused on the very next request, on every process.
"""

import hashlib
import hmac
import os
import re
import threading
from collections import OrderedDict

from odoo.addons.base.models.res_users import INDEX_SIZE, KEY_CRYPT_CONTEXT

from .core.errors import Unauthorized

_SECRET = os.urandom(32)
_CACHE_SIZE = 4096
_cache = OrderedDict()  # (dbname, keyed hash) -> (key id, user id)
_lock = threading.Lock()

_BEARER_RE = re.compile(r"^bearer[ \t]+([\x21-\x7e]+)[ \t]*$", re.IGNORECASE)

_CANDIDATES = """
    SELECT k.id, k.user_id, k.key
      FROM res_users_apikeys k
      JOIN res_users u ON u.id = k.user_id
     WHERE k.index = %s
       AND u.active
       AND (k.scope IS NULL OR k.scope = 'rpc')
       AND (k.expiration_date IS NULL OR k.expiration_date >= now() at time zone 'utc')
"""  # constant SQL
_STILL_VALID = """
    SELECT k.user_id
      FROM res_users_apikeys k
      JOIN res_users u ON u.id = k.user_id
     WHERE k.id = %s
       AND u.active
       AND (k.expiration_date IS NULL OR k.expiration_date >= now() at time zone 'utc')
"""


def bearer_token(header):
    """The token of an ``Authorization: Bearer <token>`` header (the scheme
    is case-insensitive), or a 401 saying what is wrong."""
    if not header:
        raise Unauthorized("Missing Authorization header: send 'Authorization: Bearer <API key>'.")
    match = _BEARER_RE.match(header.strip())
    if not match:
        raise Unauthorized("Malformed Authorization header: expected 'Bearer <API key>'.")
    token = match.group(1)
    if len(token) < INDEX_SIZE or len(token) > 512:
        raise Unauthorized("Invalid API key.")
    return token


def authenticate(cr, header):
    """Return the id of the user owning the bearer key of ``header``."""
    token = bearer_token(header)
    digest = hmac.new(_SECRET, token.encode(), hashlib.sha256).digest()
    cache_key = (cr.dbname, digest)
    hit = _cache.get(cache_key)
    if hit is not None:
        key_id, _uid = hit
        cr.execute(_STILL_VALID, [key_id])
        row = cr.fetchone()
        if row:
            return row[0]
        with _lock:
            _cache.pop(cache_key, None)
        raise Unauthorized("Invalid API key: revoked, expired or its user is archived.")
    cr.execute(_CANDIDATES, [token[:INDEX_SIZE]])
    for key_id, uid, hashed in cr.fetchall():
        if KEY_CRYPT_CONTEXT.verify(token, hashed):
            with _lock:
                _cache[cache_key] = (key_id, uid)
                while len(_cache) > _CACHE_SIZE:
                    _cache.popitem(last=False)
            return uid
    raise Unauthorized("Invalid API key.")


def forget_all():
    """Drop every cached verification (tests, or after a key leak)."""
    with _lock:
        _cache.clear()
