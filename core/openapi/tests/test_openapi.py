import json

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi

from core.openapi.document import (
    ERROR_SCHEMA,
    JSONRPC_ERROR_SCHEMA,
    build_document,
    converter_schema,
    hoist_schema,
    literal_success_statuses,
    load_json_schema,
    openapi_path,
    operation_id,
    xsd_root_element,
)
from core.openapi.tests.snapshots import config
from core.request import errors as core_errors
from core.request.schema import SchemaError
from core.routing.routes import parse_route

SERVER = "http://api.example.com"
XSD = (
    '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
    '<xs:element name="order" type="xs:string"/></xs:schema>'
)


def document(*configs, **kw):
    doc = build_document(list(configs), server_url=SERVER + "/", **kw)
    validate_openapi(doc)
    return doc


def only_operation(doc):
    [(path, item)] = doc["paths"].items()
    [(method, operation)] = item.items()
    return path, method, operation


def validator_for(doc, schema):
    """A validator of ``schema`` whose "#/components/..." resolve in ``doc``."""
    return Draft202012Validator({**schema, "components": doc["components"]})


# --- Paths and converters --------------------------------------------------------


def placeholder(route):
    return parse_route(route).placeholders[0]


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        ("/a/<int:x>", {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}),
        (
            "/a/<int(signed=True):x>",
            {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1},
        ),
        ("/a/<int(max=10000000000):x>", {"type": "integer", "minimum": 0, "maximum": 10**10}),
        ("/a/<int(min=5, max=9):x>", {"type": "integer", "minimum": 5, "maximum": 9}),
        ("/a/<int(fixed_digits=4):x>", {"type": "string", "pattern": "^\\d{4}$"}),
        ("/a/<uuid:x>", {"type": "string", "format": "uuid"}),
        ("/a/<any(red, 'dark blue'):x>", {"type": "string", "enum": ["red", "dark blue"]}),
    ],
)
def test_converter_schema(route, expected):
    assert converter_schema(placeholder(route)) == expected


def test_float_converter_is_a_number():
    schema = converter_schema(placeholder("/a/<float:x>"))
    assert schema["type"] == "number"
    assert schema["minimum"] == 0
    assert "decimal point" in schema["description"]
    assert "minimum" not in converter_schema(placeholder("/a/<float(signed=True):x>"))


def test_string_converters_match_what_werkzeug_matches():
    default = converter_schema(placeholder("/a/<x>"))
    assert default["type"] == "string"
    assert default["minLength"] == 1
    assert "maxLength" not in default
    assert converter_schema(placeholder("/a/<string:x>")) == default
    fixed = converter_schema(placeholder("/a/<string(length=3):x>"))
    assert (fixed["minLength"], fixed["maxLength"]) == (3, 3)
    bounded = converter_schema(placeholder("/a/<string(minlength=2, maxlength=5):x>"))
    assert (bounded["minLength"], bounded["maxLength"]) == (2, 5)
    for schema, good, bad in [(default, "abc", "a/b"), (fixed, "abc", "abcd")]:
        check = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        assert check.is_valid(good)
        assert not check.is_valid(bad)
    path = converter_schema(placeholder("/a/<path:x>"))
    assert path["type"] == "string"
    assert Draft202012Validator(path).is_valid("a/b/c")
    assert not Draft202012Validator(path).is_valid("/lead")


def test_openapi_path():
    path, placeholders = openapi_path("/api/c/<int:customer_id>/orders/<string(length=4):code>")
    assert path == "/api/c/{customer_id}/orders/{code}"
    assert [p.name for p in placeholders] == ["customer_id", "code"]


def test_operation_id_is_readable_and_stable():
    assert operation_id(config(route="/api/c/<int:customer_id>")) == "get_api_c_customer_id"
    assert operation_id(config(route="/api/c-x", method="POST")) == "post_api_c_x"


def test_operation_id_collision_gets_the_record_id():
    doc = document(config(1, "/api/a-b"), config(2, "/api/a_b"))
    ids = sorted(item["get"]["operationId"] for item in doc["paths"].values())
    assert ids == ["get_api_a_b", "get_api_a_b_2"]


def test_indistinguishable_paths_are_reported_not_documented():
    doc = document(config(1, "/api/a/<int:x>"), config(2, "/api/a/<int:y>", method="PUT"))
    assert list(doc["paths"]) == ["/api/a/{x}"]
    [skipped] = doc["x-rest-endpoint-undocumented"]
    assert skipped["id"] == 2
    assert "cannot be told apart" in skipped["reason"]


# --- Schemas -----------------------------------------------------------------------


