"""The document says what the server accepts: U+0000 is refused in every
string (the server answers 400), JSON-RPC ids are what the dispatcher
accepts, XML bodies are not described as "any object", and the error
schema survives client generators (typed array items)."""

import json

import pytest
from jsonschema import Draft202012Validator

from core.openapi.components import ANY_VALUE_COMPONENT, ANY_VALUE_SCHEMA
from core.openapi.document import ERROR_COMPONENTS, ERROR_SCHEMA, build_document, nul_free
from core.openapi.schemas import converter_schema
from core.openapi.tests.test_openapi import (
    XSD,
    config,
    document,
    only_operation,
    validator_for,
)
from core.routing.routes import parse_route

ANY = f"#/components/schemas/{ANY_VALUE_SCHEMA}"


def validator(schema):
    return Draft202012Validator(
        {**schema, "components": {"schemas": {ANY_VALUE_SCHEMA: ANY_VALUE_COMPONENT}}}
    )


ORDER = {
    "type": "object",
    "required": ["ref", "lines"],
    "properties": {
        "ref": {"type": "string", "pattern": "^[A-Z]"},
        "note": {"type": "string"},
        "lines": {"type": "array", "items": {"$ref": "#/$defs/line"}},
        "meta": {},
        "tags": {"type": "array"},
    },
    "$defs": {"line": {"type": "object", "properties": {"sku": {"type": ["string", "null"]}}}},
}


@pytest.mark.parametrize(
    "value",
    [
        {"ref": "A", "lines": [], "note": "a\x00"},
        {"ref": "A\x00", "lines": []},
        {"ref": "A", "lines": [{"sku": "x\x00"}]},
        {"ref": "A", "lines": [{"sku": "x", "extra": {"deep": ["\x00"]}}]},
        {"ref": "A", "lines": [], "meta": {"k\x00": 1}},
        {"ref": "A", "lines": [], "tags": [["\x00"]]},
        {"ref": "A", "lines": [], "unlisted\x00": 1},
    ],
)
def test_nul_is_refused_everywhere(value):
    original = Draft202012Validator(ORDER)
    assert original.is_valid(value)  # the endpoint's own schema lets it through...
    assert not validator(nul_free(ORDER, ANY)).is_valid(value)  # ...the document does not


@pytest.mark.parametrize(
    "value",
    [
        {"ref": "A", "lines": []},
        {"ref": "ABC", "lines": [{"sku": None}, {"sku": "s", "x": [1, {"y": "z"}]}], "meta": 3},
        {"ref": "A", "lines": [], "tags": [1, "a", None], "other": {"a": True}},
    ],
)
def test_nul_free_accepts_everything_else(value):
    assert validator(nul_free(ORDER, ANY)).is_valid(value)


def test_nul_free_keeps_the_rest_of_the_schema():
    rewritten = nul_free(ORDER, ANY)
    ref = rewritten["properties"]["ref"]
    assert ref["pattern"] == "^[A-Z]"  # the endpoint's own pattern is kept
    assert not validator(rewritten).is_valid({"ref": "a", "lines": []})
    assert not validator(rewritten).is_valid({"ref": "A"})
    # A negation or a condition is not rewritten: that would change its meaning.
    negated = {"not": {"type": "string"}, "if": {"type": "object"}, "then": {"required": ["a"]}}
    out = nul_free(negated, ANY)
    assert out["not"] == {"type": "string"}
    assert out["if"] == {"type": "object"}
    assert validator(out).is_valid({"a": 1})
    assert not validator(out).is_valid({"b": 1})
    assert nul_free(True, ANY) == {"$ref": ANY}
    assert nul_free(False, ANY) is False
    assert nul_free({"const": "a"}, ANY) == {"const": "a"}


def test_request_schemas_in_the_document_refuse_nul():
    doc = document(
        config(
            route="/api/in",
            method="POST",
            content_type="application/json",
            schema=json.dumps(ORDER),
        )
    )
    schema = only_operation(doc)[2]["requestBody"]["content"]["application/json"]["schema"]
    assert validator_for(doc, schema).is_valid({"ref": "A", "lines": []})
    assert not validator_for(doc, schema).is_valid({"ref": "A", "lines": [], "note": "\x00"})


