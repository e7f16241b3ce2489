"""The sync cursor: opaque, tamper-evident, bound to its endpoint."""

import json

import pytest

from core.request.errors import BadRequest
from core.resource import cursor as mod
from core.resource.cursor import Cursor, decode, encode, next_cursor

SECRET = "s3cret"
ROUTE = "/api/v1/customers"


def test_round_trip():
    for cursor in (Cursor(), Cursor("10:12:"), Cursor("10:12:10", "12:15:13,14", 42)):
        text = encode(cursor, SECRET, ROUTE)
        assert "12:15" not in text  # opaque
        assert decode(text, SECRET, ROUTE) == cursor


def test_empty_is_initial():
    assert decode("", SECRET, ROUTE) == Cursor()


def test_refused_elsewhere_or_edited():
    text = encode(Cursor("10:12:", "12:15:", 7), SECRET, ROUTE)
    for args in ((text, "other", ROUTE), (text, SECRET, "/api/v1/other")):
        with pytest.raises(BadRequest, match="not a sync cursor"):
            decode(*args)
    body, mac = text.split(".")
    forged = encode(Cursor("1:2:", "12:15:", 7), SECRET, ROUTE).split(".")[0]
    for bad in (f"{forged}.{mac}", body, f"{body}.{mac}x", f"{body}.", "a.b.c", "x" * 8001):
        with pytest.raises(BadRequest):
            decode(bad, SECRET, ROUTE)


def test_signed_garbage_refused():
    """Even a correctly signed payload must have the cursor's shape."""
    for payload in ([1, 2, 3], ["x", None, None], [None, None, 5], [None, "1:2:", -1], {}):
        raw = json.dumps(payload).encode()
        mac = mod._mac(SECRET, ROUTE, raw)
        text = f"{mod._b64(raw)}.{mod._b64(mac)}"
        with pytest.raises(BadRequest):
            decode(text, SECRET, ROUTE)


def test_next_cursor():
    start = Cursor("10:12:", None, None)
    assert next_cursor(start, "20:21:", 9, True) == Cursor("10:12:", "20:21:", 9)
    assert next_cursor(Cursor("10:12:", "20:21:", 9), "20:21:", 30, False) == Cursor(
        "20:21:", None, None
    )
