"""A Postman collection (format v2.1) from the OpenAPI document.

App developers import it in Postman (or run it with newman) and get one
request per operation, grouped in one folder per route group (the OpenAPI
tags), with the path parameters as Postman path variables, an example body
that passes the request schema (the media's or schema's own example first,
see ``core/request/examples.py``), a test script asserting the documented
status and JSON schema (``postman_scripts.py``), and collection variables:
``baseUrl`` (the server of the document), ``bearerKey`` (the Odoo API key,
sent as ``Authorization: Bearer`` by every bearer endpoint) and one per
record path: ``<collection path>_<parameter>``, set by the create (POST) on
the collection path when it runs, else the id the exporting server gave
(``path_values``: a record that exists there).

In a folder, creates run first and deletes last, so a run reads, updates and
deletes the record it created instead of existing data.

The collection is derived from the OpenAPI document only, so it describes
exactly what the document does: the published endpoints.
"""

import copy
import json
import re
from urllib.parse import urljoin

from ..request import examples as valid_examples
from . import postman_scripts

SCHEMA_URL = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
BASE_URL_VAR = "baseUrl"
BEARER_VAR = "bearerKey"
_METHODS = ("get", "post", "put", "patch", "delete")
_PARAM_RE = re.compile(r"\{([^}/]+)\}")
_MAX_DEPTH = 8
IDEMPOTENCY_HEADER = "Idempotency-Key"

BEARER_AUTH = {
    "type": "bearer",
    "bearer": [{"key": "token", "value": "{{" + BEARER_VAR + "}}", "type": "string"}],
}
NO_AUTH = {"type": "noauth"}


def _resolve(document, schema, depth=0):
    """``schema`` with a top-level ``$ref`` into the document followed."""
    while isinstance(schema, dict) and "$ref" in schema and depth < _MAX_DEPTH:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            return {}
        node = document
        for part in ref[2:].split("/"):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        schema, depth = node, depth + 1
    return schema if isinstance(schema, dict) else {}


def example(document, schema, depth=0):
    """An example value for ``schema``: its own example when it has one,
    else one built from its properties, else a placeholder of its type."""
    schema = _resolve(document, schema)
    if depth > _MAX_DEPTH:
        return None
    for key in ("examples", "example", "const", "default", "enum"):
        if key in schema:
            value = schema[key]
            if key in ("examples", "enum"):
                if value:
                    return copy.deepcopy(value[0])
                continue
            return copy.deepcopy(value)
    for key in ("oneOf", "anyOf"):
        if schema.get(key):  # the first alternative (a resource's single create)
            return example(document, schema[key][0], depth + 1)
    if schema.get("allOf"):
        merged = {}
        for part in schema["allOf"]:
            value = example(document, part, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        return {
            name: example(document, sub, depth + 1)
            for name, sub in schema.get("properties", {}).items()
        }
    if kind == "array":
        item = example(document, schema.get("items", {}), depth + 1)
        return [] if item is None else [item]
    return {"string": "", "integer": 0, "number": 0, "boolean": False}.get(kind)


def _url(path, operation, document, values):
    """The Postman URL; ``values``: {parameter: value or '{{variable}}'}."""
    segments = [
        _PARAM_RE.sub(lambda m: ":" + m.group(1), part) for part in path.strip("/").split("/")
    ]
    variables = []
    for parameter in operation.get("parameters", ()):
        if parameter.get("in") != "path":
            continue
        value = values.get(parameter["name"])
        if value is None:
            value = valid_examples.example(parameter.get("schema", {}), document)
        variable = {"key": parameter["name"], "value": "" if value is None else str(value)}
        if parameter.get("description"):
            variable["description"] = parameter["description"]
        variables.append(variable)
    url = {
        "raw": "{{" + BASE_URL_VAR + "}}/" + "/".join(segments),
        "host": ["{{" + BASE_URL_VAR + "}}"],
        "path": segments,
    }
    if variables:
        url["variable"] = variables
    return url


def _valid_example(document, media):
    """The media's example, else one that passes its schema, else the
    placeholder of :func:`example`."""
    if "example" in media:
        return copy.deepcopy(media["example"])
    schema = media.get("schema", {})
    value = valid_examples.example(schema, document)
    return example(document, schema) if value is None else value


def _body(operation, document, headers):
    content = (operation.get("requestBody") or {}).get("content") or {}
    if not content:
        return None
    media_type, media = next(iter(content.items()))
    headers.append({"key": "Content-Type", "value": media_type})
    schema = media.get("schema", {})
    if media_type == "application/x-www-form-urlencoded":
        value = _valid_example(document, media)
        fields = value.items() if isinstance(value, dict) else ()
        return {
            "mode": "urlencoded",
            "urlencoded": [{"key": k, "value": "" if v is None else str(v)} for k, v in fields],
        }
    if media_type == "application/json":
        value = _valid_example(document, media)
        raw = json.dumps({} if value is None else value, indent=2, ensure_ascii=False)
        return {"mode": "raw", "raw": raw, "options": {"raw": {"language": "json"}}}
    if media_type == "application/xml":
        if isinstance(media.get("example"), str):
            raw = media["example"]
            return {"mode": "raw", "raw": raw, "options": {"raw": {"language": "xml"}}}
        root = (schema.get("xml") or {}).get("name") or "root"
        raw = f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}>\n</{root}>\n'
        return {"mode": "raw", "raw": raw, "options": {"raw": {"language": "xml"}}}
    return {"mode": "raw", "raw": "", "options": {"raw": {"language": "text"}}}


