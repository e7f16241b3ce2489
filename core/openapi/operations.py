"""One OpenAPI operation per published endpoint: parameters, security,
request body, success and error responses.

Pure Python, no Odoo import; ``core/openapi/document.py`` walks the endpoints and
calls :class:`OperationBuilder` for each.
"""

import copy
import json
import re

from ..request import idempotency
from . import xsd_schema
from .components import (
    ANY_VALUE_COMPONENT,
    ANY_VALUE_SCHEMA,
    ERROR_COMPONENTS,
    ERROR_SCHEMA,
    JSONRPC_ERROR_SCHEMA,
    JSONRPC_ID_TYPES,
    NUL_FREE_PATTERN,
    security,
)
from .schemas import (
    accepts,
    hoist_schema,
    literal_success_statuses,
    load_json_schema,
    nul_free,
    openapi_path,
    path_parameter,
)

_SLUG_RE = re.compile(r"[^A-Za-z0-9]+")
#: Methods whose body is described (a DELETE may carry one: it is optional there).
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
#: Who a rate limit counts, by the endpoint's ``rate_limit_by``.
COUNTED_PER = {
    "user": "all the API keys and sessions of its user together; anonymous callers by address",
    "key": "its API key, else its user; anonymous callers by address",
    "ip": "its client address",
}


def operation_id(config, path=None):
    """A stable, readable operationId: the method and the path, slugged
    (``GET /api/customer/{customer_id}`` gives ``get_api_customer_customer_id``)."""
    path = path or openapi_path(config["route"])[0]
    slug = _SLUG_RE.sub("_", f"{config['method']}_{path}").strip("_").lower()
    return slug or f"endpoint_{config['id']}"


