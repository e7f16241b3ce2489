"""Endpoints as code: the YAML file format of endpoint definitions.

Read with the request schemas' loader (``core/request/schema.py``): no
anchors and aliases, no timestamps, and at most ``MAX_FILE_SIZE``
characters.

One document holds a list of endpoints, each with every field that changes
how it is served, in the terms a reviewer reads (a user by login, groups by
XML id, schemas and the snippet as text). This module is pure Python:

- ``json_schema()``: the JSON Schema of the format (enums from the model's
  selections, so an extension's values are accepted);
- ``dump()``: definitions -> YAML text, stable (fixed key order, endpoints
  sorted by identity, multi-line text as literal block scalars, no line
  folding), so that exporting twice gives identical bytes and a diff of two
  exports shows only real changes;
- ``load()``: YAML text -> definitions, checked against the JSON Schema and
  for duplicate identities, refused as a whole with every problem listed
  with its line (``FormatError``);
- ``plan()`` / ``format_plan()`` in ``endpoints_diff``.

Identity is ``(route, method)``. A model resource serves several methods
on two paths: it is written ``method: resource`` with its settings, by
model and field names, in a ``resource`` mapping, so its identity is
``(route, "resource")``.
"""

import yaml
from jsonschema import Draft202012Validator

from ..request.yaml_safe import SafeYamlLoader
from ..routing.routes import normalize_route

FORMAT = "rest_endpoint.endpoints/1"
HEADER = (
    "# REST endpoint definitions (rest_endpoint). Apply with the Import wizard or\n"
    "# odoo-bin rest_endpoint import -d DB FILE [--dry-run] [--publish] [--prune]\n"
)

#: Every key of an endpoint, in file order, with its default (``None``: none,
#: required). Keys equal to their default are left out of exports, except
#: ``ALWAYS`` ones, which a reviewer wants to see on every endpoint.
FIELDS = {
    "route": None,
    "method": None,
    "name": None,
    "summary": "",
    "description": "",
    "route_group": "",
    "route_type": "http",
    "auth": "user_endpoint",
    "exec_as": "",
    "company": "",
    "groups": (),
    "content_type": "",
    "request_schema": "",
    "response_schema": "",
    "exec_mode": "code",
    "code": "",
    "resource": {},
    "cors": "",
    "csrf": False,
    "readonly": False,
    "api_key_scope": "",
    "rate_limit": 0,
    "rate_limit_period": 60,
    "rate_limit_by": "user",
    "log_requests": "errors",
    "log_bodies": False,
    "idempotency_put_delete": False,
    "active": True,
}
REQUIRED = ("route", "method", "name")
ALWAYS = ("route", "method", "name", "route_type", "auth")
TEXT_FIELDS = ("description", "request_schema", "response_schema", "code")
#: The ``method`` of a model resource, and its settings with their defaults.
RESOURCE_METHOD = "resource"
RESOURCE_OPERATIONS = ("list", "read", "create", "update", "delete")
RESOURCE_KEYS = {
    "model": "",
    "fields": (),
    "writable": (),
    "required": (),
    "domain": "[]",
    "operations": ("list", "read"),
    "page_size": 50,
    "expand": "",
    "max_batch": 100,
}
METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")
RATE_LIMIT_BY = ("user", "key", "ip")
#: The largest endpoints file accepted, in characters: a thousand endpoints
#: with long snippets fit; a file meant to exhaust a worker does not.
MAX_FILE_SIZE = 2 * 1024 * 1024

_XMLID_RE = r"^[A-Za-z0-9_]+\.[A-Za-z0-9_.-]+$"


class FormatError(ValueError):
    """A file that cannot be applied; ``problems`` lists ``(line, where,
    message)``, line 0 when the file has no position for it."""

    def __init__(self, problems):
        self.problems = sorted(problems, key=lambda p: (p[0], p[1]))
        super().__init__(self.describe())

    def describe(self):
        count = len(self.problems)
        lines = [f"The endpoints file is refused ({count} problem{'s' * (count != 1)}):"]
        for line, where, message in self.problems:
            at = f"line {line}: " if line else ""
            lines.append(f"- {at}{where + ': ' if where else ''}{message}")
        return "\n".join(lines)


