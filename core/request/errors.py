"""The one error contract of rest_endpoint, mapped in one place.

Every failure a caller can see, from routing to the snippet, ends here:
:func:`describe` turns any exception into an :class:`ErrorInfo` (status,
name, message, headers), and :func:`error_body` renders it in the shape of
Odoo 19's JSON-2 errors, ``{"name", "message", "arguments", "context"}``,
plus ``"errors"`` (the violation list) for validation failures. The
traceback (``"debug"``) is added only when the caller passes one, which the
dispatcher does only when Odoo runs with ``--dev=rest_endpoint_tracebacks``:
JSON-2 sends it to everybody in any dev mode, we do not.

What a caller may learn is decided here too: every 5xx has the same name and
message (the real exception goes to the server log, where ``odoo.http``
writes it with its traceback), database errors only say what kind of data
was refused, and access errors can be made generic for callers who are not
the user the code ran as (:func:`describe`'s ``hide_access_details``).

Odoo's exceptions are recognised by their qualified class names along the
MRO, so this module needs no Odoo import and is unit-tested on its own.
"""

import logging
import math
from dataclasses import dataclass, field, replace

#: Status of Odoo (and psycopg2) exceptions, by qualified class name; the
#: first class of an exception's MRO found here wins.
STATUS_BY_EXCEPTION = {
    "odoo.exceptions.MissingError": 404,
    "odoo.exceptions.AccessError": 403,
    "odoo.exceptions.AccessDenied": 403,
    "odoo.exceptions.ValidationError": 400,
    "odoo.exceptions.UserError": 400,
    "odoo.exceptions.ConcurrencyError": 409,
    # a UserError in all but its base class (Odoo asks the user to go and
    # fix something elsewhere first: deleting a user's contact, say)
    "odoo.exceptions.RedirectWarning": 400,
    "psycopg2.errors.UniqueViolation": 409,
    "psycopg2.errors.ExclusionViolation": 409,
    "psycopg2.IntegrityError": 400,
    # Data errors that, behind a REST endpoint, come from the caller's values:
    # an id or quantity too large for its column (an ``<int:...>`` path with
    # a raised ``max``, a number in a body), text where the column wants a
    # number or an id. Other data errors (division by zero in SQL, ...) are
    # the code's bugs and stay 500s.
    # Odoo runs a request again after these, up to 5 times: what is left
    # after that is a conflict with concurrent writers, worth a retry.
    "psycopg2.errors.SerializationFailure": 409,
    "psycopg2.errors.DeadlockDetected": 409,
    "psycopg2.errors.LockNotAvailable": 409,
    "psycopg2.errors.NumericValueOutOfRange": 400,
    "psycopg2.errors.InvalidTextRepresentation": 400,
}

#: Safe messages of the non-exposed exceptions above (their own text holds
#: SQL, table, constraint or column names); the others get ``REASONS``.
CONCURRENT_UPDATE = (
    "The data was changed by concurrent requests; the request was tried again "
    "and gave up. Send it again."
)
SAFE_MESSAGES = {
    "psycopg2.errors.UniqueViolation": "The data conflicts with an existing record.",
    "psycopg2.errors.ExclusionViolation": "The data conflicts with an existing record.",
    "psycopg2.IntegrityError": "The data breaks a database constraint.",
    "psycopg2.errors.SerializationFailure": CONCURRENT_UPDATE,
    "psycopg2.errors.DeadlockDetected": CONCURRENT_UPDATE,
    "psycopg2.errors.LockNotAvailable": CONCURRENT_UPDATE,
    "psycopg2.errors.NumericValueOutOfRange": (
        "A number is out of the range the database can store."
    ),
    "psycopg2.errors.InvalidTextRepresentation": (
        "A value does not have the type the database expects (a number or an id?)."
    ),
}

#: Causes that refine the status of the exception raised ``from`` them. Odoo
#: (``odoo.service.model.retrying``) turns every IntegrityError of a request
#: into a ValidationError ``from`` it, with a message written for users: a
#: duplicate stays a 409, with that message.
STATUS_BY_CAUSE = {
    "psycopg2.errors.UniqueViolation": 409,
    "psycopg2.errors.ExclusionViolation": 409,
}

#: PostgreSQL's text of a foreign key violation raised by a DELETE (or an
#: update of a key) that other rows still reference: the record is in use,
#: a conflict with the state of the database (409). The same violation on
#: an insert names a record that does not exist: the caller's data (400).
_IN_USE_PREFIX = "update or delete on table"

