"""Related records and empty-value filters of model resources, without Odoo:
the ``fields`` grammar with expansions, the ``resource_expand`` setting, the
nested schemas, ``__isnull`` and ``field=``."""

import re

import pytest
from jsonschema import Draft202012Validator

from core.openapi.document import build_document
from core.request.errors import BadRequest
from core.resource.expand import ExpandSyntaxError, parse_setting, split_terms
from core.resource.query import ResourceSpec
from core.resource.values import field_meta

FIELDS = [
    field_meta("name", "char", required=True, writable=True),
    field_meta("color", "integer"),
    field_meta("is_company", "boolean"),
    field_meta("parent_id", "many2one", relation="res.partner"),
    field_meta("child_ids", "one2many", relation="res.partner"),
    field_meta("category_id", "many2many", relation="res.partner.category"),
]
EXPAND = [
    {"name": "parent_id", "fields": [field_meta("name", "char"), field_meta("email", "char")]},
    {"name": "child_ids", "fields": [field_meta("name", "char"), field_meta("email", "char")]},
    {"name": "ghost", "fields": []},  # not a readable field: ignored
]
RESOURCE = {
    "model": "res.partner",
    "fields": FIELDS,
    "domain": [],
    "operations": ["list", "read"],
    "page_size": 20,
    "expand": EXPAND,
}


@pytest.fixture(scope="module")
def spec():
    return ResourceSpec(RESOURCE, "/api/v1/companies")


def test_split_terms_and_setting():
    assert split_terms("a,b(c,d),e") == [("a", None), ("b", ["c", "d"]), ("e", None)]
    assert parse_setting(" parent_id(name, email),\n child_ids(name) ") == {
        "parent_id": ["name", "email"],
        "child_ids": ["name"],
    }
    assert parse_setting("") == {} and parse_setting(None) == {}
    for bad, needle in (
        ("parent_id", "name the related fields"),
        ("a(b),a(c)", "given twice"),
        ("a(b", "expected ','"),
        ("a()", "expected field names"),
        ("a(b(c))", "expected"),
    ):
        with pytest.raises(ExpandSyntaxError, match=re.escape(needle)):
            parse_setting(bad)


def test_fields_with_expansions(spec):
    assert set(spec.expand) == {"parent_id", "child_ids"}
    names, nested = spec.parse_fields("name,parent_id(name),child_ids(email,name),category_id")
    assert names == ["id", "name", "parent_id", "child_ids", "category_id"]
    assert nested == {"parent_id": ["id", "name"], "child_ids": ["id", "email", "name"]}
    assert spec.parse_fields("parent_id") == (["id", "parent_id"], {})


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("category_id(name)", "category_id cannot be expanded"),
        ("parent_id(phone)", "not 'phone'"),
        ("parent_id(name),parent_id(email)", "more than once"),
        ("parent_id,parent_id(name)", "more than once"),
        ("name,", "expected a field name"),
        ("parent_id(name", "expected ','"),
        ("parent_id(name) ", "expected ','"),
        ("secret(name)", "'secret'"),
    ],
)
def test_fields_refusals(spec, text, needle):
    with pytest.raises(BadRequest, match=re.escape(needle)):
        spec.parse_fields(text)


def test_fields_pattern_accepts_what_the_parser_accepts(spec):
    pattern = re.compile(spec.fields_pattern)
    good = ["name", "parent_id(id,email)", "child_ids(name),name", "parent_id"]
    bad = ["category_id(name)", "parent_id(phone)", "name,", "parent_id()", "parent_id(name"]
    for text in good:
        assert pattern.match(text), text
        spec.parse_fields(text)
    for text in bad:
        assert not pattern.match(text), text
        with pytest.raises(BadRequest):
            spec.parse_fields(text)


def test_isnull_and_empty_values(spec):
    domain = spec.parse_list(
        [("color__isnull", "true"), ("parent_id__isnull", "false"), ("name", "")]
    ).domain
    assert domain == [("color", "=", False), ("parent_id", "!=", False), ("name", "=", "")]
    assert "is_company__isnull" not in spec.filters  # a boolean is never null
    for query, needle in (
        ([("color__isnull", "yes")], "not true or false"),
        ([("color", "")], "use color__isnull=true"),
        ([("parent_id", "")], "use parent_id__isnull=true"),
    ):
        with pytest.raises(BadRequest, match=re.escape(needle)):
            spec.parse_list(query)


def test_item_query_takes_fields_only(spec):
    assert spec.parse_item([]) == (None, {})
    assert spec.parse_item([("fields", "parent_id(name)")]) == (
        ["id", "parent_id"],
        {"parent_id": ["id", "name"]},
    )
    with pytest.raises(BadRequest, match="no query parameter but fields"):
        spec.parse_item([("limit", "1")])
    with pytest.raises(BadRequest, match="more than once"):
        spec.parse_item([("fields", "name"), ("fields", "name")])


def test_openapi_documents_nested_records(spec):
    config = {
        "id": 3,
        "name": "Companies",
        "route": "/api/v1/companies",
        "method": "GET",
        "route_type": "http",
        "auth_type": "bearer",
        "exec_mode": "resource",
        "resource": RESOURCE,
    }
    document = build_document([config], server_url="/")
    paths = document["paths"]
    for path in ("/api/v1/companies", "/api/v1/companies/{id}"):
        params = {p["name"]: p for p in paths[path]["get"]["parameters"]}
        assert "child_ids(id, name, email)" in params["fields"]["description"]
        assert params["fields"]["schema"]["pattern"] == spec.fields_pattern
    listing = {p["name"]: p["schema"] for p in paths["/api/v1/companies"]["get"]["parameters"]}
    assert listing["color__isnull"] == {"type": "boolean"}
    schema = document["components"]["schemas"]["api_v1_companies_record_fields"]
    validator = Draft202012Validator(schema)
    nested = {
        "id": 1,
        "parent_id": {"id": 2, "name": "P"},
        "child_ids": [{"id": 3, "email": None}],
    }
    plain = {"id": 1, "parent_id": {"id": 2, "display_name": "P"}, "child_ids": [3]}
    for record in (nested, plain, {"id": 1, "parent_id": None}):
        assert validator.is_valid(record), record
    assert not validator.is_valid({"id": 1, "child_ids": [{"id": 3, "phone": "x"}]})
    assert not validator.is_valid({"id": 1, "category_id": [{"id": 3}]})
