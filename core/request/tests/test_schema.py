import json

import pytest
import referencing.exceptions
import yaml

from core.request import schema, yaml_safe
from core.request.body import parse_body
from core.request.errors import RequestValidationError
from core.request.schema import (
    JsonSchemaValidator,
    SchemaError,
    check_schema,
    compile_json_schema,
    compile_schema,
    json_pointer,
    load_yaml_or_json,
)
from core.request.tests.schema_cases import ORDER_XSD, errors_of

SECRET = "secret-from-the-filesystem"

# --- Loading -------------------------------------------------------------------


def test_load_json_and_yaml():
    assert load_yaml_or_json('{"type": "object"}') == {"type": "object"}
    assert load_yaml_or_json("true") is True
    assert load_yaml_or_json(b"false") is False
    text = "type: object\nrequired: [name]\nproperties:\n  name: {type: string}\n"
    assert load_yaml_or_json(text) == {
        "type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string"}},
    }


def test_yaml_dates_stay_strings():
    assert load_yaml_or_json("examples: [2024-01-31, 2024-01-31T10:00:00Z]") == {
        "examples": ["2024-01-31", "2024-01-31T10:00:00Z"]
    }


YAML_BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
)


@pytest.mark.parametrize("loader", [load_yaml_or_json, compile_json_schema, check_schema])
def test_yaml_alias_bomb_refused_before_expansion(loader, monkeypatch):
    """Refused at the first anchor: two nodes composed (the document's
    mapping and its first key), none constructed, no alias followed."""
    composed, constructed = [], []
    compose_node = yaml_safe.SafeYamlLoader.compose_node

    def counting_compose(self, parent, index):
        composed.append(self.peek_event())
        return compose_node(self, parent, index)

    monkeypatch.setattr(yaml_safe.SafeYamlLoader, "compose_node", counting_compose)
    monkeypatch.setattr(
        yaml.constructor.BaseConstructor,
        "construct_object",
        lambda *a, **k: constructed.append(a),
    )
    args = (YAML_BOMB, "application/json") if loader is check_schema else (YAML_BOMB,)
    with pytest.raises(SchemaError) as info:
        loader(*args)
    assert [type(event).__name__ for event in composed] == [
        "MappingStartEvent",
        "ScalarEvent",
        "SequenceStartEvent",
    ]
    assert constructed == []
    assert str(info.value) == (
        "YAML aliases are not allowed: found the anchor '&a' at line 1, column 4."
    )


def test_yaml_alias_to_unknown_anchor_refused():
    with pytest.raises(SchemaError) as info:
        load_yaml_or_json("type: object\nproperties: *props\n")
    assert str(info.value) == (
        "YAML aliases are not allowed: found the alias '*props' at line 2, column 13."
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "type: object\nproperties:\n  a: [1, 2\n",
            "Invalid YAML: expected ',' or ']', but got '<stream end>' "
            "(while parsing a flow sequence) at line 4, column 1.",
        ),
        (
            "type: object\n  bad: indent\n",
            "Invalid YAML: mapping values are not allowed here at line 2, column 6.",
        ),
        (
            '{"type": "object",, }',
            "Invalid JSON: Expecting property name enclosed in double quotes at line 1, column 19.",
        ),
        ("[1, 2]", "A schema must be an object or a boolean, not an array."),
        ("just words", "A schema must be an object or a boolean, not a string."),
        ("42", "A schema must be an object or a boolean, not a number."),
        ("# only a comment", "A schema must be an object or a boolean, not null."),
        ("1: a", "The key 1 at the root is not a string; quote it."),
        ("properties:\n  200: {}", "The key 200 at '/properties' is not a string; quote it."),
        ("x: !!binary aGVsbG8=", "The value at '/x' has no JSON equivalent (bytes)."),
        ("x: !!set {a, b}", "The value at '/x' has no JSON equivalent (set)."),
        ("x: [1, .inf]", "The number at '/x/1' is not finite."),
        ('{"x": NaN}', "The number at '/x' is not finite."),
    ],
)
def test_load_refuses(text, message):
    with pytest.raises(SchemaError) as info:
        load_yaml_or_json(text)
    assert str(info.value) == message