#: ORM errors whose text names internals: access errors name the user the
#: code ran as, its groups, the record rules and the records; a missing
#: record error names the model, the ids and the user ("Record does not
#: exist or has been deleted. (Record: res.partner(999999,), User: 15)").
#: One rule for all of them: :func:`describe` replaces their text, by class
#: (first of the MRO found here), for callers who are not that user, whoever
#: raised them (the ORM or a snippet: a snippet's own text goes in a
#: UserError, a ValidationError or a werkzeug exception, which pass through).
GENERIC_ACCESS_MESSAGE = "Access denied: this operation is not allowed."
GENERIC_MISSING_MESSAGE = "Not found: the record does not exist or has been deleted."
HIDDEN_DETAILS = {
    "odoo.exceptions.AccessError": GENERIC_ACCESS_MESSAGE,
    "odoo.exceptions.AccessDenied": GENERIC_ACCESS_MESSAGE,
    "odoo.exceptions.MissingError": GENERIC_MISSING_MESSAGE,
}

#: Exceptions whose message may be shown to the caller: they are written for
#: end users. Any other exception is a bug or an outage: its message may hold
#: SQL, paths or data, so the caller gets a generic one.
EXPOSED_EXCEPTIONS = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.RedirectWarning",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.AccessDenied",
    "odoo.exceptions.MissingError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.ConcurrencyError",
    "werkzeug.exceptions.HTTPException",
}

#: What psycopg2 raises, before sending a query, for a string holding U+0000
#: (PostgreSQL text cannot store it). The pipeline refuses NUL in bodies and
#: URLs up front; this catches whatever still carries one to the database
#: (a header copied into a record, say): it is the caller's data, a 400.
NUL_IN_TEXT = "A string literal cannot contain NUL (0x00) characters."

REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

#: JSON-RPC 2.0 error codes for the failures the spec names; other failures
#: use their HTTP status as code.
JSONRPC_PARSE_ERROR = -32700
JSONRPC_INVALID_REQUEST = -32600
JSONRPC_INVALID_PARAMS = -32602
JSONRPC_INTERNAL_ERROR = -32603


class ApiError(Exception):
    """Base of the errors rest_endpoint raises itself.

    ``loglevel`` is read by Odoo's WSGI entry point (``odoo.http``), which
    then logs the message at that level without a traceback: a caller's
    mistake is not a server error.
    """

    status = 500
    error_name = "rest_endpoint.errors.ApiError"
    jsonrpc_code = None
    loglevel = logging.INFO

    def __init__(self, message=None, *, errors=None, headers=None):
        message = message or REASONS.get(self.status, "Error")
        super().__init__(message)
        self.message = message
        self.errors = errors
        self.headers = dict(headers or {})


class BadRequest(ApiError):
    status = 400
    error_name = "rest_endpoint.errors.BadRequest"


class MalformedBody(BadRequest):
    """The body does not parse as its content type says."""

    error_name = "rest_endpoint.errors.MalformedBody"
    jsonrpc_code = JSONRPC_PARSE_ERROR


class RequestValidationError(BadRequest):
    """The body parsed but breaks the endpoint's schema; ``errors`` lists
    every violation as ``{"path", "message", "validator"}``."""

    error_name = "rest_endpoint.errors.RequestValidationError"
    jsonrpc_code = JSONRPC_INVALID_PARAMS


class InvalidEnvelope(BadRequest):
    """A ``json`` route called without a JSON-RPC 2.0 envelope."""

    error_name = "rest_endpoint.errors.InvalidEnvelope"
    jsonrpc_code = JSONRPC_INVALID_REQUEST


class Unauthorized(ApiError):
    status = 401
    error_name = "rest_endpoint.errors.Unauthorized"

    def __init__(self, message=None, *, scheme="Bearer", **kw):
        super().__init__(message, **kw)
        if scheme:
            self.headers.setdefault("WWW-Authenticate", scheme)


class Forbidden(ApiError):
    status = 403
    error_name = "rest_endpoint.errors.Forbidden"


class NotFound(ApiError):
    status = 404
    error_name = "rest_endpoint.errors.NotFound"


class MethodNotAllowed(ApiError):
    status = 405
    error_name = "rest_endpoint.errors.MethodNotAllowed"

    def __init__(self, allowed, message=None, **kw):
        allowed = sorted(allowed)
        message = message or f"Method not allowed; this path accepts {', '.join(allowed)}."
        super().__init__(message, **kw)
        self.allowed = allowed
        self.headers["Allow"] = ", ".join(allowed)


class Conflict(ApiError):
    status = 409
    error_name = "rest_endpoint.errors.Conflict"


class PayloadTooLarge(ApiError):
    status = 413
    error_name = "rest_endpoint.errors.PayloadTooLarge"


class UnsupportedMediaType(ApiError):
    status = 415
    error_name = "rest_endpoint.errors.UnsupportedMediaType"


class TooManyRequests(ApiError):
    """The caller went over the endpoint's rate limit; ``headers`` carry
    ``Retry-After`` and the ``RateLimit-*`` fields."""

    status = 429
    error_name = "rest_endpoint.errors.TooManyRequests"