def test_response_schemas_are_left_as_written():
    doc = document(config(response_schema='{"type": "object"}'))
    responses = doc["components"]["schemas"]
    [name] = [n for n in responses if n.endswith("_response")]
    assert responses[name] == {"type": "object"}
    assert ANY_VALUE_SCHEMA not in responses  # only there when a request needs it


def test_string_path_parameters_refuse_nul():
    for route in ("/a/<name>", "/a/<path:rest>", "/a/<string(length=2):code>"):
        schema = converter_schema(parse_route(route).placeholders[0])
        check = Draft202012Validator(schema)
        assert check.is_valid("ab")
        assert not check.is_valid("a\x00")


def test_jsonrpc_envelope_matches_the_dispatcher():
    """The dispatcher accepts a string, a number (fractions included) or
    null as id, refuses booleans and containers, and refuses other members."""
    doc = document(
        config(
            route="/rpc",
            method="POST",
            route_type="json",
            content_type="application/json",
            schema='{"type": "object"}',
        )
    )
    envelope = only_operation(doc)[2]["requestBody"]["content"]["application/json"]["schema"]
    check = validator_for(doc, envelope)
    base = {"jsonrpc": "2.0", "method": "call", "params": {}}
    for good in ("a", 1, 2.5e-42, None):
        assert check.is_valid({**base, "id": good}), good
    for bad in (True, [], {}):
        assert not check.is_valid({**base, "id": bad}), bad
    assert not check.is_valid({**base, "extra": {"a": [1]}})
    assert not check.is_valid({**base, "method": "c\x00"})


def test_xml_body_is_documented_by_its_xsd():
    """An XSD-checked body gets the schema derived from its XSD (what a
    generator builds valid documents from), the XSD itself attached."""
    doc = document(config(route="/x", method="POST", content_type="application/xml", schema=XSD))
    media = only_operation(doc)[2]["requestBody"]["content"]["application/xml"]
    assert media["schema"]["type"] == "string"
    assert media["schema"]["xml"] == {"name": "order"}
    assert "x-xsd" in media["schema"]["description"]
    assert media["x-xsd"] == XSD
    xsd = (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="order">'
        '<xs:complexType><xs:sequence><xs:element name="line" maxOccurs="unbounded" type="xs:int"/>'
        '</xs:sequence><xs:attribute name="ref" type="xs:token" use="required"/>'
        "</xs:complexType></xs:element></xs:schema>"
    )
    doc = document(config(route="/x", method="POST", content_type="application/xml", schema=xsd))
    media = only_operation(doc)[2]["requestBody"]["content"]["application/xml"]
    schema = media["schema"]
    assert schema["type"] == "object" and schema["xml"] == {"name": "order"}
    assert list(schema["properties"]) == ["line", "ref"]  # the XSD's order
    assert schema["properties"]["line"]["type"] == "array"
    assert schema["properties"]["ref"]["xml"] == {"attribute": True}
    assert sorted(schema["required"]) == ["line", "ref"]
    # what the XSD says beyond the schema is said in the document
    assert "in the order the XSD gives" in schema["description"]
    assert media["example"].startswith("<?xml") and "<line>" in media["example"]


def test_xml_body_without_a_derivable_schema_is_xml_text():
    xsd = '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"/>'  # no global element
    doc = document(config(route="/x", method="POST", content_type="application/xml", schema=xsd))
    media = only_operation(doc)[2]["requestBody"]["content"]["application/xml"]
    assert media["schema"]["type"] == "string"
    assert media["schema"]["contentMediaType"] == "application/xml"
    assert media["x-xsd"] == xsd


def test_error_schema_arrays_have_typed_items():
    """Client generators (openapi-python-client) drop a schema with an array
    that has no items: every array of the error components is typed."""

    def arrays(node):
        if isinstance(node, dict):
            if node.get("type") == "array":
                yield node
            for value in node.values():
                yield from arrays(value)

    found = list(arrays(ERROR_COMPONENTS))
    assert found
    assert all("items" in array for array in found)
    arguments = ERROR_COMPONENTS[ERROR_SCHEMA]["properties"]["arguments"]
    assert Draft202012Validator(arguments).is_valid(["message", 400, None, 1.5, True])


def test_server_url_may_be_relative():
    doc = build_document([config()], server_url="")
    assert doc["servers"] == [{"url": "/"}]
