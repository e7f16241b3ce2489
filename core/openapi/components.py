"""The shared parts of the OpenAPI document: security schemes, the error
components (which mirror ``core/request/errors.py``) and the introduction.

Pure Python, no Odoo import; ``core/openapi/document.py`` assembles the document.
"""

BEARER_SCHEME = "bearerAuth"
SESSION_SCHEME = "sessionCookie"
SECURITY_SCHEMES = {
    BEARER_SCHEME: {
        "type": "http",
        "scheme": "bearer",
        "description": "An Odoo API key (Preferences > Security tab > Add API Key), "
        "sent as 'Authorization: Bearer <key>'.",
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
#: OAuth 2.1 access tokens of this server (issue 20): they open the bearer
#: endpoints of their scopes only, so only scoped endpoints list it.
OAUTH_SCHEME = "oauth2"
AUTHORIZATION_URL = "/oauth/authorize"
TOKEN_URL = "/oauth/token"


def oauth_scheme(scopes):
    """The ``oauth2`` security scheme with the endpoint scopes ``scopes``."""
    described = {scope: f"The bearer endpoints of scope '{scope}'." for scope in sorted(scopes)}
    return {
        "type": "oauth2",
        "description": "Sign in with Odoo (OAuth 2.1): authorization code with PKCE (S256) "
        "for apps, client credentials for servers. A token of scope X opens the bearer "
        "endpoints of scope X only. Metadata: /.well-known/oauth-authorization-server.",
        "flows": {
            "authorizationCode": {
                "authorizationUrl": AUTHORIZATION_URL,
                "tokenUrl": TOKEN_URL,
                "refreshUrl": TOKEN_URL,
                "scopes": described,
            },
            "clientCredentials": {"tokenUrl": TOKEN_URL, "scopes": dict(described)},
        },
    }


def security(builder, config):
    """The ``security`` of an operation, noting the schemes it uses on the
    builder (``security_used``, ``oauth_scopes``)."""
    scheme = SECURITY_BY_AUTH.get(config["auth_type"])
    if not scheme:
        return []
    builder.security_used.add(scheme)
    scope = config.get("api_key_scope")
    if config["auth_type"] == "bearer" and scope:
        builder.oauth_scopes.add(scope)
        return [{scheme: []}, {OAUTH_SCHEME: [scope]}]
    return [{scheme: []}]


ERROR_SCHEMA = "Error"
VIOLATION_SCHEMA = "ValidationViolation"
JSONRPC_ERROR_SCHEMA = "JsonRpcError"
ANY_VALUE_SCHEMA = "AnyValue"
#: What a JSON-RPC id may be (the server refuses any other with a 400).
JSONRPC_ID_TYPES = ["string", "number", "null"]

#: PostgreSQL text cannot hold U+0000, so the server refuses it anywhere a
#: caller sends text (body, keys, form fields, URL) with a 400: every string a
#: request schema lets through is documented without it. (``\x00`` is read
#: the same by ECMA-262, Python and Rust regular expressions.)
NUL_FREE_PATTERN = "^[^\\x00]*$"
HAS_NUL_PATTERN = "\\x00"

#: Where a request schema accepts any value (a schema ``true``, an object's
#: unlisted properties, an array's unlisted items), the document says "any
#: value without U+0000", recursively.
ANY_VALUE_COMPONENT = {
    "description": "Any JSON value in which no string (object keys included) holds "
    "the NUL character U+0000, which the server refuses (400).",
    # Every JSON type, spelled out: client generators type a schema without
    # "type" as an object only (openapi-typescript), or not at all.
    "type": ["object", "array", "string", "number", "boolean", "null"],
    "pattern": NUL_FREE_PATTERN,
    "propertyNames": {"pattern": NUL_FREE_PATTERN},
    "additionalProperties": {"$ref": f"#/components/schemas/{ANY_VALUE_SCHEMA}"},
    "items": {"$ref": f"#/components/schemas/{ANY_VALUE_SCHEMA}"},
}

#: The shared error components; they mirror ``core/request/errors.py``.
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
            "arguments": {
                "type": "array",
                "description": "The exception's arguments (the message first, then the "
                "status or other values).",
                # Typed items: client generators drop an array without them.
                "items": {"type": ["string", "integer", "number", "boolean", "null"]},
            },
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
            "id": {
                "type": JSONRPC_ID_TYPES,
                "description": "The id of the request (null when it could not be read).",
            },
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
* **Text** never holds the NUL character (U+0000): PostgreSQL cannot store
  it, so the server answers **400** wherever a request carries one (the
  request schemas say so with a `pattern`).
* A method that is not published on a path answers **405** with an `Allow`
  header listing the published ones; `OPTIONS` answers a CORS preflight
  (**204**) for the origins an endpoint allows.
"""
