# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The offline sync cursor of a model resource (``after=<cursor>``), without Odoo.

A cursor says what a caller already has, in PostgreSQL terms:

* ``base``: the snapshot (``pg_snapshot`` text, ``xmin:xmax:xip,...``) the
  caller's copy is complete at, or None for an initial read (nothing yet);
* ``upto``: the snapshot the current batch is read up to (set from the
  batch's first page on, so that its pages read one fixed set of changes);
* ``key``: the last record id of the batch already served (its pages go by
  id), or None at a batch's start.

It is opaque to callers (base64url JSON) and tamper-evident: an HMAC-SHA256
with the database secret over the payload and the endpoint's route, so a
cursor is refused by another endpoint, another database, or once edited.
"""

import base64
import binascii
import hashlib
import hmac
import json
import re
from typing import NamedTuple

from ..request.errors import BadRequest

_SNAPSHOT_RE = re.compile(r"[0-9]{1,20}:[0-9]{1,20}:(?:[0-9]{1,20}(?:,[0-9]{1,20})*)?")
MAX_TEXT = 8000  # fits a URL; a snapshot lists the transactions in progress
_SALT = b"rest_endpoint.sync.v1\n"


class Cursor(NamedTuple):
    base: str | None = None
    upto: str | None = None
    key: int | None = None


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret, route, payload):
    key = hashlib.sha256(_SALT + secret.encode()).digest()
    return hmac.new(key, route.encode() + b"\n" + payload, hashlib.sha256).digest()


def encode(cursor, secret, route):
    """The opaque text of ``cursor`` for the endpoint at ``route``."""
    payload = json.dumps(list(cursor), separators=(",", ":")).encode()
    return f"{_b64(payload)}.{_b64(_mac(secret, route, payload))}"


def _invalid():
    return BadRequest(
        "Query parameter 'after': not a sync cursor of this resource. Send the cursor of "
        "the previous answer (meta.cursor) unchanged, or an empty value to start over."
    )


def decode(text, secret, route):
    """The :class:`Cursor` of ``text`` (empty: an initial read), or a 400."""
    if text == "":
        return Cursor()
    if len(text) > MAX_TEXT or text.count(".") != 1:
        raise _invalid()
    body, mac = text.split(".")
    try:
        payload, mac = _unb64(body), _unb64(mac)
    except (binascii.Error, ValueError):
        raise _invalid() from None
    if not hmac.compare_digest(mac, _mac(secret, route, payload)):
        raise _invalid()
    try:
        base, upto, key = json.loads(payload)
    except ValueError:
        raise _invalid() from None
    for snapshot in (base, upto):
        if snapshot is not None and not (
            isinstance(snapshot, str) and _SNAPSHOT_RE.fullmatch(snapshot)
        ):
            raise _invalid()
    if key is not None and (type(key) is not int or key < 0):
        raise _invalid()
    if upto is None and key is not None:
        raise _invalid()
    return Cursor(base, upto, key)


def next_cursor(cursor, upto, last_id, more):
    """The cursor after a page: the same batch from ``last_id`` on while
    ``more``, else the next batch, from the snapshot this one read up to."""
    if more:
        return Cursor(cursor.base, upto, last_id)
    return Cursor(upto, None, None)