def test_yaml_python_tags_refused():
    with pytest.raises(SchemaError, match="Invalid YAML: could not determine a constructor"):
        load_yaml_or_json("x: !!python/object/apply:os.system ['true']")


@pytest.mark.parametrize(
    "text", ["[" * 100_000, '{"a":' * 5000, "a: " + "[" * 1000, "a:\n" + "- " * 5000 + "x"]
)
def test_deep_schema_text_refused(text):
    with pytest.raises(SchemaError) as info:
        load_yaml_or_json(text)
    assert str(info.value) == "The schema is nested too deeply."


@pytest.mark.parametrize(
    ("path", "pointer"),
    [((), ""), (("items", 0, "qty"), "/items/0/qty"), (("a/b", "m~n"), "/a~1b/m~0n")],
)
def test_json_pointer(path, pointer):
    assert json_pointer(path) == pointer


# --- JSON Schema -----------------------------------------------------------------

ORDER_SCHEMA = {
    "type": "object",
    "required": ["customer", "items"],
    "additionalProperties": False,
    "properties": {
        "customer": {"type": "string", "minLength": 2},
        "email": {"type": "string", "format": "email"},
        "items": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["sku", "qty"],
                "properties": {
                    "sku": {"type": "string", "pattern": "^[A-Z]+[0-9]+$"},
                    "qty": {"type": "integer", "minimum": 1},
                },
            },
        },
    },
}


def test_json_schema_accepts_valid_payload():
    validator = compile_json_schema(json.dumps(ORDER_SCHEMA))
    assert isinstance(validator, JsonSchemaValidator)
    assert validator.kind == "jsonschema"
    assert validator.schema == ORDER_SCHEMA
    payload = {"customer": "ACME", "email": "a@b.example", "items": [{"sku": "AB1", "qty": 2}]}
    assert validator.validate(payload) is None


def test_json_schema_lists_every_violation_sorted():
    validator = compile_json_schema(json.dumps(ORDER_SCHEMA))
    payload = {
        "customer": "A",
        "email": "not-an-email",
        "extra": True,
        "items": [
            {"sku": "AB1", "qty": 0},
            {"sku": "lower", "qty": "2"},
            {"qty": 1},
            *[{"sku": "OK1", "qty": 1}] * 7,
            {"sku": "OK1", "qty": -1},
        ],
    }
    exc = errors_of(validator, payload)
    assert exc.message == "Request body does not match the schema (8 errors)."
    assert exc.errors == [
        {
            "path": "",
            "message": "Additional properties are not allowed ('extra' was unexpected)",
            "validator": "additionalProperties",
        },
        {"path": "/customer", "message": "'A' is too short", "validator": "minLength"},
        {
            "path": "/email",
            "message": "'not-an-email' is not a 'email'",
            "validator": "format",
        },
        {
            "path": "/items/0/qty",
            "message": "0 is less than the minimum of 1",
            "validator": "minimum",
        },
        {
            "path": "/items/1/qty",
            "message": "'2' is not of type 'integer'",
            "validator": "type",
        },
        {
            "path": "/items/1/sku",
            "message": "'lower' does not match '^[A-Z]+[0-9]+$'",
            "validator": "pattern",
        },
        {"path": "/items/2", "message": "'sku' is a required property", "validator": "required"},
        {
            "path": "/items/10/qty",
            "message": "-1 is less than the minimum of 1",
            "validator": "minimum",
        },
    ]


def test_json_schema_single_error_and_pointer_escaping():
    validator = compile_json_schema('{"properties": {"a/b~c": {"type": "integer"}}}')
    exc = errors_of(validator, {"a/b~c": "x"})
    assert exc.message == "Request body does not match the schema (1 error)."
    assert exc.errors == [
        {"path": "/a~1b~0c", "message": "'x' is not of type 'integer'", "validator": "type"}
    ]


def test_json_schema_several_required_at_root():
    validator = compile_json_schema(json.dumps(ORDER_SCHEMA))
    exc = errors_of(validator, {})
    assert [(e["path"], e["validator"], e["message"]) for e in exc.errors] == [
        ("", "required", "'customer' is a required property"),
        ("", "required", "'items' is a required property"),
    ]


