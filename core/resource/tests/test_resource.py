"""Model resources without Odoo: values, query parsing, body schemas, ETags,
links and the OpenAPI operations."""

import datetime

import pytest
from jsonschema import Draft202012Validator

from core.openapi.document import build_document
from core.request.errors import BadRequest, RequestValidationError
from core.resource.headers import PreconditionFailed, check_match, etag, link_header, none_match
from core.resource.query import ResourceSpec, domain_equalities
from core.resource.values import (
    field_meta,
    from_json,
    parse_datetime,
    record_to_json,
    to_json,
)

FIELDS = [
    field_meta("name", "char", required=True, size=10, writable=True),
    field_meta("email", "char", writable=True),
    field_meta("color", "integer", writable=True),
    field_meta("score", "float", writable=True),
    field_meta("is_company", "boolean"),
    field_meta("kind", "selection", selection=["a", "b"], writable=True),
    field_meta("day", "date", writable=True),
    field_meta("stamp", "datetime", writable=True, sortable=False),
    field_meta("country_id", "many2one", relation="res.country", writable=True),
    field_meta("tag_ids", "many2many", relation="res.partner.category", writable=True),
    field_meta("child_ids", "one2many", relation="res.partner", searchable=False),
]
RESOURCE = {
    "model": "res.partner",
    "fields": FIELDS,
    "domain": [["is_company", "=", True], ["kind", "=", "a"]],
    "operations": ["list", "read", "create", "update", "delete"],
    "page_size": 20,
}


@pytest.fixture(scope="module")
def spec():
    return ResourceSpec(RESOURCE, "/api/v1/customers/")


def test_to_json_shapes():
    stamp = datetime.datetime(2026, 1, 31, 12, 0, 5, 123)
    row = {
        "id": 3,
        "name": False,
        "is_company": False,
        "color": 0,
        "country_id": (7, "Belgium"),
        "tag_ids": [1, 2],
        "stamp": stamp,
        "day": datetime.date(2026, 1, 31),
        "score": 1,
        "kind": "a",
    }
    fields = [f for f in FIELDS if f["name"] in row]
    assert record_to_json(row, fields) == {
        "id": 3,
        "name": None,
        "is_company": False,
        "color": 0,
        "country_id": {"id": 7, "display_name": "Belgium"},
        "tag_ids": [1, 2],
        "stamp": "2026-01-31T12:00:05Z",
        "day": "2026-01-31",
        "score": 1.0,
        "kind": "a",
    }
    assert to_json(False, "many2one") is None


def test_from_json():
    by = {f["name"]: f for f in FIELDS}
    assert from_json(None, by["email"]) is False
    assert from_json([2, 2, 1], by["tag_ids"]) == [(6, 0, [2, 1])]
    assert from_json("2026-01-31T13:00:00+01:00", by["stamp"]) == datetime.datetime(2026, 1, 31, 12)
    assert parse_datetime("2016-12-31t23:59:60z") == datetime.datetime(2016, 12, 31, 23, 59, 59)
    with pytest.raises(ValueError, match="not a valid date"):
        from_json("2026-02-30", by["day"])


def test_bindings(spec):
    assert spec.route == "/api/v1/customers"
    assert spec.bindings() == [
        ("/api/v1/customers", "GET"),
        ("/api/v1/customers", "POST"),
        ("/api/v1/customers/<int:id>", "GET"),
        ("/api/v1/customers/<int:id>", "PUT"),
        ("/api/v1/customers/<int:id>", "PATCH"),
        ("/api/v1/customers/<int:id>", "DELETE"),
    ]
    only = ResourceSpec(dict(RESOURCE, operations=["read"]), "/r")
    assert only.bindings() == [("/r/<int:id>", "GET")]


def test_parse_list(spec):
    query = [
        ("name__ilike", "acme"),
        ("color__in", "1,2,99999999999," + "7" * 50),
        ("is_company", "true"),
        ("day__gte", "2026-01-01"),
        ("order", "name desc,id"),
        ("fields", "email,name,email"),
        ("limit", "5"),
        ("offset", "10"),
        ("score__lt", "1e3"),
        ("kind", "b"),
        ("country_id__ne", "4"),
    ]
    domain, limit, offset, order, names, nested = spec.parse_list(query)
    assert domain == [
        ("name", "ilike", "acme"),
        ("color", "in", [1, 2]),
        ("is_company", "=", True),
        ("day", ">=", datetime.date(2026, 1, 1)),
        ("score", "<", 1000.0),
        ("kind", "=", "b"),
        ("country_id", "!=", 4),
    ]
    assert (limit, offset, order, names) == (5, 10, "name desc,id", ["id", "email", "name"])
    assert nested == {}
    assert spec.parse_list([]) == ([], 20, 0, None, None, {})


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ([("nope", "1")], "Unknown query parameter 'nope'"),
        ([("name__between", "1")], "Unknown operator 'between'"),
        ([("is_company__gt", "true")], "Unknown operator 'gt'"),
        ([("child_ids", "1")], "cannot be filtered"),
        ([("color", "1.5")], "not an integer"),
        ([("color", "3000000000")], "out of range"),
        ([("score", "inf")], "finite"),
        ([("score", "1e999")], "finite"),
        ([("kind", "c")], "not one of"),
        ([("day", "2026-1-1")], "not a date"),
        ([("stamp", "2026-01-01T00:00:00")], "not a date-time"),
        ([("color__in", "1,,2")], "comma-separated"),
        ([("order", "stamp")], "cannot sort by 'stamp'"),
        ([("order", "name DESC")], "cannot sort"),
        ([("order", "name desc, id")], "cannot sort"),
        ([("fields", "name,secret")], "'secret'"),
        ([("limit", "0")], "limit"),
        ([("limit", "+5")], "limit"),
        ([("offset", "-1")], "offset"),
        ([("limit", "1"), ("limit", "1")], "more than once"),
    ],
)
def test_parse_list_refusals(spec, query, needle):
    with pytest.raises(BadRequest, match=needle):
        spec.parse_list(query)