def test_yaml_schema_is_loaded_and_booleans_become_objects():
    assert load_json_schema("type: object\nrequired: [a]") == {
        "type": "object",
        "required": ["a"],
    }
    assert load_json_schema("true") == {}
    assert load_json_schema("false") == {"not": {}}
    assert load_json_schema("  ") is None
    with pytest.raises(SchemaError):
        load_json_schema("[1, 2]")


def test_hoist_rewrites_local_references_only():
    schema = {
        "$id": "https://example.com/item",
        "type": "object",
        "properties": {
            "tag": {"$ref": "#/$defs/tag"},
            "self": {"$ref": "#"},
            "other": {"$ref": "https://json-schema.org/draft/2020-12/schema"},
            "$ref": {"type": "string"},  # a property named "$ref"
        },
        "const": {"$ref": "#/not-a-reference"},
        "$defs": {"tag": {"type": "string"}},
    }
    hoisted = hoist_schema(schema, "Item")
    assert "$id" not in hoisted
    props = hoisted["properties"]
    assert props["tag"] == {"$ref": "#/components/schemas/Item/$defs/tag"}
    assert props["self"] == {"$ref": "#/components/schemas/Item"}
    assert props["other"]["$ref"].startswith("https://")
    assert props["$ref"] == {"type": "string"}
    assert hoisted["const"] == {"$ref": "#/not-a-reference"}
    assert schema["properties"]["tag"] == {"$ref": "#/$defs/tag"}  # a copy


def test_hoisted_schema_validates_like_the_original():
    text = (
        "type: object\nrequired: [tags]\nproperties:\n"
        "  tags: {type: array, items: {$ref: '#/$defs/tag'}}\n"
        "$defs:\n  tag: {type: string, maxLength: 3}\n"
    )
    doc = document(
        config(route="/api/t", method="POST", content_type="application/json", schema=text)
    )
    _path, _method, operation = only_operation(doc)
    media = operation["requestBody"]["content"]["application/json"]
    check = validator_for(doc, media["schema"])
    assert check.is_valid({"tags": ["abc"]})
    assert not check.is_valid({"tags": ["abcd"]})


def test_xsd_root_element():
    assert xsd_root_element(XSD) == "order"
    assert xsd_root_element("<not-xml") is None


def test_literal_success_statuses():
    code = (
        "if x:\n    result = {'payload': 1, 'status_code': 201}\n"
        "else:\n    result = {'status_code': 204}\n"
        "result['status_code'] = 202\n"
        "r = {'status_code': 404}\n"  # an error status: not a success
        "s = {'status_code': compute()}\n"
    )
    assert literal_success_statuses(code) == {201, 202, 204}
    assert literal_success_statuses("syntax error (") == set()
    assert literal_success_statuses("") == set()


# --- Operations ----------------------------------------------------------------------


def test_summary_description_tags_and_filter():
    doc = document(
        config(1, "/api/a", summary="Short", description="Long text", route_group="g1"),
        config(2, "/api/b", route_group="g2"),
        route_group="g1",
    )
    path, method, operation = only_operation(doc)
    assert (path, method) == ("/api/a", "get")
    assert operation["summary"] == "Short"
    assert operation["description"] == "Long text"
    assert operation["tags"] == ["g1"]
    assert doc["tags"] == [{"name": "g1"}]
    unnamed = only_operation(document(config(2, "/api/b")))[2]
    assert unnamed["summary"] == "Endpoint 2"
    assert "description" not in unnamed
    assert "tags" not in unnamed


def test_security_per_auth_type():
    doc = document(
        config(1, "/api/bearer"),
        config(2, "/api/session", auth_type="user_endpoint"),
        config(3, "/api/public", auth_type="public"),
    )
    security = {path: item["get"]["security"] for path, item in doc["paths"].items()}
    assert security == {
        "/api/bearer": [{"bearerAuth": []}],
        "/api/session": [{"sessionCookie": []}],
        "/api/public": [],
    }
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert schemes["sessionCookie"]["in"] == "cookie"
    assert schemes["sessionCookie"]["name"] == "session_id"
    public_only = document(config(3, "/api/public", auth_type="public"))
    assert "securitySchemes" not in public_only["components"]


