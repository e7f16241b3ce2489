"""The OpenAPI 3.1 document of the published endpoints.

Built from the frozen configurations the server actually serves (the
registry snapshots), never from the records being edited, so the document
is a contract for what a caller gets now. Everything a caller can observe is
described from the same sources the pipeline uses:

* paths and path parameters from the route's werkzeug converters
  (``core/routes.py``), with the types and bounds the converters enforce;
* request bodies from the endpoint's content type and request schema (JSON
  Schema in JSON or YAML, hoisted into ``components/schemas`` with its local
  ``$ref`` rewritten; an XSD attached as the ``x-xsd`` extension);
* one shared error schema matching ``core/errors.py`` (``error_body`` and,
  for ``json`` routes, ``jsonrpc_error``), referenced by every error status
  the pipeline can return for the operation;
* security schemes for the ``bearer`` and ``user_endpoint`` auth types.

Pure Python (no Odoo import), so the mapping is unit-tested on its own.
"""

import ast
import copy
import re

from jsonschema import Draft202012Validator
from lxml import etree

from .body import new_xml_parser
from .routes import Placeholder, parse_route
from .schema import XSD_NAMESPACE, SchemaError, load_yaml_or_json

OPENAPI_VERSION = "3.1.0"

METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")

BEARER_SCHEME = "bearerAuth"
SESSION_SCHEME = "sessionCookie"
SECURITY_SCHEMES = {
    BEARER_SCHEME: {
        "type": "http",
        "scheme": "bearer",
        "description": "An Odoo API key (user preferences, Account Security, "
        "New API Key), sent as 'Authorization: Bearer <key>'.",
    },
    SESSION_SCHEME: {
        "type": "apiKey",
        "in": "cookie",
        "name": "session_id",
        "description": "The session cookie of a user logged in to Odoo "
        "(browsers send it on their own).",
    },
}
SECURITY_BY_AUTH = {"bearer": BEARER_SCHEME, "user_endpoint": SESSION_SCHEME}

ERROR_SCHEMA = "Error"
VIOLATION_SCHEMA = "ValidationViolation"
JSONRPC_ERROR_SCHEMA = "JsonRpcError"