def json_schema(
    methods=METHOD_ORDER,
    route_types=("http", "json"),
    auth_types=("public", "user_endpoint", "bearer"),
    content_types=("",),
    exec_modes=("code", "resource"),
    log_modes=("none", "errors", "all"),
):
    """The JSON Schema (2020-12) of an endpoints file."""
    string = {"type": "string"}
    field_names = {
        "type": "array",
        "uniqueItems": True,
        "items": {"type": "string", "pattern": "^[a-z_][a-z0-9_]*$"},
    }
    endpoint = {
        "type": "object",
        "additionalProperties": False,
        "required": list(REQUIRED),
        "properties": {
            "route": {"type": "string", "pattern": "[^/ ]"},
            "method": {"enum": [*methods, RESOURCE_METHOD]},
            "name": {"type": "string", "minLength": 1},
            "summary": string,
            "description": string,
            "route_group": string,
            "route_type": {"enum": list(route_types)},
            "auth": {"enum": list(auth_types)},
            "exec_as": {"type": "string", "description": "login of the user"},
            "company": {"type": "string", "description": "name of the company"},
            "groups": {
                "type": "array",
                "uniqueItems": True,
                "items": {"type": "string", "pattern": _XMLID_RE},
                "description": "XML ids of the allowed groups",
            },
            "content_type": {"enum": list(content_types)},
            "request_schema": string,
            "response_schema": string,
            "exec_mode": {"enum": list(exec_modes)},
            "code": string,
            "resource": {
                "type": "object",
                "additionalProperties": False,
                "required": ["model", "fields"],
                "description": "a model resource (method: resource): its settings",
                "properties": {
                    "model": {"type": "string", "pattern": "^[a-z_][a-z0-9_.]*$"},
                    "fields": field_names,
                    "writable": field_names,
                    "required": field_names,
                    "domain": string,
                    "operations": {
                        "type": "array",
                        "uniqueItems": True,
                        "minItems": 1,
                        "items": {"enum": list(RESOURCE_OPERATIONS)},
                    },
                    "page_size": {"type": "integer", "minimum": 1, "maximum": 1000},
                    "expand": string,  # relation(field, ...), ... (resource_expand)
                    "max_batch": {"type": "integer", "minimum": 1, "maximum": 1000},
                },
            },
            "cors": string,
            "csrf": {"type": "boolean"},
            "readonly": {"type": "boolean"},
            "api_key_scope": {
                "type": "string",
                "pattern": "^[^\\s]*$",
                "description": "bearer endpoints: only keys of scope rest_endpoint:<this>",
            },
            "rate_limit": {"type": "integer", "minimum": 0, "description": "0: no limit"},
            "rate_limit_period": {"type": "integer", "minimum": 1, "description": "seconds"},
            "rate_limit_by": {
                "enum": list(RATE_LIMIT_BY),
                "description": "what a limit counts: user (all its keys and sessions), "
                "key, or ip; public callers by address",
            },
            "log_requests": {"enum": list(log_modes)},
            "log_bodies": {"type": "boolean"},
            "idempotency_put_delete": {"type": "boolean"},
            "active": {"type": "boolean"},
        },
        # a resource has its settings; any other endpoint has none
        "if": {"properties": {"method": {"const": RESOURCE_METHOD}}, "required": ["method"]},
        "then": {"required": ["resource"]},
        "else": {"not": {"required": ["resource"]}},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "rest_endpoint endpoint definitions",
        "type": "object",
        "additionalProperties": False,
        "required": ["format", "endpoints"],
        "properties": {
            "format": {"const": FORMAT},
            "endpoints": {"type": "array", "items": endpoint},
        },
    }


def identity(definition):
    """The key that matches a definition with a record."""
    return (definition["route"], definition["method"])


def label(definition):
    return f"{definition['method']} {definition['route']}"


def normalize(definition):
    """Every key, defaults filled, groups sorted: the form compared by the
    diff and returned by ``load``."""
    full = {key: definition.get(key, default) for key, default in FIELDS.items()}
    full["groups"] = sorted(full["groups"] or ())
    for key in ("exec_as", "company", "api_key_scope"):
        full[key] = full[key] or ""
    full["resource"] = normalize_resource(full["resource"])
    return full


def normalize_resource(resource):
    """A resource's settings with defaults filled and lists in a stable
    order ({} for an endpoint that is not a resource)."""
    if not resource:
        return {}
    full = {key: resource.get(key, default) for key, default in RESOURCE_KEYS.items()}
    for key in ("fields", "writable", "required"):
        full[key] = sorted(full[key] or ())
    operations = set(full["operations"] or ())
    full["operations"] = [op for op in RESOURCE_OPERATIONS if op in operations]
    full["domain"] = full["domain"] or "[]"
    full["expand"] = full["expand"] or ""
    return full


