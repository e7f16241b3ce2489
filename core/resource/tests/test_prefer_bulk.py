"""``Prefer`` (RFC 7240) and bulk creates of model resources, without Odoo."""

from jsonschema import Draft202012Validator

from core.openapi.document import build_document
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
    meta = listing["responses"]["200"]["content"]["application/json"]["schema"]
    assert "total" not in meta["properties"]["meta"]["required"]