class OperationBuilder:
    def __init__(self):
        self.schemas = copy.deepcopy(ERROR_COMPONENTS)
        self.security_used = set()
        #: the endpoint scopes of the documented scoped bearer endpoints
        self.oauth_scopes = set()
        self.tags = set()

    def component(self, name, schema, request=False):
        """``schema`` stored as ``components/schemas/<name>``; a reference to
        it. A request schema is stored as the server applies it: without
        U+0000 in any string (see :func:`nul_free`)."""
        hoisted = hoist_schema(schema, name)
        self.schemas[name] = self.nul_free(hoisted) if request else hoisted
        return {"$ref": f"#/components/schemas/{name}"}

    def nul_free(self, schema):
        ref = f"#/components/schemas/{ANY_VALUE_SCHEMA}"
        result = nul_free(schema, ref)
        if ref in json.dumps(result):  # only when used: its recursion types badly
            self.schemas.setdefault(ANY_VALUE_SCHEMA, copy.deepcopy(ANY_VALUE_COMPONENT))
        return result

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
        if idempotency.applies(config["method"], config.get("idempotency_put_delete")):
            parameters.append(idempotency_key_parameter())
        if parameters:
            operation["parameters"] = parameters
        operation["security"] = security(self, config)
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
            return {"required": required, "content": {content_type: self.xml_media(text)}}
        schema = load_json_schema(text)
        if content_type == "application/json":
            media_schema = (
                self.component(f"{op_id}_request", schema, request=True)
                if schema is not None
                else self.nul_free({})
            )
            return {"required": required, "content": {content_type: {"schema": media_schema}}}
        if content_type == "text/csv":
            media = {
                "schema": {
                    "type": "string",
                    "pattern": NUL_FREE_PATTERN,
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
                "content": {
                    content_type: {
                        "schema": self.component(f"{op_id}_request", schema, request=True)
                    }
                },
            }
        if content_type == "text/plain":
            media_schema = self.component(
                f"{op_id}_request",
                schema if schema is not None else {"type": "string"},
                request=True,
            )
            return {"required": required, "content": {content_type: {"schema": media_schema}}}
        # A content type this version does not know: its bytes reach the snippet.
        return {"required": required, "content": {content_type: {"schema": {}}}}

    def jsonrpc_request(self, config, op_id, content_type, text):
        schema = None if content_type == "application/xml" else load_json_schema(text)
        params = {"type": "object"}
        if schema is not None:
            ref = self.component(f"{op_id}_params", schema, request=True)
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
                # What the server accepts and echoes (JSON-RPC 2.0: a string, a
                # number or null; never a boolean, an array or an object).
                "id": {"type": list(JSONRPC_ID_TYPES)},
                "params": params,
            },
            # the server refuses other members (400): the envelope is exact,
            # and client generators type it as such
            "additionalProperties": False,
        }
        envelope = self.nul_free(envelope)
        return {"required": True, "content": {"application/json": {"schema": envelope}}}

    def xml_media(self, xsd):
        """An XML body: see :func:`xsd_schema.media`."""
        return xsd_schema.media(xsd)

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
                        "id": {
                            "type": list(JSONRPC_ID_TYPES),
                            "description": "The id of the request.",
                        },
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
            if config.get("rate_limit"):
                responses[str(status)]["headers"] = rate_limit_headers()
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
            (403, forbidden_description(config)),
            (
                404,
                "Not found: no published endpoint matches the path (e.g. a path "
                "parameter of the wrong type or out of range), or the endpoint's code "
                "raised NotFound or MissingError.",
            ),
            (
                409,
                "Conflict raised by the endpoint's code, a duplicate of an existing "
                "record, or concurrent writers (send the request again).",
            ),
        ]
        if has_body:
            statuses += [
                (413, "The body is larger than the configured limit (1 MiB by default)."),
                (415, f"The Content-Type is not {expected_type}."),
            ]
        if idempotency.applies(config["method"], config.get("idempotency_put_delete")):
            statuses.append(
                (
                    422,
                    f"The {idempotency.HEADER} was already used with another request "
                    "(method, path, query or body): use a new key. (A 409 with Retry-After: "
                    "a request with this key is still running.)",
                )
            )
        if config.get("rate_limit"):
            counted = COUNTED_PER.get(config.get("rate_limit_by") or "user", COUNTED_PER["user"])
            statuses.append(
                (
                    429,
                    f"Too many requests: more than {config['rate_limit']} calls in "
                    f"{config.get('rate_limit_period') or 60} s from this caller ({counted}). "
                    "Send again after Retry-After seconds.",
                )
            )
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
        if status == 429:
            response["headers"] = {
                "Retry-After": {
                    "description": "Seconds until the caller may send again.",
                    "schema": {"type": "integer"},
                },
                **rate_limit_headers(),
            }
        if status == 401 and config["auth_type"] == "bearer":
            response["headers"] = {
                "WWW-Authenticate": {
                    "description": "'Bearer' when the API key is missing or refused.",
                    "schema": {"type": "string"},
                }
            }
        return response


def idempotency_key_parameter():
    return {
        "name": idempotency.HEADER,
        "in": "header",
        "required": False,
        "description": idempotency.PARAMETER_DESCRIPTION,
        "schema": {"type": "string", "pattern": idempotency.KEY_PATTERN},
    }


def rate_limit_headers():
    """The ``RateLimit-*`` headers of an endpoint with a rate limit."""
    integer = {"schema": {"type": "integer"}}
    return {
        "RateLimit-Limit": {"description": "Calls allowed per period.", **integer},
        "RateLimit-Remaining": {"description": "Calls left in this period.", **integer},
        "RateLimit-Reset": {"description": "Seconds until the period ends.", **integer},
    }


def forbidden_description(config):
    """What a 403 of this operation means, the API key scope included."""
    text = (
        "Forbidden: the caller is not in an allowed group, a cross-site call to a "
        "session endpoint has no CSRF token, or the endpoint's code hit an access "
        "right (AccessError; its text is shown only to a caller the code runs as)."
    )
    if config["auth_type"] != "bearer":
        return text
    scope = config.get("api_key_scope")
    if scope:
        return f"{text} Only API keys of scope 'rest_endpoint:{scope}' are accepted."
    return f"{text} Keys with a scope (rest_endpoint:...) are refused: global keys only."