def test_yaml_schema_validates_csv_rows():
    validator = compile_schema(
        "type: array\nitems:\n  type: object\n  required: [sku]\n"
        "  properties:\n    qty: {type: string, pattern: '^[0-9]+$'}\n",
        "text/csv",
    )
    assert validator.kind == "jsonschema"
    rows = parse_body(b"sku,qty\nA,1\nB,x\n", "text/csv")
    exc = errors_of(validator, rows)
    assert exc.errors == [
        {"path": "/1/qty", "message": "'x' does not match '^[0-9]+$'", "validator": "pattern"}
    ]


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        (
            '{"type": "nope"}',
            "Invalid JSON Schema at '/type': 'nope' is not valid under any of the given schemas.",
        ),
        (
            '{"properties": {"qty": {"minimum": "one"}}}',
            "Invalid JSON Schema at '/properties/qty/minimum': 'one' is not of type 'number'.",
        ),
        ('{"required": "name"}', "Invalid JSON Schema at '/required': 'name' is not of type"),
        ('{"pattern": "(unclosed"}', "Invalid JSON Schema at '/pattern': '(unclosed' is not a"),
    ],
)
def test_invalid_json_schema_refused(schema, message):
    with pytest.raises(SchemaError) as info:
        compile_json_schema(schema)
    assert str(info.value).startswith(message)
    with pytest.raises(SchemaError):
        check_schema(schema, "application/json")


def test_local_references_work():
    validator = compile_json_schema(
        json.dumps(
            {
                "$defs": {
                    "qty": {"type": "integer", "minimum": 1},
                    "nested": {
                        "$id": "https://example.com/nested",
                        "$defs": {"code": {"type": "string"}},
                        "properties": {"code": {"$ref": "#/$defs/code"}},
                    },
                },
                "properties": {
                    "qty": {"$ref": "#/$defs/qty"},
                    "n": {"$ref": "https://example.com/nested"},
                    "anchored": {"$anchor": "a", "type": "boolean"},
                    "via_anchor": {"$ref": "#a"},
                    "meta": {"$ref": "https://json-schema.org/draft/2020-12/schema"},
                },
            }
        )
    )
    exc = errors_of(validator, {"qty": 0, "n": {"code": 1}, "via_anchor": "x", "meta": {"type": 1}})
    assert [(e["path"], e["validator"]) for e in exc.errors] == [
        ("/meta/type", "anyOf"),
        ("/n/code", "type"),
        ("/qty", "minimum"),
        ("/via_anchor", "type"),
    ]


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("file://{secret}", "never to files or URLs"),
        ("https://example.com/remote.json", "never to files or URLs"),
        ("other.json", "never to files or URLs"),
        ("#/$defs/missing", "the schema has no such part"),
        ("#nowhere", "the schema has no such part"),
    ],
)
def test_unresolvable_references_refused_at_compile_time(ref, message, tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"const": SECRET}))
    ref = ref.format(secret=secret)
    schema = json.dumps({"properties": {"a": {"items": {"$ref": ref}}}})
    with pytest.raises(SchemaError) as info:
        compile_json_schema(schema)
    assert str(info.value).startswith(f"Cannot resolve $ref {ref!r}: ")
    assert message in str(info.value)
    assert SECRET not in str(info.value)


def test_remote_references_never_fetched_even_when_validating(tmp_path):
    # jsonschema's default would urlopen() this file and put its content in the
    # error message; our validator resolves nothing outside the schema.
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"const": SECRET}))
    validator = JsonSchemaValidator({"$ref": f"file://{secret}"})
    with pytest.raises(referencing.exceptions.Unresolvable) as info:
        validator.validate("anything")
    assert SECRET not in str(info.value)


def test_recursion_during_validation_is_one_error():
    validator = compile_json_schema('{"items": {"$ref": "#"}}')
    # The guard of the pure-Python path (jsonschema-rs, when installed, is not
    # recursive; request bodies are capped at body.MAX_DEPTH anyway).
    validator._fast = None
    payload = []
    for _ in range(5000):
        payload = [payload]
    exc = errors_of(validator, payload)
    assert exc.message == "Request body does not match the schema (1 error)."
    assert exc.errors == [{"path": "", "message": "nesting too deep", "validator": "depth"}]