def sort_key(definition):
    method = definition["method"]
    order = METHOD_ORDER.index(method) if method in METHOD_ORDER else len(METHOD_ORDER)
    return (definition.get("route_group") or "", definition["route"], order, method)


# ---------------------------------------------------------------------------
# Dump
# ---------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Literal block scalars for multi-line text; never aliases."""

    def ignore_aliases(self, data):
        return True


def _represent_str(dumper, data):
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)


def _resource_entry(resource):
    """A resource's settings as written: the model and fields always, the
    others when they differ from their default."""
    entry = {}
    for key, default in RESOURCE_KEYS.items():
        value = resource[key]
        if key in ("model", "fields") or value != (
            list(default) if isinstance(default, tuple) else default
        ):
            entry[key] = value
    return entry


def dump(definitions):
    """The YAML text of ``definitions`` (dicts with the keys of ``FIELDS``)."""
    endpoints = []
    for definition in sorted((normalize(d) for d in definitions), key=sort_key):
        entry = {}
        for key, default in FIELDS.items():
            value = definition[key]
            if key in ALWAYS or value != (list(default) if key == "groups" else default):
                entry[key] = value
        if entry.get("resource"):
            entry["resource"] = _resource_entry(entry["resource"])
        endpoints.append(entry)
    body = yaml.dump(
        {"format": FORMAT, "endpoints": endpoints},
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        indent=2,
        width=1 << 20,
    )
    return HEADER + body


# ---------------------------------------------------------------------------
# Load
# ---------------------------------------------------------------------------


def _positions(node, path, out, problems):
    """Map each JSON path (tuple) of the composed tree to its 1-based line;
    duplicate mapping keys (which PyYAML would silently merge) are problems."""
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in seen:
                problems.append(
                    (key_node.start_mark.line + 1, where(path), f"duplicate key {key!r}")
                )
            seen.add(key)
            _positions(value_node, (*path, key), out, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _positions(item, (*path, index), out, problems)


def where(path):
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class Loaded:
    """The definitions of a file (normalized) and where each one starts."""

    def __init__(self, definitions, lines):
        self.definitions = definitions
        self._lines = lines

    def line(self, index, key=None):
        path = ("endpoints", index) + ((key,) if key else ())
        return self._lines.get(path) or self._lines.get(path[:2], 0)


def load(text, schema=None):
    """Parse and check ``text``; return ``Loaded`` or raise ``FormatError``
    with every problem of the file."""
    schema = schema or json_schema()
    if len(text) > MAX_FILE_SIZE:
        raise FormatError(
            [(0, "", f"the file is too large: {len(text)} characters, at most {MAX_FILE_SIZE}")]
        )
    # no anchors and aliases (a "YAML bomb" of nested aliases), like schemas
    loader = SafeYamlLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except RecursionError as exc:
        raise FormatError([(0, "", "not valid YAML: nested too deeply")]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 0
        message = " ".join(filter(None, [getattr(exc, "context", None), exc.problem]))
        raise FormatError([(line, "", f"not valid YAML: {message}")]) from exc
    finally:
        loader.dispose()
    lines, problems = {}, []
    if node is not None:
        _positions(node, (), lines, problems)

    def line_of(path):
        path = tuple(path)
        while path and path not in lines:
            path = path[:-1]
        return lines.get(path, 1)

    for error in Draft202012Validator(schema).iter_errors(data):
        path = tuple(error.absolute_path)
        problems.append((line_of(path), where(path), error.message))
    raw_endpoints = data.get("endpoints") if isinstance(data, dict) else None
    definitions, first_seen = [], {}
    for index, raw in enumerate(raw_endpoints if isinstance(raw_endpoints, list) else ()):
        if not (
            isinstance(raw, dict)
            and isinstance(raw.get("route"), str)
            and isinstance(raw.get("method"), str)
        ):
            continue  # reported by the schema
        definition = normalize(raw)
        definition["route"] = normalize_route(definition["route"])
        key = identity(definition)
        if key in first_seen:
            problems.append(
                (
                    line_of(("endpoints", index)),
                    where(("endpoints", index)),
                    f"{label(definition)} is already defined at line {first_seen[key]}",
                )
            )
        first_seen.setdefault(key, line_of(("endpoints", index)))
        definitions.append(definition)
    if problems:
        raise FormatError(problems)
    return Loaded(definitions, lines)