#: The shared error components; they mirror ``core/errors.py``.
ERROR_COMPONENTS = {
    ERROR_SCHEMA: {
        "type": "object",
        "description": "Every error of the endpoints, in the shape of Odoo 19's JSON-2 "
        "errors. 'errors' lists the violations of a request that breaks the schema.",
        "required": ["name", "message", "arguments", "context"],
        "properties": {
            "name": {
                "type": "string",
                "description": "Qualified name of the error, e.g. "
                "rest_endpoint.errors.RequestValidationError or "
                "odoo.exceptions.UserError.",
            },
            "message": {"type": "string"},
            "arguments": {"type": "array"},
            "context": {"type": "object"},
            "errors": {
                "type": "array",
                "items": {"$ref": f"#/components/schemas/{VIOLATION_SCHEMA}"},
            },
            "debug": {
                "type": "string",
                "description": "The server traceback; only when the server runs with "
                "--dev=rest_endpoint_tracebacks.",
            },
        },
        "additionalProperties": False,
    },
    VIOLATION_SCHEMA: {
        "type": "object",
        "description": "One violation of the request schema. 'path' is a JSON pointer "
        "for JSON Schema, an XPath for XSD (which adds 'line').",
        "required": ["path", "message", "validator"],
        "properties": {
            "path": {"type": ["string", "null"]},
            "message": {"type": "string"},
            "validator": {
                "type": "string",
                "description": "The JSON Schema keyword that failed, or 'xsd'.",
            },
            "line": {"type": ["integer", "null"]},
        },
        "additionalProperties": False,
    },
    JSONRPC_ERROR_SCHEMA: {
        "type": "object",
        "description": "A JSON-RPC 2.0 error response; 'data' is the error object of "
        "plain HTTP endpoints.",
        "required": ["jsonrpc", "id", "error"],
        "properties": {
            "jsonrpc": {"const": "2.0"},
            "id": {"description": "The id of the request (null when it could not be read)."},
            "error": {
                "type": "object",
                "required": ["code", "message", "data"],
                "properties": {
                    "code": {
                        "type": "integer",
                        "description": "-32700 (parse error), -32600 (invalid request), "
                        "-32602 (invalid params), -32603 (internal error), or the HTTP "
                        "status.",
                    },
                    "message": {"type": "string"},
                    "data": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"},
                },
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    },
}

#: The document's introduction: what holds for every operation.
DESCRIPTION = """\
The REST endpoints published on this Odoo database, as they are served now
(the last synced configuration of each endpoint).

* **Authentication** is per operation: an Odoo API key as a bearer token,
  the session cookie of a logged-in user, or none.
* **Errors** are JSON objects of the `Error` schema (`name`, `message`,
  `arguments`, `context`, plus `errors` listing every violation of a request
  schema). JSON-RPC operations wrap them in a `JsonRpcError` response.
* A method that is not published on a path answers **405** with an `Allow`
  header listing the published ones; `OPTIONS` answers a CORS preflight
  (**204**) for the origins an endpoint allows.
"""

_SLUG_RE = re.compile(r"[^A-Za-z0-9]+")
_PARAM_IN_PATH_RE = re.compile(r"\{[^}]*\}")
_DATA_KEYWORDS = frozenset({"const", "enum", "default", "examples", "example"})


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
        return schema
    if kind == "path":
        return {"type": "string", "pattern": f"^{converter.regex}$", "minLength": 1}
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


# --- Operations --------------------------------------------------------------


def operation_id(config, path=None):
    """A stable, readable operationId: the method and the path, slugged
    (``GET /api/customer/{customer_id}`` gives ``get_api_customer_customer_id``)."""
    path = path or openapi_path(config["route"])[0]
    slug = _SLUG_RE.sub("_", f"{config['method']}_{path}").strip("_").lower()
    return slug or f"endpoint_{config['id']}"


class _Builder:
    def __init__(self):
        self.schemas = copy.deepcopy(ERROR_COMPONENTS)
        self.security_used = set()
        self.tags = set()

    def component(self, name, schema):
        self.schemas[name] = hoist_schema(schema, name)
        return {"$ref": f"#/components/schemas/{name}"}

    # The operation -----------------------------------------------------------

    def operation(self, config, op_id, placeholders):
        is_json = config["route_type"] == "json"
        auth_type = config["auth_type"]
        operation = {
            "operationId": op_id,
            "summary": config.get("summary") or config["name"],
        }
        description = (config.get("description") or "").strip()
        if description:
            operation["description"] = description
        if config.get("route_group"):
            operation["tags"] = [config["route_group"]]
            self.tags.add(config["route_group"])
        parameters = [path_parameter(p) for p in placeholders]
        if config.get("csrf") and config["method"] != "GET":
            parameters.append(
                {
                    "name": "X-CSRF-Token",
                    "in": "header",
                    "required": False,
                    "description": "Odoo's CSRF token (or the csrf_token query parameter): "
                    "this endpoint checks it; without a valid one the answer is 403.",
                    "schema": {"type": "string"},
                }
            )
        if parameters:
            operation["parameters"] = parameters
        scheme = SECURITY_BY_AUTH.get(auth_type)
        if scheme:
            self.security_used.add(scheme)
            operation["security"] = [{scheme: []}]
        else:
            operation["security"] = []
        body = self.request_body(config, op_id, is_json)
        if body is not None:
            operation["requestBody"] = body
        operation["responses"] = self.responses(config, op_id, is_json, bool(placeholders))
        operation["x-rest-endpoint"] = {
            "id": config["id"],
            "route": config["route"],
            "route_type": config["route_type"],
            "auth_type": auth_type,
        }
        return operation

    # Request -----------------------------------------------------------------

    def request_body(self, config, op_id, is_json):
        content_type = config.get("content_type") or ""
        method = config["method"]
        text = config.get("schema") or ""
        if is_json:
            return self.jsonrpc_request(config, op_id, content_type, text)
        if method not in BODY_METHODS or not content_type:
            return None
        required = method != "DELETE"
        if content_type == "application/xml":
            media = {
                "schema": {
                    "type": "object",
                    "description": "An XML document"
                    + (", valid against the XSD in x-xsd." if text.strip() else "."),
                }
            }
            if text.strip():
                media["x-xsd"] = text
                root = xsd_root_element(text)
                if root:
                    media["schema"]["xml"] = {"name": root}
            return {"required": required, "content": {content_type: media}}
        schema = load_json_schema(text)
        if content_type == "application/json":
            media_schema = self.component(f"{op_id}_request", schema) if schema is not None else {}
            return {"required": required, "content": {content_type: {"schema": media_schema}}}
        if content_type == "text/csv":
            media = {
                "schema": {
                    "type": "string",
                    "description": "CSV text with a header row; the endpoint receives the "
                    "rows as a list of objects keyed by the header"
                    + (
                        f", which must match the schema {op_id}_request_rows."
                        if schema is not None
                        else "."
                    ),
                }
            }
            if schema is not None:
                media["x-payload-schema"] = self.component(f"{op_id}_request_rows", schema)
            return {"required": required, "content": {content_type: media}}
        if content_type == "application/x-www-form-urlencoded":
            if schema is None:
                schema = {
                    "type": "object",
                    "description": "Form fields; a repeated field is received as a list.",
                    "additionalProperties": {
                        "anyOf": [
                            {"type": "string"},
                            {"type": "array", "items": {"type": "string"}},
                        ]
                    },
                }
            return {
                "required": required,
                "content": {content_type: {"schema": self.component(f"{op_id}_request", schema)}},
            }
        if content_type == "text/plain":
            media_schema = (
                self.component(f"{op_id}_request", schema)
                if schema is not None
                else {"type": "string"}
            )
            return {"required": required, "content": {content_type: {"schema": media_schema}}}
        # A content type this version does not know: its bytes reach the snippet.
        return {"required": required, "content": {content_type: {"schema": {}}}}

    def jsonrpc_request(self, config, op_id, content_type, text):
        schema = None if content_type == "application/xml" else load_json_schema(text)
        params = {"type": "object"}
        if schema is not None:
            ref = self.component(f"{op_id}_params", schema)
            params = ref if schema.get("type") == "object" else {"allOf": [params, ref]}
        required = ["jsonrpc"]
        if not accepts(schema, {}):
            required.append("params")  # omitted params are {}: valid here only if {} is
        envelope = {
            "type": "object",
            "description": "A JSON-RPC 2.0 request; the endpoint's arguments go in 'params'.",
            "required": required,
            "properties": {
                "jsonrpc": {"const": "2.0"},
                "method": {"type": "string", "default": "call"},
                "id": {"type": ["string", "integer", "null"]},
                "params": params,
            },
        }
        return {"required": True, "content": {"application/json": {"schema": envelope}}}

    # Responses ---------------------------------------------------------------

    def responses(self, config, op_id, is_json, has_placeholders):
        payload = load_json_schema(config.get("response_schema"))
        payload_schema = self.component(f"{op_id}_response", payload) if payload is not None else {}
        responses = {}
        statuses = {200} | literal_success_statuses(config.get("code"))
        for status in sorted(statuses):
            if status == 204 and not is_json:
                responses["204"] = {"description": "No content."}
                continue
            if is_json:
                schema = {
                    "type": "object",
                    "description": "A JSON-RPC 2.0 response; 'result' is the payload.",
                    "required": ["jsonrpc", "id", "result"],
                    "properties": {
                        "jsonrpc": {"const": "2.0"},
                        "id": {"description": "The id of the request."},
                        "result": payload_schema,
                    },
                }
            else:
                schema = payload_schema
            responses[str(status)] = {
                "description": "Success"
                + ("" if payload is not None else ": the payload the endpoint's code returns."),
                "content": {"application/json": {"schema": schema}},
            }
        for status, description in self.error_statuses(config):
            responses[str(status)] = self.error_response(
                status, description, is_json, has_placeholders, config
            )
        return responses

    def error_statuses(self, config):
        auth_type = config["auth_type"]
        is_json = config["route_type"] == "json"
        expected_type = "application/json" if is_json else config.get("content_type")
        has_body = is_json or (config["method"] in BODY_METHODS and config.get("content_type"))
        statuses = [
            (
                400,
                "Bad request: malformed body, a body that breaks the request schema "
                "(every violation in 'errors'), or a UserError/ValidationError of the "
                "endpoint's code (its message kept), or a value the database refuses."
                if has_body
                else "Bad request: a UserError/ValidationError of the endpoint's code "
                "(its message kept), or a value the database refuses.",
            ),
            (
                401,
                {
                    "bearer": "Missing, malformed, unknown, expired or revoked API key.",
                    "user_endpoint": "No valid session: log in first.",
                }.get(auth_type, "Raised by the endpoint's code."),
            ),
            (
                403,
                "Forbidden: the caller is not in an allowed group, a CSRF token is "
                "missing, or the endpoint's code hit an access right (AccessError; "
                "its text is shown only to a caller the code runs as).",
            ),
            (
                404,
                "Not found: no published endpoint matches the path (e.g. a path "
                "parameter of the wrong type or out of range), or the endpoint's code "
                "raised NotFound or MissingError.",
            ),
            (409, "Conflict raised by the endpoint's code, or a duplicate of an existing record."),
        ]
        if has_body:
            statuses += [
                (413, "The body is larger than the configured limit (1 MiB by default)."),
                (415, f"The Content-Type is not {expected_type}."),
            ]
        statuses.append((500, "Server error (details in the server log only)."))
        return statuses

    def error_response(self, status, description, is_json, has_placeholders, config):
        plain = {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}
        envelope = {"$ref": f"#/components/schemas/{JSONRPC_ERROR_SCHEMA}"}
        if not is_json:
            schema = plain
        elif status == 404 and has_placeholders:
            # A path whose parameter does not convert matches no endpoint at all,
            # so its 404 is not a JSON-RPC answer.
            schema = {"anyOf": [envelope, plain]}
        else:
            schema = envelope
        response = {"description": description, "content": {"application/json": {"schema": schema}}}
        if status == 401 and config["auth_type"] == "bearer":
            response["headers"] = {
                "WWW-Authenticate": {
                    "description": "'Bearer' when the API key is missing or refused.",
                    "schema": {"type": "string"},
                }
            }
        return response


def build_document(
    configs,
    *,
    server_url,
    title="REST endpoints",
    version="1",
    description=DESCRIPTION,
    route_group=None,
):
    """The OpenAPI 3.1 document (a dict) of ``configs``, the published
    snapshots, optionally only those of ``route_group``."""
    builder = _Builder()
    paths = {}
    skeletons = {}  # path with its parameter names blanked -> path
    used_ids = set()
    undocumented = []
    selected = [
        config
        for config in configs
        if not route_group or (config.get("route_group") or "") == route_group
    ]
    selected.sort(
        key=lambda c: (
            c["route"],
            METHOD_ORDER.index(c["method"]) if c["method"] in METHOD_ORDER else 99,
            c["id"],
        )
    )
    for config in selected:
        try:
            path, placeholders = openapi_path(config["route"])
            skeleton = _PARAM_IN_PATH_RE.sub("{}", path)
            if skeletons.setdefault(skeleton, path) != path:
                raise DocumentError(
                    f"its path {path} cannot be told apart from {skeletons[skeleton]} in "
                    "OpenAPI (same segments, other parameter names)"
                )
            method = config["method"].lower()
            if method in paths.get(path, {}):
                raise DocumentError(f"{config['method']} {path} is already documented")
            op_id = operation_id(config, path)
            if op_id in used_ids:
                op_id = f"{op_id}_{config['id']}"
            operation = builder.operation(config, op_id, placeholders)
        except (DocumentError, SchemaError, ValueError) as exc:
            undocumented.append(
                {
                    "id": config.get("id"),
                    "method": config.get("method"),
                    "route": config.get("route"),
                    "reason": str(exc),
                }
            )
            continue
        used_ids.add(op_id)
        paths.setdefault(path, {})[method] = operation
    document = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title, "version": str(version)},
        "servers": [{"url": server_url.rstrip("/") or "/"}],
        "paths": paths,
        "components": {"schemas": builder.schemas},
    }
    if description:
        document["info"]["description"] = description
    if builder.security_used:
        document["components"]["securitySchemes"] = {
            name: SECURITY_SCHEMES[name] for name in sorted(builder.security_used)
        }
    if builder.tags:
        document["tags"] = [{"name": tag} for tag in sorted(builder.tags)]
    if undocumented:
        document["x-rest-endpoint-undocumented"] = undocumented
    return document