def _item(path, method, operation, document, values, keeps_id):
    headers = []
    body = _body(operation, document, headers)
    for parameter in operation.get("parameters", ()):
        if parameter.get("in") == "header" and parameter["name"] == IDEMPOTENCY_HEADER:
            # a fresh key per send; resend the same request to see the stored answer
            headers.append(
                {
                    "key": IDEMPOTENCY_HEADER,
                    "value": "{{$guid}}",
                    "description": parameter.get("description", ""),
                }
            )
    schemes = [name for requirement in operation.get("security", ()) for name in requirement]
    scheme_defs = document.get("components", {}).get("securitySchemes", {})
    bearer = any(scheme_defs.get(name, {}).get("scheme") == "bearer" for name in schemes)
    request = {
        "method": method.upper(),
        "header": headers,
        "url": _url(path, operation, document, values),
        "auth": BEARER_AUTH if bearer else NO_AUTH,
    }
    description = "\n\n".join(
        filter(None, [operation.get("description"), _auth_note(schemes, scheme_defs)])
    )
    if description:
        request["description"] = description
    if body is not None:
        request["body"] = body
    return {
        "id": operation.get("operationId") or f"{method}_{path}",
        "name": operation.get("summary") or f"{method.upper()} {path}",
        "request": request,
        "response": [],
        "event": [
            {
                "listen": "test",
                "script": {
                    "type": "text/javascript",
                    "exec": postman_scripts.test_script(document, operation, keeps_id),
                },
            }
        ],
    }


def _auth_note(schemes, scheme_defs):
    for name in schemes:
        if scheme_defs.get(name, {}).get("in") == "cookie":
            return "Needs an Odoo session: log in first (the session_id cookie)."
    return ""


def _record_variables(document, path_values):
    """{(path, parameter): variable} for the record paths whose collection
    path has a create, and the variables with their initial values."""
    paths = document.get("paths", {})
    chained, variables = {}, []
    for path in paths:
        match = re.fullmatch(r"(.*)/\{([^}/]+)\}", path)
        if not match or "post" not in paths.get(match.group(1) or "/", {}):
            continue
        parent, parameter = match.groups()
        name = re.sub(r"\W+", "_", parent.strip("/")) + "_" + parameter
        chained[(path, parameter)] = name
        if name not in {v["key"] for v in variables}:
            value = (path_values or {}).get(path, {}).get(parameter)
            variables.append(
                {
                    "key": name,
                    "value": "" if value is None else str(value),
                    "type": "string",
                    "description": f"The id of a record of {parent}: the last one the "
                    "create request made, else one that existed when exported.",
                }
            )
    return chained, variables


_RUN_ORDER = {"post": 0, "get": 1, "put": 2, "patch": 3, "delete": 5}


def _run_order(entry):
    index, path, method = entry
    creates = method == "post" and "{" not in path
    return (0 if creates else _RUN_ORDER.get(method, 4) + 1, index)


def collection(document, name=None, base_url=None, path_values=None):
    """The Postman v2.1 collection (a dict) of an OpenAPI 3 ``document``.

    ``base_url`` is the server's absolute URL: Postman resolves no relative
    server URL, and the document's is relative (``/``) on purpose.
    ``path_values``: {path: {parameter: value}}, ids of records that exist
    on the exporting server."""
    info = document.get("info", {})
    chained, record_variables = _record_variables(document, path_values)
    creates = {}
    for (path, _parameter), variable in chained.items():
        creates[path.rsplit("/", 1)[0] or "/"] = variable
    entries = []
    for path, operations in document.get("paths", {}).items():
        for method in _METHODS:
            if method in operations:
                entries.append((len(entries), path, method))
    entries.sort(key=_run_order)
    summaries = {}
    for _index, path, method in entries:
        summary = document["paths"][path][method].get("summary")
        summaries[summary] = summaries.get(summary, 0) + 1
    folders, loose = {}, []
    for _index, path, method in entries:
        operation = document["paths"][path][method]
        values = dict((path_values or {}).get(path, {}))
        for (chained_path, parameter), variable in chained.items():
            if chained_path == path:
                values[parameter] = "{{" + variable + "}}"
        keeps_id = creates.get(path) if method == "post" else None
        item = _item(path, method, operation, document, values, keeps_id)
        if summaries.get(operation.get("summary"), 0) > 1:
            item["name"] = f"{item['name']} ({method.upper()})"  # PUT and PATCH apart
        tags = operation.get("tags") or ()
        if tags:
            folders.setdefault(tags[0], []).append(item)
        else:
            loose.append(item)
    items = [{"name": tag, "item": folders[tag]} for tag in sorted(folders)] + loose
    servers = document.get("servers") or [{"url": ""}]
    base_url = urljoin(base_url or "", servers[0]["url"]) if base_url else servers[0]["url"]
    result = {
        "info": {
            "name": name or info.get("title") or "REST endpoints",
            "schema": SCHEMA_URL,
            "version": str(info.get("version", "")),
        },
        "item": items,
        "auth": BEARER_AUTH,
        "variable": [
            {"key": BASE_URL_VAR, "value": base_url.rstrip("/"), "type": "string"},
            {
                "key": BEARER_VAR,
                "value": "",
                "type": "string",
                "description": "An Odoo API key (Preferences > Security tab > Add API Key).",
            },
            *record_variables,
        ],
    }
    if info.get("description"):
        result["info"]["description"] = info["description"]
    return result