def test_max_json_depth_validates_without_recursion_error():
    validator = compile_json_schema('{"items": {"$ref": "#"}, "type": "array"}')
    payload = parse_body(b"[" * 100 + b"]" * 100, "application/json")
    assert validator.validate(payload) is None


# --- XSD -------------------------------------------------------------------------


@pytest.mark.parametrize("text", [None, "", "   \n\t"])
def test_blank_schema_is_none(text):
    assert compile_schema(text, "application/json") is None
    assert compile_schema(text, "application/xml") is None
    assert check_schema(text, "application/json") is None


@pytest.mark.parametrize(
    ("content_type", "text", "kind"),
    [
        ("application/xml", ORDER_XSD, "xsd"),
        ("text/xml", ORDER_XSD, "xsd"),
        ("application/xml; charset=utf-8", ORDER_XSD, "xsd"),
        ("application/json", '{"type": "object"}', "jsonschema"),
        ("text/csv", "type: array", "jsonschema"),
        ("application/x-www-form-urlencoded", "type: object", "jsonschema"),
        ("text/plain", '{"maxLength": 10}', "jsonschema"),
        ("", "true", "jsonschema"),
    ],
)
def test_compile_schema_picks_the_kind(content_type, text, kind):
    assert compile_schema(text, content_type).kind == kind
    assert check_schema(text, content_type) is None


def test_check_schema_refuses_json_schema_for_xml_and_xsd_for_json():
    with pytest.raises(SchemaError, match="Invalid XSD"):
        check_schema('{"type": "object"}', "application/xml")
    with pytest.raises(SchemaError) as info:
        check_schema(ORDER_XSD, "application/json")
    assert str(info.value) == (
        "A schema must be an object or a boolean, not a string (this looks like XML: "
        "an XSD applies to application/xml endpoints only)."
    )


# --- the jsonschema-rs fast path never changes a decision ---------------------

_DECISION_CASES = [
    (
        "type: object\nrequired: [a]\nproperties: {a: {type: integer, minimum: 1}}",
        [
            {"a": 1},
            {"a": 0},
            {},
            {"a": "1"},
            {"a": 1.0},
            {"a": True},
            [],
            None,
        ],
    ),
    ("type: string\nformat: email", ["a@b.example", "nope", 3]),
    ("type: string\nformat: date", ["2026-11-23", "2026-13-40", "x"]),
    ("type: string\npattern: '^[A-Z]{2}-\\\\d+$'", ["AB-12", "ab-12", "AB-", "XAB-1"]),
    (
        "type: array\nitems: {type: number}\nminItems: 1\nuniqueItems: true",
        [
            [1, 2],
            [1, 1],
            [],
            [1, "a"],
            [1.0, 1],
        ],
    ),
    ("oneOf: [{type: integer}, {type: number, multipleOf: 0.5}]", [1, 1.5, 2.0, 1.3, "x"]),
    (
        '{"$defs": {"n": {"type": "integer"}}, "type": "array", "items": {"$ref": "#/$defs/n"}}',
        [
            [1, 2],
            [1, "x"],
        ],
    ),
    ("type: object\nadditionalProperties: false\nproperties: {a: {}}", [{"a": None}, {"b": 1}]),
    ("type: integer\nmaximum: 10", [10, 11, 2**70, -(2**70)]),
]


@pytest.mark.parametrize(("text", "instances"), _DECISION_CASES)
def test_fast_path_agrees_with_jsonschema(text, instances):
    validator = schema.compile_json_schema(text)
    for instance in instances:
        expected = validator._validator.is_valid(instance)
        try:
            validator.validate(instance)
            accepted = True
        except RequestValidationError:
            accepted = False
        assert accepted == expected, instance


def test_fast_path_in_use_when_installed():
    validator = schema.compile_json_schema("type: object")
    assert (validator._fast is not None) == (schema.jsonschema_rs is not None)