@pytest.mark.parametrize(
    ("content_type", "schema_text", "check"),
    [
        (
            "application/json",
            '{"type": "object", "required": ["a"]}',
            lambda doc, media: validator_for(doc, media["schema"]).is_valid({"a": 1})
            and not validator_for(doc, media["schema"]).is_valid({}),
        ),
        (
            "application/json",
            "",
            lambda doc, media: validator_for(doc, media["schema"]).is_valid({"a": [1, "b"]})
            and not validator_for(doc, media["schema"]).is_valid({"a": ["b\x00"]}),
        ),
        (
            "text/plain",
            "",
            lambda doc, media: validator_for(doc, media["schema"]).is_valid("abc")
            and not validator_for(doc, media["schema"]).is_valid("a\x00"),
        ),
        (
            "text/plain",
            "type: string\nmaxLength: 3",
            lambda doc, media: not validator_for(doc, media["schema"]).is_valid("abcd"),
        ),
        (
            "text/csv",
            "type: array\nmaxItems: 1",
            lambda doc, media: media["schema"]["type"] == "string"
            and not validator_for(doc, media["x-payload-schema"]).is_valid([{}, {}]),
        ),
        (
            "application/x-www-form-urlencoded",
            "",
            lambda doc, media: validator_for(doc, media["schema"]).is_valid(
                {"a": "1", "b": ["2", "3"]}
            )
            and not validator_for(doc, media["schema"]).is_valid({"a": 1}),
        ),
        (
            "application/xml",
            XSD,
            lambda doc, media: media["x-xsd"] == XSD
            and media["schema"]["xml"] == {"name": "order"},
        ),
        ("application/xml", "", lambda doc, media: "x-xsd" not in media),
    ],
)
def test_request_bodies(content_type, schema_text, check):
    doc = document(
        config(route="/api/in", method="POST", content_type=content_type, schema=schema_text)
    )
    body = only_operation(doc)[2]["requestBody"]
    assert body["required"] is True
    assert list(body["content"]) == [content_type]
    assert check(doc, body["content"][content_type])


def test_no_body_for_get_and_optional_for_delete():
    get = only_operation(document(config(content_type="application/json")))[2]
    assert "requestBody" not in get
    delete = only_operation(document(config(method="DELETE", content_type="application/json")))[2]
    assert delete["requestBody"]["required"] is False
    assert "requestBody" not in only_operation(document(config(method="DELETE")))[2]


def test_csrf_parameter():
    operation = only_operation(
        document(config(method="POST", content_type="text/plain", csrf=True))
    )[2]
    assert [p["name"] for p in operation["parameters"]] == ["X-CSRF-Token", "Idempotency-Key"]


def test_error_statuses_per_operation():
    get = only_operation(document(config()))[2]["responses"]
    assert sorted(get) == ["200", "400", "401", "403", "404", "409", "500"]
    post = only_operation(
        document(
            config(
                method="POST",
                content_type="application/json",
                code="result = {'payload': 1, 'status_code': 201}",
            )
        )
    )[2]["responses"]
    assert sorted(post) == [
        "200", "201", "400", "401", "403", "404", "409", "413", "415", "422", "500",
    ]  # fmt: skip
    for status in ("400", "401", "403", "404", "409", "413", "415", "500"):
        assert post[status]["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{ERROR_SCHEMA}"
        }
    assert "WWW-Authenticate" in post["401"]["headers"]
    session = only_operation(document(config(auth_type="user_endpoint")))[2]["responses"]
    assert "headers" not in session["401"]
    assert "log in" in session["401"]["description"]


def test_rate_limit_and_key_scope_are_documented():
    limited = only_operation(document(config(rate_limit=10, rate_limit_period=60)))[2]
    responses = limited["responses"]
    assert "429" in responses
    assert "10 calls in 60 s" in responses["429"]["description"]
    assert {"Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} <= set(
        responses["429"]["headers"]
    )
    assert "RateLimit-Remaining" in responses["200"]["headers"]
    unlimited = only_operation(document(config()))[2]["responses"]
    assert "429" not in unlimited
    assert "headers" not in unlimited["200"]
    scoped = only_operation(document(config(api_key_scope="mobile")))[2]["responses"]
    assert "'rest_endpoint:mobile'" in scoped["403"]["description"]
    assert "global keys only" in unlimited["403"]["description"]


def test_response_schema_documents_the_payload():
    doc = document(
        config(
            response_schema="type: object\nrequired: [id]",
            code="result = {'status_code': 204}",
        )
    )
    responses = only_operation(doc)[2]["responses"]
    schema = responses["200"]["content"]["application/json"]["schema"]
    assert validator_for(doc, schema).is_valid({"id": 1})
    assert not validator_for(doc, schema).is_valid({})
    assert "content" not in responses["204"]


