"""What a code snippet sees and what it must give back.

:data:`VARIABLES` is the single source of the snippet's names: the Odoo
executor builds its evaluation context from it (and a test checks the two
agree), and the form's *Code Help* tab is rendered from it by
:func:`code_help`. :func:`normalize_result` checks the ``result`` contract
and :func:`dumps` serialises payloads, both without Odoo.
"""

import base64
import datetime
import json
import textwrap
from decimal import Decimal

from .errors import InternalError

#: (name, description) of every variable of a snippet's evaluation context.
VARIABLES = (
    ("env", "Odoo environment, as the user the endpoint runs as (not sudo)."),
    ("user", "That user (res.users record), i.e. env.user."),
    (
        "endpoint",
        "The endpoint being served, as a read-only value (not a record, so no env "
        "and no sudo): endpoint.id, name, summary, description, route, route_group, "
        "route_type, request_method, auth_type, exec_mode, api_key_scope, readonly, "
        "rate_limit, rate_limit_period and version (its published registry version).",
    ),
    ("request", "The odoo.http request (request.httprequest is the werkzeug request)."),
    ("params", "Path parameters from the route's converters, e.g. {'customer_id': 5}."),
    ("query", "Query-string arguments (a list where a key repeats)."),
    (
        "payload",
        "The parsed request body: dict/list for JSON, list of dicts for CSV, dict for "
        "form data, str for text, an {tag, attrib, text, children} dict for XML; None "
        "without a body. For json routes: the JSON-RPC 'params'.",
    ),
    ("headers", "The request headers (read-only, case-insensitive)."),
    ("datetime", "The datetime module (date, datetime, time, timedelta, timezone)."),
    ("dateutil", "dateutil's parser, relativedelta, rrule and tz."),
    ("time", "The time module (time, strptime, strftime, sleep)."),
    ("json", "The json module (loads, dumps)."),
    ("Response", "odoo.http.Response, to build a response by hand."),
    (
        "werkzeug",
        "werkzeug.exceptions.NotFound, BadRequest, Unauthorized, Forbidden and "
        "Conflict: raise them to answer 404, 400, 401, 403 or 409.",
    ),
    (
        "exceptions",
        "odoo.exceptions UserError, ValidationError (both 400), AccessError (403) and "
        "MissingError (404). The text of an AccessError or a MissingError reaches only "
        "a caller the code runs as (never a public one): raise werkzeug's Forbidden or "
        "NotFound to word a 403 or a 404 yourself.",
    ),
    ("hashlib", "hashlib's constructors (sha256, sha512, md5, new, ...)."),
    ("hmac", "hmac.new and hmac.compare_digest, e.g. to check a webhook signature."),
    ("log", "log(message, level='info'): writes to the server log and ir.logging."),
)

VARIABLE_NAMES = tuple(name for name, _doc in VARIABLES)

#: The attributes of a snippet's ``endpoint``, from the published snapshot
#: (``models/endpoint_publish.py``): record field name -> snapshot key.
ENDPOINT_ATTRIBUTES = {
    "id": "id",
    "name": "name",
    "summary": "summary",
    "description": "description",
    "route": "route",
    "route_group": "route_group",
    "route_type": "route_type",
    "request_method": "method",
    "auth_type": "auth_type",
    "exec_mode": "exec_mode",
    "api_key_scope": "api_key_scope",
    "readonly": "readonly",
    "rate_limit": "rate_limit",
    "rate_limit_period": "rate_limit_period",
}


class EndpointValue:
    """The endpoint a snippet serves, as a read-only value.

    Not an ``endpoint.endpoint`` record: only administrators may read those,
    so a record would have to be read with sudo, and a superuser record's
    ``env`` would hand the snippet a superuser environment (every login of
    ``res.users``, any write) whatever user it runs as."""

    __slots__ = ("_values",)

    def __init__(self, config, version=None):
        values = {attr: config.get(key) for attr, key in ENDPOINT_ATTRIBUTES.items()}
        values["version"] = version
        object.__setattr__(self, "_values", values)

    def __getattr__(self, name):
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"endpoint has no attribute {name!r}") from None

    def __setattr__(self, name, value):
        raise AttributeError("endpoint is read-only")

    def __repr__(self):
        return f"<endpoint #{self._values['id']} {self._values['name']!r}>"


