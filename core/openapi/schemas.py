"""What the OpenAPI document says of one value: path parameters from the
route's werkzeug converters, request and response schemas (JSON or YAML,
hoisted into ``components/schemas``), the root element of an XSD and the
success statuses a snippet sets literally.

Pure Python, no Odoo import; ``core/openapi/operations.py`` uses these to
describe operations.
"""

import ast
import copy

from jsonschema import Draft202012Validator
from lxml import etree

from ..request.body import new_xml_parser
from ..request.schema import XSD_NAMESPACE, load_yaml_or_json
from ..routing.routes import Placeholder, parse_route
from .components import HAS_NUL_PATTERN, NUL_FREE_PATTERN

_DATA_KEYWORDS = frozenset({"const", "enum", "default", "examples", "example"})
_ALL_TYPES = frozenset({"string", "object", "array", "number", "integer", "boolean", "null"})
# Keywords holding subschemas that constrain the value itself (``not`` and
# ``if`` are left alone: a constraint added under a negation or a condition
# would change what they mean).
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_ONE = (
    "additionalProperties",
    "items",
    "contains",
    "then",
    "else",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
)


class DocumentError(ValueError):
    """A published configuration that cannot be described (kept out of the
    document, with the reason in ``x-rest-endpoint-undocumented``)."""


# --- Paths -------------------------------------------------------------------


def openapi_path(route):
    """``(path template, [Placeholder])`` of a werkzeug-style route."""
    parsed = parse_route(route)
    text = "".join(
        f"{{{part.name}}}" if isinstance(part, Placeholder) else part for part in parsed.parts
    )
    return text, list(parsed.placeholders)


def converter_schema(placeholder):
    """The JSON Schema of the values a converter accepts, as the client
    writes them in the path."""
    converter = placeholder.make_converter()
    kind = placeholder.converter
    if kind in ("default", "string"):
        schema = {"type": "string", "pattern": f"^{converter.regex}$"}
        kwargs = dict(placeholder.kwargs)
        names = ("minlength", "maxlength", "length")
        values = dict(zip(names, placeholder.args, strict=False)) | kwargs
        if values.get("length") is not None:
            schema["minLength"] = schema["maxLength"] = int(values["length"])
        else:
            schema["minLength"] = int(values.get("minlength", 1))
            if values.get("maxlength") is not None:
                schema["maxLength"] = int(values["maxlength"])
        return forbid_nul(schema)
    if kind == "path":
        schema = {"type": "string", "pattern": f"^{converter.regex}$", "minLength": 1}
        return forbid_nul(schema)
    if kind == "uuid":
        return {"type": "string", "format": "uuid"}
    if kind == "any":
        return {"type": "string", "enum": [str(item) for item in placeholder.args]}
    if kind in ("int", "float"):
        fixed = getattr(converter, "fixed_digits", 0)
        if fixed:
            # Zero-padded in the path: a number would be written without the padding.
            return {"type": "string", "pattern": f"^\\d{{{int(fixed)}}}$"}
        schema = {"type": "integer" if kind == "int" else "number"}
        if converter.min is not None:
            schema["minimum"] = converter.min
        elif not converter.signed:
            schema["minimum"] = 0
        if converter.max is not None:
            schema["maximum"] = converter.max
        if kind == "float":
            schema["description"] = "Written with a decimal point in the path, e.g. 1.5."
        return schema
    raise DocumentError(f"Unknown converter {kind!r}.")


def path_parameter(placeholder):
    return {
        "name": placeholder.name,
        "in": "path",
        "required": True,
        "schema": converter_schema(placeholder),
    }


# --- Schemas -----------------------------------------------------------------


def load_json_schema(text):
    """The JSON Schema of an endpoint (JSON or YAML text) as an object, or
    None when the text is blank. Boolean schemas become their object form."""
    if not text or not text.strip():
        return None
    schema = load_yaml_or_json(text)
    if schema is True:
        return {}
    if schema is False:
        return {"not": {}}
    return schema


