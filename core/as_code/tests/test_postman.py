import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from core.as_code.postman import BEARER_VAR, SCHEMA_URL, collection, example
from core.openapi.document import build_document
from core.openapi.tests.snapshots import config
from core.resource.values import field_meta

SCHEMA_FILE = Path(__file__).parents[3] / "tests" / "data" / "postman_collection_v2.1.0.schema.json"
SERVER = "http://api.example.com"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_FILE.read_text())
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


CONFIGS = [
    config(1, "/api/customer/<int:customer_id>", route_group="mobile", summary="Get"),
    config(
        2,
        "/api/customer",
        "POST",
        route_group="mobile",
        content_type="application/json",
        schema="type: object\nrequired: [name]\nproperties:\n  name: {type: string}\n"
        "examples:\n  - {name: Jane}\n",
    ),
    config(3, "/api/search", "POST", route_type="json", content_type="application/json"),
    config(
        4,
        "/api/notice",
        "POST",
        auth_type="user_endpoint",
        content_type="application/xml",
        schema='<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        '<xs:element name="notice" type="xs:string"/></xs:schema>',
    ),
    config(
        5, "/api/form", "PUT", auth_type="public", content_type="application/x-www-form-urlencoded"
    ),
    config(6, "/api/csv", "PATCH", content_type="text/csv", csrf=True),
    config(7, "/api/file/<path:name>", "DELETE", auth_type="public"),
]


def test_collection_is_valid_v2_1(validator):
    document = build_document(CONFIGS, server_url=SERVER + "/", title="T", version="7")
    result = collection(document)
    errors = sorted(validator.iter_errors(result), key=str)
    assert not errors, [e.message for e in errors]
    assert result["info"]["schema"] == SCHEMA_URL
    assert {v["key"] for v in result["variable"]} == {
        "baseUrl",
        BEARER_VAR,
        "api_customer_customer_id",
    }
    assert result["variable"][0]["value"] == SERVER
    # One folder per route group, the others at the top level.
    folder = next(i for i in result["item"] if i["name"] == "mobile")
    get = next(i for i in folder["item"] if i["request"]["method"] == "GET")
    assert get["request"]["url"]["raw"] == "{{baseUrl}}/api/customer/:customer_id"
    assert get["request"]["url"]["variable"][0]["key"] == "customer_id"
    assert get["request"]["auth"]["bearer"][0]["value"] == "{{" + BEARER_VAR + "}}"
    post = next(i for i in folder["item"] if i["request"]["method"] == "POST")
    assert json.loads(post["request"]["body"]["raw"]) == {"name": "Jane"}
    assert {"key": "Content-Type", "value": "application/json"} in post["request"]["header"]
    loose = {i["request"]["url"]["raw"]: i for i in result["item"] if "request" in i}
    rpc = json.loads(loose["{{baseUrl}}/api/search"]["request"]["body"]["raw"])
    assert rpc["jsonrpc"] == "2.0" and rpc["method"] == "call"
    xml = loose["{{baseUrl}}/api/notice"]["request"]
    assert "<notice>" in xml["body"]["raw"] and xml["auth"] == {"type": "noauth"}
    assert "session" in xml["description"]
    assert loose["{{baseUrl}}/api/form"]["request"]["body"]["mode"] == "urlencoded"
    assert loose["{{baseUrl}}/api/file/:name"]["request"]["auth"] == {"type": "noauth"}


def test_invalid_collection_is_refused_by_the_schema(validator):
    """The shipped schema really checks: a request without its url fails."""
    document = build_document(CONFIGS[:1], server_url=SERVER)
    result = collection(document)
    del result["item"][0]["item"][0]["request"]["url"]
    result["info"].pop("schema")
    assert list(validator.iter_errors(result))


def test_example_builds_from_properties_and_refs():
    document = {
        "components": {
            "schemas": {"A": {"type": "object", "properties": {"n": {"type": "integer"}}}}
        }
    }
    assert example(document, {"$ref": "#/components/schemas/A"}) == {"n": 0}
    assert example(document, {"type": ["null", "string"]}) == ""
    assert example(document, {"type": "array", "items": {"enum": ["x"]}}) == ["x"]


