"""``Prefer`` (RFC 7240), bulk creates and ``Idempotency-Key`` of model
resources, without Odoo."""

import pytest
from jsonschema import Draft202012Validator

from core.openapi.document import build_document
from core.request.errors import BadRequest
from core.request.idempotency import applies, parse_key
from core.resource.cursor import Cursor, encode
from core.resource.headers import preferences
from core.resource.values import field_meta


def test_preferences():
    assert preferences(None) == {}
    assert preferences('return=minimal; foo="bar", COUNT=none,respond-async') == {
        "return": "minimal",
        "count": "none",
        "respond-async": "",
    }
    assert preferences("return=minimal, return=representation") == {"return": "minimal"}
    assert preferences('return="minimal"') == {"return": "minimal"}


def test_openapi_bulk_and_prefer():
    resource = {
        "model": "res.partner",
        "fields": [field_meta("name", "char", required=True, writable=True)],
        "domain": [],
        "operations": ["list", "create", "update"],
        "page_size": 20,
        "max_batch": 3,
    }
    config = {
        "id": 1,
        "name": "P",
        "route": "/api/p",
        "method": "GET",
        "route_type": "http",
        "auth_type": "bearer",
        "exec_mode": "resource",
        "resource": resource,
    }
    document = build_document([config], server_url="/")
    post = document["paths"]["/api/p"]["post"]
    assert "Prefer" in [p["name"] for p in post["parameters"]]
    body = post["requestBody"]["content"]["application/json"]["schema"]
    # the $refs point into #/components: validate from a root that has them
    validator = Draft202012Validator({**body, "components": document["components"]})
    assert validator.is_valid({"name": "a"})
    assert validator.is_valid([{"name": "a"}, {"name": "b"}])
    assert not validator.is_valid([])
    assert not validator.is_valid([{"name": "a"}] * 4)  # max_batch
    patch = document["paths"]["/api/p/{id}"]["patch"]
    assert "204" in patch["responses"]
    listing = document["paths"]["/api/p"]["get"]
    page, sync = listing["responses"]["200"]["content"]["application/json"]["schema"]["oneOf"]
    assert "total" not in page["properties"]["meta"]["required"]
    # offline sync: the after parameter, the sync page, 410 for an expired cursor
    after = next(p for p in listing["parameters"] if p["name"] == "after")
    assert {"410", "503"} <= set(listing["responses"])
    assert "cursor" in sync["properties"]["meta"]["required"]
    answer = Draft202012Validator(
        {**listing["responses"]["200"]["content"]["application/json"]["schema"], **document}
    )
    cursor = encode(Cursor("1:2:", "3:4:", 5), "s", "/api/p")
    sync_answer = {
        "status": "success",
        "data": [{"id": 5, "name": "a"}],
        "deleted": [3],
        "meta": {"limit": 20, "more": True, "cursor": cursor},
    }
    assert answer.is_valid(sync_answer)
    assert not answer.is_valid({**sync_answer, "meta": {"limit": 20, "offset": 0}})
    param = Draft202012Validator(after["schema"])
    assert param.is_valid(cursor) and param.is_valid("") and not param.is_valid("a b")


def test_idempotency_key_parsing_and_documentation():
    assert parse_key([]) is None
    assert parse_key(['"abc-1"']) == "abc-1" and parse_key([" k "]) == "k"
    for bad in (["a", "b"], [""], ["x" * 256], ["with space"], ["é"]):
        with pytest.raises(BadRequest):
            parse_key(bad)
    assert applies("POST", False) and applies("PATCH", False)
    assert not applies("PUT", False) and applies("PUT", True) and applies("DELETE", True)
    assert not applies("GET", True)
    resource = {
        "model": "res.partner",
        "fields": [field_meta("name", "char", writable=True)],
        "operations": ["list", "create", "update", "delete"],
    }
    config = {
        "id": 1,
        "name": "P",
        "route": "/api/p",
        "method": "GET",
        "route_type": "http",
        "auth_type": "bearer",
        "exec_mode": "resource",
        "resource": resource,
    }
    for opted_in, expected in (
        (False, {"post", "patch"}),
        (True, {"post", "patch", "put", "delete"}),
    ):
        document = build_document([dict(config, idempotency_put_delete=opted_in)], server_url="/")
        found = {
            method
            for item in document["paths"].values()
            for method, op in item.items()
            if "Idempotency-Key" in [p["name"] for p in op.get("parameters", [])]
            and "422" in op["responses"]
        }
        assert found == expected