class InternalError(ApiError):
    """A server-side problem (bad snippet result, ...): logged in full, shown
    to the caller as a generic 500."""

    status = 500
    error_name = "rest_endpoint.errors.InternalError"
    jsonrpc_code = JSONRPC_INTERNAL_ERROR
    loglevel = logging.ERROR


@dataclass
class ErrorInfo:
    status: int
    name: str
    message: str
    arguments: list
    errors: list | None = None
    headers: dict = field(default_factory=dict)
    jsonrpc_code: int | None = None

    @property
    def is_server_error(self):
        return self.status >= 500


def qualified_names(exc):
    return [f"{cls.__module__}.{cls.__qualname__}" for cls in type(exc).__mro__]


def describe(exc, *, hide_access_details=False):
    """Map any exception to the :class:`ErrorInfo` the caller will see.

    ``hide_access_details``: the caller is not the user the code ran as (a
    ``public`` endpoint, or any endpoint with another *Exec as user*), so the
    text of an ORM error that names that user or records (an access error,
    a missing record: :data:`HIDDEN_DETAILS`) is replaced by its generic
    message; ``odoo.http`` logs the original.
    """
    if isinstance(exc, ValueError) and str(exc) == NUL_IN_TEXT:
        return describe(
            BadRequest("Text may not contain the NUL character (U+0000): it cannot be stored.")
        )
    if isinstance(exc, ApiError):
        if exc.status >= 500:  # generic, but our own headers stay (a 503's Retry-After)
            return replace(_generic_5xx(exc.status), headers=dict(exc.headers))
        return ErrorInfo(
            status=exc.status,
            name=exc.error_name,
            message=exc.message,
            arguments=[exc.message, exc.status],
            errors=exc.errors,
            headers=dict(exc.headers),
            jsonrpc_code=exc.jsonrpc_code or exc.status,
        )
    names = qualified_names(exc)
    name = names[0]
    code = getattr(exc, "code", None)
    if "werkzeug.exceptions.HTTPException" in names and isinstance(code, int):
        if code >= 500:
            return _generic_5xx(code)
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        message = exc.description or REASONS.get(code, "Error")
        return ErrorInfo(
            status=code,
            name=name,
            message=message,
            arguments=[message, code],
            headers=headers,
            jsonrpc_code=code,
        )
    status = _lookup(STATUS_BY_EXCEPTION, names)
    if status is None:
        return _generic_5xx(500)
    status = _cause_status(exc) or status
    hidden = _lookup(HIDDEN_DETAILS, names) if hide_access_details else None
    if hidden:
        message = hidden
        arguments = [message, status]
    elif EXPOSED_EXCEPTIONS.intersection(names):
        message = str(exc.args[0]) if exc.args else REASONS[status]
        arguments = [_jsonable(a) for a in exc.args]
    else:
        message = _lookup(SAFE_MESSAGES, names) or REASONS[status]
        arguments = [message, status]
    return ErrorInfo(
        status=status, name=name, message=message, arguments=arguments, jsonrpc_code=status
    )


def _lookup(table, names):
    """The value of the first of ``names`` (an MRO) found in ``table``."""
    return next((table[n] for n in names if n in table), None)


def _cause_status(exc):
    """The status :data:`STATUS_BY_CAUSE` gives the explicit cause chain
    (``raise ... from cause``) of ``exc``, or None."""
    seen = set()
    cause = exc.__cause__
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        names = qualified_names(cause)
        status = _lookup(STATUS_BY_CAUSE, names)
        if status is None and "psycopg2.errors.ForeignKeyViolation" in names:
            status = 409 if str(cause).startswith(_IN_USE_PREFIX) else None
        if status is not None:
            return status
        cause = cause.__cause__
    return None


def _generic_5xx(status):
    """Any server-side failure, whatever raised it: one name, one message.
    The class of the exception alone (``builtins.ZeroDivisionError``,
    ``psycopg2.errors.UndefinedColumn``) tells an attacker about the code."""
    message = REASONS.get(status, REASONS[500])
    return ErrorInfo(
        status=status,
        name=InternalError.error_name,
        message=message,
        arguments=[message, status],
        jsonrpc_code=JSONRPC_INTERNAL_ERROR,
    )


def _jsonable(value):
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # error bodies are strict JSON too
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


def error_body(info, *, context=None, debug=None):
    """The JSON body of an error response (plain ``http`` routes)."""
    body = {
        "name": info.name,
        "message": info.message,
        "arguments": info.arguments,
        "context": context or {},
    }
    if info.errors is not None:
        body["errors"] = info.errors
    if debug:
        body["debug"] = debug
    return body


def jsonrpc_error(info, request_id, *, context=None, debug=None):
    """The JSON-RPC 2.0 response carrying an error (``json`` routes)."""
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "error": {
            "code": info.jsonrpc_code if info.jsonrpc_code is not None else info.status,
            "message": info.message,
            "data": error_body(info, context=context, debug=debug),
        },
    }