RESULT_HELP = """\
The snippet must assign a dict to `result`, either:

    result = {"payload": data, "headers": {...}, "status_code": 200}

`payload` is serialised as JSON (dates and datetimes in ISO 8601, Decimals as
numbers, recordsets as lists of ids, bytes in base64); a str is sent as
text/plain and bytes as application/octet-stream, unless `headers` sets the
Content-Type. `headers` and `status_code` are optional. For json (JSON-RPC)
routes the payload becomes the JSON-RPC `result`. Or, for http routes:

    result = {"response": Response("Hello", content_type="text/plain")}

Raising an exception answers with a JSON error and rolls the whole request
back: nothing the snippet wrote is kept.
"""

EXAMPLE = """\
partner = env["res.partner"].browse(params["customer_id"]).exists()
if not partner:
    raise werkzeug.exceptions.NotFound("Customer not found")
result = {"payload": {"status": "success", "data": {"id": partner.id, "name": partner.name}}}
"""


def code_help():
    """The text of the form's Code Help tab."""
    width = max(len(name) for name in VARIABLE_NAMES)
    lines = ["Variables available in the snippet:", ""]
    for name, doc in VARIABLES:
        wrapped = textwrap.wrap(doc, 78 - width - 4) or [""]
        lines.append(f"  {name.ljust(width)}  {wrapped[0]}")
        lines.extend(f"  {' ' * width}  {more}" for more in wrapped[1:])
    lines += ["", "Result:", "", RESULT_HELP, "Example:", "", textwrap.indent(EXAMPLE, "    ")]
    return "\n".join(lines)


class SnippetResultError(InternalError):
    """The snippet broke the ``result`` contract: a server-side bug, so the
    caller gets a generic 500 and the server log names the problem."""

    error_name = "rest_endpoint.errors.SnippetResultError"


def normalize_result(result, *, response_class=None, allow_response=True):
    """Check ``result`` and return ``("response", obj)`` or
    ``("payload", payload, headers, status)``."""
    if result is None:
        raise SnippetResultError("The snippet did not assign `result`.")
    if not isinstance(result, dict):
        raise SnippetResultError(
            f"`result` must be a dict, not {type(result).__name__}: "
            "{'payload': ...} or {'response': Response(...)}."
        )
    unknown = set(result) - {"response", "payload", "headers", "status_code"}
    if unknown:
        raise SnippetResultError(f"`result` has unknown keys: {', '.join(sorted(unknown))}.")
    if "response" in result:
        if not allow_response:
            raise SnippetResultError(
                "json (JSON-RPC) endpoints must return {'payload': ...}, not a Response."
            )
        response = result["response"]
        if response_class is not None and not isinstance(response, response_class):
            raise SnippetResultError(
                f"result['response'] must be a Response, not {type(response).__name__}."
            )
        return ("response", response)
    headers = result.get("headers") or {}
    if not isinstance(headers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
    ):
        raise SnippetResultError("result['headers'] must be a dict of str to str.")
    status = result.get("status_code", 200)
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise SnippetResultError(
            f"result['status_code'] must be an HTTP status (100-599), not {status!r}."
        )
    return ("payload", result.get("payload"), headers, status)


def json_default(value):
    """JSON encoding of the values snippets commonly return."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else str(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if hasattr(value, "_name") and hasattr(value, "ids"):  # an Odoo recordset
        return list(value.ids)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def dumps(payload):
    """Serialise a payload as compact UTF-8 JSON bytes."""
    try:
        return json.dumps(
            payload,
            default=json_default,
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,  # NaN and Infinity are not JSON: a bug, not a body
        ).encode()
    except (TypeError, ValueError) as exc:
        raise SnippetResultError(f"The payload cannot be serialised as JSON: {exc}") from exc
