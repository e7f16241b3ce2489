"""A Postman collection (format v2.1) from the OpenAPI document.

App developers import it in Postman (or run it with newman) and get one
request per operation, grouped in one folder per route group (the OpenAPI
tags), with the path parameters as Postman path variables, an example body
built from the request schema, and two collection variables: ``baseUrl``
(the server of the document) and ``bearerKey`` (the Odoo API key, sent as
``Authorization: Bearer`` by every bearer endpoint).

The collection is derived from the OpenAPI document only, so it describes
exactly what the document does: the published endpoints.
"""

import copy
import json
import re
from urllib.parse import urljoin

SCHEMA_URL = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
BASE_URL_VAR = "baseUrl"
BEARER_VAR = "bearerKey"
_METHODS = ("get", "post", "put", "patch", "delete")
_PARAM_RE = re.compile(r"\{([^}/]+)\}")
_MAX_DEPTH = 8

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
    for key in ("allOf", "oneOf", "anyOf"):
        if schema.get(key):
            merged = {}
            for part in schema[key]:
                value = example(document, part, depth + 1)
                if isinstance(value, dict):
                    merged.update(value)
                elif value is not None and key != "allOf":
                    return value
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


def _url(path, operation, document):
    segments = [
        _PARAM_RE.sub(lambda m: ":" + m.group(1), part) for part in path.strip("/").split("/")
    ]
    variables = []
    for parameter in operation.get("parameters", ()):
        if parameter.get("in") != "path":
            continue
        value = example(document, parameter.get("schema", {}))
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


def _body(operation, document, headers):
    content = (operation.get("requestBody") or {}).get("content") or {}
    if not content:
        return None
    media_type, media = next(iter(content.items()))
    headers.append({"key": "Content-Type", "value": media_type})
    schema = media.get("schema", {})
    if media_type == "application/x-www-form-urlencoded":
        value = example(document, schema)
        fields = value.items() if isinstance(value, dict) else ()
        return {
            "mode": "urlencoded",
            "urlencoded": [{"key": k, "value": "" if v is None else str(v)} for k, v in fields],
        }
    if media_type == "application/json":
        value = example(document, schema)
        raw = json.dumps({} if value is None else value, indent=2, ensure_ascii=False)
        return {"mode": "raw", "raw": raw, "options": {"raw": {"language": "json"}}}
    if media_type == "application/xml":
        root = (schema.get("xml") or {}).get("name") or "root"
        raw = f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}>\n</{root}>\n'
        return {"mode": "raw", "raw": raw, "options": {"raw": {"language": "xml"}}}
    return {"mode": "raw", "raw": "", "options": {"raw": {"language": "text"}}}


def _item(path, method, operation, document):
    headers = []
    body = _body(operation, document, headers)
    schemes = [name for requirement in operation.get("security", ()) for name in requirement]
    scheme_defs = document.get("components", {}).get("securitySchemes", {})
    bearer = any(scheme_defs.get(name, {}).get("scheme") == "bearer" for name in schemes)
    request = {
        "method": method.upper(),
        "header": headers,
        "url": _url(path, operation, document),
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
    }


def _auth_note(schemes, scheme_defs):
    for name in schemes:
        if scheme_defs.get(name, {}).get("in") == "cookie":
            return "Needs an Odoo session: log in first (the session_id cookie)."
    return ""


def collection(document, name=None, base_url=None):
    """The Postman v2.1 collection (a dict) of an OpenAPI 3 ``document``.

    ``base_url`` is the server's absolute URL: Postman resolves no relative
    server URL, and the document's is relative (``/``) on purpose."""
    info = document.get("info", {})
    folders, loose = {}, []
    for path, operations in document.get("paths", {}).items():
        for method in _METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            item = _item(path, method, operation, document)
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
        ],
    }
    if info.get("description"):
        result["info"]["description"] = info["description"]
    return result
