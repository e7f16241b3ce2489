"""Example values built from a JSON Schema pass that schema."""

import re

import pytest

from core.request.examples import example, from_pattern, is_valid

PATTERNS = [
    r"^[A-Z0-9][A-Z0-9-]{2,31}$",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
    r"^[0-9+() ./-]+$",
    r"^[A-Z]{3}$",
    r"^(?:ab|cd)+\d{2}$",
    r"^[^\x00]*$",
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_strings_built_from_patterns_match_them(pattern):
    text = from_pattern(pattern)
    assert text is not None and re.search(pattern, text)


def test_the_schema_s_own_example_comes_first():
    schema = {"type": "string", "minLength": 2, "examples": ["x", "given"], "default": "dflt"}
    assert example(schema) == "given"  # "x" is too short: the next valid one
    assert example({"type": "integer", "default": 7}) == 7


def test_objects_keep_required_and_valid_optional_properties():
    schema = {
        "type": "object",
        "required": ["reference", "qty", "email"],
        "properties": {
            "reference": {"type": "string", "pattern": r"^[A-Z]{2}-\d{4}$"},
            "qty": {"type": "integer", "exclusiveMinimum": 0, "maximum": 10},
            "email": {"type": "string", "format": "email"},
            "when": {"type": "string", "format": "date-time"},
            "lines": {"type": "array", "minItems": 2, "items": {"enum": ["a", "b"]}},
        },
        "additionalProperties": False,
    }
    value = example(schema)
    assert is_valid(schema, schema, value)
    assert value["qty"] == 1 and value["lines"] == ["a", "a"]
    assert re.fullmatch(r"[A-Z]{2}-\d{4}", value["reference"])


def test_references_resolve_in_the_document():
    document = {
        "components": {"schemas": {"Name": {"type": "string", "minLength": 3, "maxLength": 5}}}
    }
    schema = {
        "type": "object",
        "required": ["n"],
        "properties": {"n": {"$ref": "#/components/schemas/Name"}},
    }
    value = example(schema, document)
    assert 3 <= len(value["n"]) <= 5


def test_no_valid_value_gives_none():
    # nothing can be both a string of 2+ and at most 1 characters
    assert example({"type": "string", "minLength": 2, "maxLength": 1}) is None