def test_base_url_is_absolute_when_the_document_is_relative():
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    document["servers"] = [{"url": "/"}]
    variables = {v["key"]: v["value"] for v in collection(document)["variable"]}
    assert variables["baseUrl"] == ""
    result = collection(document, base_url="https://erp.example.com/")
    variables = {v["key"]: v["value"] for v in result["variable"]}
    assert variables["baseUrl"] == "https://erp.example.com"


RESOURCE_DOC = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/api/things/{id}": {
            m: {
                "summary": "Update a thing" if m in ("put", "patch") else f"{m} a thing",
                "parameters": [{"name": "id", "in": "path", "schema": {"type": "integer"}}],
                "responses": {"204" if m == "delete" else "200": {"description": "ok"}},
            }
            for m in ("delete", "patch", "put", "get")
        },
        "/api/things": {
            "post": {
                "summary": "Create a thing",
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/New"}}
                    }
                },
                "responses": {
                    "201": {
                        "description": "created",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Any"}}
                        },
                    }
                },
            }
        },
    },
    "components": {
        "schemas": {
            "New": {
                "type": "object",
                "required": ["code"],
                "properties": {"code": {"type": "string", "pattern": "^[A-Z]{3}$"}},
            },
            # recursive, with a format Ajv 6 does not know
            "Any": {
                "type": "object",
                "format": "int32",
                "additionalProperties": {"$ref": "#/components/schemas/Any"},
            },
        }
    },
}


def test_creates_first_deletes_last_and_the_new_id_is_kept(validator):
    result = collection(RESOURCE_DOC, path_values={"/api/things/{id}": {"id": 42}})
    assert not list(validator.iter_errors(result))
    names = [i["name"] for i in result["item"]]
    assert names == [
        "Create a thing",
        "get a thing",
        "Update a thing (PUT)",
        "Update a thing (PATCH)",
        "delete a thing",
    ]
    variables = {v["key"]: v["value"] for v in result["variable"]}
    assert variables["api_things_id"] == "42"  # a record of the exporting database
    get = result["item"][1]["request"]["url"]["variable"]
    assert get == [{"key": "id", "value": "{{api_things_id}}"}]
    create = result["item"][0]
    assert json.loads(create["request"]["body"]["raw"]) == {"code": "AAA"}
    script = "\n".join(create["event"][0]["script"]["exec"])
    assert "pm.expect(pm.response.code).to.be.oneOf([201]);" in script
    assert 'pm.collectionVariables.set("api_things_id", String(id));' in script
    schema = json.loads(
        next(
            line for line in create["event"][0]["script"]["exec"] if line.startswith("const schema")
        )[15:-1]
    )
    # the reference inlined, its recursion cut to {}, the unknown format dropped
    assert schema == {"type": "object", "additionalProperties": {}}
    delete = "\n".join(result["item"][4]["event"][0]["script"]["exec"])
    assert "oneOf([204])" in delete and "jsonSchema" not in delete


def test_idempotency_key_header_and_single_create_example():
    resource = config(
        9,
        "/api/v1/things",
        "GET",
        exec_mode="resource",
        code="",
        resource={
            "model": "x.thing",
            "fields": [field_meta("name", "char", required=True, writable=True)],
            "operations": ["create"],
        },
    )
    result = collection(build_document([resource, *CONFIGS], server_url=SERVER + "/"))
    items = {i["request"]["method"] + " " + i["request"]["url"]["raw"]: i for i in _all(result)}
    create = items["POST {{baseUrl}}/api/v1/things"]["request"]
    body = json.loads(create["body"]["raw"])
    assert isinstance(body, dict) and set(body) == {"name"}  # an object, not the bulk array
    keys = [h for h in create["header"] if h["key"] == "Idempotency-Key"]
    assert keys and keys[0]["value"] == "{{$guid}}"
    for name, item in items.items():
        has_key = any(h["key"] == "Idempotency-Key" for h in item["request"]["header"])
        assert has_key == name.startswith(("POST", "PATCH")), name


def _all(node):
    for item in node.get("item", ()):
        if "request" in item:
            yield item
        else:
            yield from _all(item)