def test_error_schema_matches_the_real_error_bodies():
    """Bodies rendered by core/request/errors.py, the module the dispatcher uses."""
    doc = document(config(), config(2, "/api/rpc", "POST", route_type="json"))
    plain = validator_for(doc, {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"})
    envelope = validator_for(doc, {"$ref": f"#/components/schemas/{JSONRPC_ERROR_SCHEMA}"})
    violations = [
        {"path": "/a", "message": "bad", "validator": "type"},
        {"path": "/order", "line": 3, "message": "bad", "validator": "xsd"},
    ]
    raised = [
        core_errors.RequestValidationError("invalid", errors=violations),
        core_errors.MalformedBody("Malformed JSON"),
        core_errors.Unauthorized("no key"),
        core_errors.MethodNotAllowed(["GET", "POST"]),
        core_errors.InternalError("secret detail"),
        ValueError("anything else"),
    ]
    for exc in raised:
        info = core_errors.describe(exc)
        body = json.loads(json.dumps(core_errors.error_body(info)))
        assert not list(plain.iter_errors(body)), body
        debug = core_errors.error_body(info, debug="Traceback ...")
        assert plain.is_valid(debug)
        for request_id in (7, "x", None):
            rpc = json.loads(json.dumps(core_errors.jsonrpc_error(info, request_id)))
            assert not list(envelope.iter_errors(rpc)), rpc
    assert not plain.is_valid({"name": "n", "message": "m", "arguments": [], "context": {}, "x": 1})


def test_jsonrpc_operation():
    doc = document(
        config(
            route="/api/rpc/<int:scope>",
            method="POST",
            route_type="json",
            content_type="application/json",
            schema='{"type": "object", "required": ["q"]}',
            response_schema='{"type": "array"}',
        ),
        config(2, "/api/rpc-free", "POST", route_type="json"),
    )
    operation = doc["paths"]["/api/rpc/{scope}"]["post"]
    request = operation["requestBody"]["content"]["application/json"]["schema"]
    check = validator_for(doc, request)
    assert check.is_valid({"jsonrpc": "2.0", "method": "call", "params": {"q": 1}, "id": 1})
    assert not check.is_valid({"jsonrpc": "2.0", "params": {}})
    assert not check.is_valid({"jsonrpc": "1.0", "params": {"q": 1}})
    assert not check.is_valid({"q": 1})
    success = validator_for(
        doc, operation["responses"]["200"]["content"]["application/json"]["schema"]
    )
    assert success.is_valid({"jsonrpc": "2.0", "id": 1, "result": []})
    assert not success.is_valid({"jsonrpc": "2.0", "id": 1, "result": {}})
    assert sorted(operation["responses"]) == [
        "200", "400", "401", "403", "404", "409", "413", "415", "422", "500",
    ]  # fmt: skip
    not_found = operation["responses"]["404"]["content"]["application/json"]["schema"]
    assert len(not_found["anyOf"]) == 2  # a path that does not convert is no JSON-RPC call
    free = doc["paths"]["/api/rpc-free"]["post"]
    envelope = free["requestBody"]["content"]["application/json"]["schema"]
    assert envelope["required"] == ["jsonrpc"]  # params may be left out: {} is valid
    assert free["responses"]["404"]["content"]["application/json"]["schema"] == {
        "$ref": f"#/components/schemas/{JSONRPC_ERROR_SCHEMA}"
    }


def test_document_level():
    doc = document(config(), title="T", version="42")
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"] == "T"
    assert doc["info"]["version"] == "42"
    assert "405" in doc["info"]["description"]
    assert doc["servers"] == [{"url": SERVER}]
    assert document()["paths"] == {}


def test_every_kind_together_is_valid():
    routes = [
        "/api/k/<name>",
        "/api/k/s/<string(length=2):code>",
        "/api/k/i/<int:a>/<int(signed=True):b>",
        "/api/k/f/<float:x>",
        "/api/k/p/<path:rest>",
        "/api/k/u/<uuid:token>",
        "/api/k/any/<any(a, b):kind>",
    ]
    configs = [config(i, route) for i, route in enumerate(routes, 1)]
    types = ["application/json", "application/xml", "text/csv", "text/plain"]
    types.append("application/x-www-form-urlencoded")
    for i, (method, content_type) in enumerate(
        zip(["POST", "PUT", "PATCH", "DELETE", "POST"], types, strict=True), 100
    ):
        configs.append(
            config(
                i,
                f"/api/k/body{i}",
                method,
                content_type=content_type,
                auth_type=["public", "user_endpoint", "bearer"][i % 3],
            )
        )
    configs.append(config(200, "/api/k/rpc", "POST", route_type="json"))
    doc = document(*configs)
    assert sum(len(item) for item in doc["paths"].values()) == len(configs)
    assert "x-rest-endpoint-undocumented" not in doc
