# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``Idempotency-Key`` (IETF draft ``httpapi-idempotency-key-header``) on
POST and PATCH of every endpoint (PUT and DELETE when it opts in).

The first request with a key runs; its response (status, headers, body) is
stored for 24 hours per endpoint, caller (user and API key) and key. A
repeat with the same key and the same request (method, path, query and body
hash) gets the stored response without running (with ``Idempotent-Replayed:
true``); the same key with another request is a 422; a repeat while the
first is still running is a 409.

Where it is written decides whether it holds:

* the row is inserted and then completed **in the request's transaction**:
  it commits with the work the request did, or rolls back with it. A pass
  Odoo re-runs after a serialization failure is not a repeat (its row
  vanished with its work), and an error that rolls the request back stores
  nothing (the next try runs again);
* concurrent requests are told apart by a transaction-scoped advisory lock
  on (database, endpoint, caller, key), taken without waiting: held by
  another transaction, the first request is still running (409). Taken,
  the other transaction has ended; a row it committed after this
  transaction's snapshot makes the claim (``INSERT ... ON CONFLICT`` under
  REPEATABLE READ) a serialization failure, so Odoo runs the request again
  with a fresh snapshot, which then sees the stored response. The unique
  constraint (endpoint, caller, key) is the last guard, across workers and
  servers.
"""

import base64
import hashlib
import json

from werkzeug.wrappers import Response

from ..core.request import errors as core_errors
from ..core.request import idempotency as core_idempotency

HEADER = core_idempotency.HEADER
TTL_HOURS = core_idempotency.TTL_HOURS
#: CORS headers are set afresh on each answer, replays included (they depend
#: on the request's Origin).
_NOT_STORED = frozenset({"set-cookie", "date", "content-length", "server", "vary"})


class KeyReused(core_errors.ApiError):
    """The key came with another request: a client bug, never retried."""

    status = 422
    error_name = "rest_endpoint.errors.IdempotencyKeyReused"


class Claim:
    """This request's hold on its key: the stored response to replay, or
    the row to complete with the response once built."""

    __slots__ = ("cr", "replay", "row_id")

    def __init__(self, cr, row_id=None, replay=None):
        self.cr, self.row_id, self.replay = cr, row_id, replay

    def store(self, response):
        headers = [
            [name, value]
            for name, value in response.headers.items()
            if name.lower() not in _NOT_STORED and not name.lower().startswith("access-control-")
        ]
        self.cr.execute(
            "UPDATE endpoint_idempotency SET status_code = %s, response_headers = %s, "
            "response_body = %s WHERE id = %s",
            [
                response.status_code,
                json.dumps(headers),
                base64.b64encode(response.get_data()),
                self.row_id,
            ],
        )


def lock_id(dbname, endpoint_id, caller, key):
    """The advisory lock (a signed 64-bit integer) of one key."""
    digest = hashlib.sha256(f"{dbname}\0{endpoint_id}\0{caller}\0{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def claim(dispatcher, compiled, body):
    """None (no key, or a method without keys), or the :class:`Claim` of
    this request; raises 409 (still running) or 422 (another request)."""
    request = dispatcher.request
    httprequest = request.httprequest
    opted_in = compiled.config.get("idempotency_put_delete")
    if not core_idempotency.applies(httprequest.method, opted_in):
        return None
    key = core_idempotency.parse_key(httprequest.headers.getlist(HEADER))
    if key is None:
        return None
    cr = request.env.cr
    caller = f"{dispatcher.caller_uid or 0}:{dispatcher.caller_key_id or 0}"
    digest = hashlib.sha256()
    for part in (httprequest.method, httprequest.path, httprequest.query_string, body or b""):
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    fingerprint = digest.hexdigest()
    # One statement on the common path (a new key): the lock, then the
    # claim. On a read-only pass (a read replica, a read-only route) the
    # INSERT is refused by PostgreSQL (ReadOnlySqlTransaction) whatever it
    # would insert, and Odoo runs the request again on the primary.
    lock = lock_id(cr.dbname, compiled.id, caller, key)
    cr.execute(
        _CLAIM,
        {
            "lock": lock,
            "endpoint": compiled.id,
            "caller": caller,
            "key": key,
            "fingerprint": fingerprint,
            "ttl": TTL_HOURS,
        },
    )
    claimed = cr.fetchone()
    if claimed is not None:
        return Claim(cr, row_id=claimed[0])
    # Nothing claimed: the lock is held by another transaction (taking it
    # again tells: this transaction would hold it already), or a row holds
    # the key.
    cr.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock])
    if not cr.fetchone()[0]:
        raise _still_running()
    # The key is held by a row this transaction sees, stored and not expired.
    cr.execute(
        "SELECT fingerprint, status_code, response_headers, response_body "
        "FROM endpoint_idempotency WHERE endpoint_id = %s AND caller = %s AND idem_key = %s",
        [compiled.id, caller, key],
    )
    row = cr.fetchone()
    if row is None or row[1] is None:  # never committed so: defensive
        raise _still_running()
    if row[0] != fingerprint:
        raise KeyReused(
            f"This {HEADER} was used with another request (method, path, query or "
            "body differ): use a new key for a new request."
        )
    return Claim(cr, replay=_replay(row[1], row[2], row[3]))


#: The advisory lock taken without waiting (held elsewhere: the first request
#: is still running), then the key claimed: a new row, or an expired one
#: taken over. A row this transaction's snapshot does not see (committed
#: since) makes the INSERT a serialization failure under REPEATABLE READ:
#: Odoo runs the request again, and the new pass replays the stored answer.
#: No id back: the lock is held elsewhere, or a visible, unexpired row
#: holds the key.
_CLAIM = """
INSERT INTO endpoint_idempotency (endpoint_id, caller, idem_key, fingerprint, created_at)
SELECT %(endpoint)s, %(caller)s, %(key)s, %(fingerprint)s, now() AT TIME ZONE 'UTC'
WHERE pg_try_advisory_xact_lock(%(lock)s)
ON CONFLICT (endpoint_id, caller, idem_key) DO UPDATE
SET fingerprint = EXCLUDED.fingerprint, created_at = EXCLUDED.created_at,
    status_code = NULL, response_headers = NULL, response_body = NULL
WHERE endpoint_idempotency.created_at
    <= (now() AT TIME ZONE 'UTC') - interval '1 hour' * %(ttl)s
RETURNING id
"""


def _still_running():
    """The 409 of a key whose first request has not committed its answer."""
    return core_errors.Conflict(
        f"A request with this {HEADER} is still being processed: retry later.",
        headers={"Retry-After": "1"},
    )


def _replay(status, headers, body):
    response = Response(base64.b64decode(bytes(body or b"")), status=status)
    response.headers.clear()
    for name, value in json.loads(headers or "[]"):
        response.headers.add(name, value)
    response.headers["Idempotent-Replayed"] = "true"
    return response