def hoist_schema(schema, name):
    """A copy of ``schema`` to be stored as ``components/schemas/<name>``.

    An endpoint's schema refers to its own parts with ``#/...``, relative to
    the schema itself; once embedded, ``#`` would mean the OpenAPI document.
    Such references are rewritten to go through the component, and a root
    ``$id`` (which would change the base of every reference) is dropped.
    """
    schema = copy.deepcopy(schema)
    if isinstance(schema, dict):
        schema.pop("$id", None)
    prefix = f"#/components/schemas/{name}"

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("$ref", "$dynamicRef") and isinstance(value, str):
                    if value == "#" or value.startswith("#/"):
                        node[key] = prefix + value[1:]
                elif key not in _DATA_KEYWORDS:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(schema)
    return schema


def forbid_nul(node):
    """``node`` (a schema object, changed in place) refusing U+0000 in the
    strings it accepts, without touching the pattern it may already have."""
    if "pattern" not in node:
        node["pattern"] = NUL_FREE_PATTERN
    elif "not" not in node:
        node["not"] = {"pattern": HAS_NUL_PATTERN}
    else:
        node.setdefault("allOf", []).append({"not": {"pattern": HAS_NUL_PATTERN}})
    return node


def nul_free(schema, any_value_ref):
    """A copy of the request schema ``schema`` that refuses U+0000 wherever
    it accepts text: strings, object keys, and the values it leaves open
    (``true``, unlisted properties or items), which become ``any_value_ref``
    (a reference to the recursive "any value without NUL" component).

    The server refuses such requests (400): the document must not call them
    valid. Constraints only narrow what ``schema`` accepts by that one
    character; every type keeps the keywords that apply to it alone
    (``pattern`` to strings, ``propertyNames`` to objects, ``items`` to
    arrays), so nothing else changes.
    """
    if schema is True or schema == {}:
        return {"$ref": any_value_ref}
    if not isinstance(schema, dict):
        return schema
    node = dict(schema)
    for key in _SCHEMA_MAPS:
        if isinstance(node.get(key), dict):
            node[key] = {name: nul_free(sub, any_value_ref) for name, sub in node[key].items()}
    for key in _SCHEMA_LISTS:
        if isinstance(node.get(key), list):
            node[key] = [nul_free(sub, any_value_ref) for sub in node[key]]
    for key in _SCHEMA_ONE:
        if key in node:
            node[key] = nul_free(node[key], any_value_ref)
    if (
        "const" in node
        or "enum" in node
        or ("$ref" in node and set(node) <= {"$ref", "description"})
    ):
        return node  # fixed values, or a reference: its target is rewritten itself
    types = node.get("type", _ALL_TYPES)
    types = {types} if isinstance(types, str) else set(types)
    if "string" in types:
        forbid_nul(node)
    if "object" in types:
        node.setdefault("propertyNames", {"pattern": NUL_FREE_PATTERN})
        if "unevaluatedProperties" not in node:
            node.setdefault("additionalProperties", {"$ref": any_value_ref})
    if "array" in types and "unevaluatedItems" not in node:
        node.setdefault("items", {"$ref": any_value_ref})
    return node


def accepts(schema, value):
    """Whether ``value`` is valid against the JSON Schema ``schema``."""
    if schema is None:
        return True
    try:
        return Draft202012Validator(schema).is_valid(value)
    except Exception:  # an unresolvable reference: be conservative
        return False


def xsd_root_element(xsd):
    """The name of the first global element of an XSD, or None."""
    data = xsd.encode("utf-8") if isinstance(xsd, str) else xsd
    try:
        root = etree.fromstring(data, new_xml_parser(encoding="utf-8"))
    except etree.XMLSyntaxError:
        return None
    for element in root.iterchildren(f"{{{XSD_NAMESPACE}}}element"):
        if element.get("name"):
            return element.get("name")
    return None


# --- Snippet statuses --------------------------------------------------------


def literal_success_statuses(code):
    """The 2xx statuses a snippet sets literally (``'status_code': 201``).

    The pipeline answers 200 unless the snippet says otherwise; a status
    written as a literal in the snippet is one the caller can get, so it is
    documented too. Computed statuses cannot be known and are not.
    """
    try:
        tree = ast.parse(code or "")
    except SyntaxError:
        return set()
    found = set()

    def add(value):
        if (
            isinstance(value, ast.Constant)
            and isinstance(value.value, int)
            and not isinstance(value.value, bool)
            and 200 <= value.value < 300
        ):
            found.add(value.value)

    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "status_code":
                    add(value)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.slice, ast.Constant)
                    and target.slice.value == "status_code"
                ):
                    add(node.value)
    return found