def test_body_validators(spec):
    spec.create_validator.validate({"name": "Acme", "kind": "a", "tag_ids": [1]})
    spec.update_validator.validate({})
    with pytest.raises(RequestValidationError) as caught:
        spec.create_validator.validate(
            {"email": 1, "is_company": True, "nope": 2, "name": "x" * 11, "kind": "b"}
        )
    errors = {(e["path"], e["validator"]) for e in caught.value.errors}
    assert errors == {
        ("/email", "type"),
        ("/is_company", "writable"),
        ("/nope", "writable"),
        ("/name", "maxLength"),
        ("/kind", "const"),  # the domain fixes it
    }
    with pytest.raises(RequestValidationError) as caught:
        spec.create_validator.validate({})
    assert caught.value.errors[0]["message"] == "'name' is a required property"
    with pytest.raises(RequestValidationError):
        spec.update_validator.validate({"name": None})  # required: never emptied
    with pytest.raises(RequestValidationError):
        spec.create_validator.validate([1])


def test_domain_equalities():
    assert domain_equalities([["a", "=", 1], ("b", "!=", 2), ("c.d", "=", 3)]) == {"a": 1}
    assert domain_equalities(["|", ("a", "=", 1), ("b", "=", 2)]) == {}


def test_links():
    query = [("name", "x"), ("limit", "2")]
    assert link_header("/r", query, 5, 2, 2) == (
        '</r?name=x&limit=2&offset=4>; rel="next", </r?name=x&limit=2&offset=0>; rel="prev"'
    )
    assert link_header("/r", [], 2, 2, 0) is None


def test_etags():
    tag = etag("res.partner", {"id": 1, "name": "A"}, "2026-01-01T00:00:00")
    assert tag != etag("res.partner", {"id": 1, "name": "B"}, "2026-01-01T00:00:00")
    assert tag != etag("res.partner", {"id": 1, "name": "A"}, "2026-01-01T00:00:01")
    assert none_match(f'"x", W/{tag}', tag) and none_match("*", tag)
    assert not none_match('"x"', tag) and not none_match(None, tag)
    check_match(None, tag)
    check_match(f'"x", {tag}', tag)
    with pytest.raises(PreconditionFailed) as caught:
        check_match(f"W/{tag}", tag)  # If-Match compares strongly
    assert caught.value.status == 412


def test_openapi_operations_accept_what_the_server_accepts(spec):
    config = {
        "id": 9,
        "name": "Customers",
        "route": "/api/v1/customers",
        "method": "GET",
        "route_type": "http",
        "auth_type": "bearer",
        "exec_mode": "resource",
        "route_group": "crm",
        "resource": RESOURCE,
    }
    document = build_document([config], server_url="/")
    assert "x-rest-endpoint-undocumented" not in document
    paths = document["paths"]
    assert set(paths["/api/v1/customers"]) == {"get", "post"}
    assert set(paths["/api/v1/customers/{id}"]) == {"get", "put", "patch", "delete"}
    listing = paths["/api/v1/customers"]["get"]
    params = {p["name"]: p["schema"] for p in listing["parameters"]}
    assert {"limit", "offset", "order", "fields", "name__ilike", "color__in"} <= set(params)
    assert "child_ids" not in params
    assert params["kind"]["enum"] == ["a", "b"]
    order = Draft202012Validator(params["order"])
    assert order.is_valid("name desc,id") and not order.is_valid("stamp")
    assert "Link" in listing["responses"]["200"]["headers"]
    read = paths["/api/v1/customers/{id}"]["get"]
    assert {"200", "304", "404"} <= set(read["responses"])
    assert "ETag" in read["responses"]["200"]["headers"]
    assert "412" in paths["/api/v1/customers/{id}"]["patch"]["responses"]
    assert "204" in paths["/api/v1/customers/{id}"]["delete"]["responses"]
    assert read["x-rest-endpoint"]["route"] == "/api/v1/customers/<int:id>"
    assert listing["x-rest-endpoint"]["route"] == "/api/v1/customers"
    post = paths["/api/v1/customers"]["post"]
    assert "Location" in post["responses"]["201"]["headers"]
    create = document["components"]["schemas"]["api_v1_customers_create"]
    assert create["required"] == ["name"]
    assert create["properties"]["kind"] == {"const": "a"}
    assert document["components"]["schemas"]["api_v1_customers_record"]["required"][0] == "id"
