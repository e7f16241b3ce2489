import json

import psycopg2.errors
import pytest
from werkzeug.exceptions import Conflict, MethodNotAllowed, NotFound, ServiceUnavailable

from core.request import errors, snippet


def _odoo_exception(name, base=Exception):
    """A class that stands where Odoo's would, by qualified name."""
    return type(name, (base,), {"__module__": "odoo.exceptions"})


UserError = _odoo_exception("UserError")
ValidationError = _odoo_exception("ValidationError", UserError)
AccessError = _odoo_exception("AccessError", UserError)
AccessDenied = _odoo_exception("AccessDenied", UserError)
MissingError = _odoo_exception("MissingError", UserError)
RedirectWarning = _odoo_exception("RedirectWarning")


@pytest.mark.parametrize(
    ("exc", "status", "message"),
    [
        (UserError("Bad"), 400, "Bad"),
        (ValidationError("Invalid"), 400, "Invalid"),
        (AccessError("Nope"), 403, "Nope"),
        (MissingError("Gone"), 404, "Gone"),
        (RedirectWarning("Archive the user instead.", 42, "Go"), 400, "Archive the user"),
        (Conflict("Taken"), 409, "Taken"),
        (NotFound("No such"), 404, "No such"),
        (ZeroDivisionError("division by zero"), 500, "Internal Server Error"),
        (KeyError("secret_column"), 500, "Internal Server Error"),
        (errors.RequestValidationError("Schema", errors=[{"path": ""}]), 400, "Schema"),
        (errors.InternalError("snippet returned junk"), 500, "Internal Server Error"),
        (ValueError(errors.NUL_IN_TEXT), 400, "NUL"),
    ],
)
def test_describe_statuses_and_messages(exc, status, message):
    info = errors.describe(exc)
    assert info.status == status
    assert message in info.message


@pytest.mark.parametrize(
    "exc",
    [
        KeyError("password=hunter2"),
        ZeroDivisionError("division by zero"),
        psycopg2.errors.UndefinedColumn('column "hunter2" does not exist'),
        errors.InternalError("snippet returned hunter2"),
        snippet.SnippetResultError("`result` is hunter2"),
        ServiceUnavailable("db hunter2 is down"),
    ],
)
def test_server_errors_leak_nothing(exc):
    info = errors.describe(exc)
    body = errors.error_body(info)
    assert info.status >= 500
    assert "hunter2" not in repr(body)
    assert set(body) == {"name", "message", "arguments", "context"}
    assert body["name"] == "rest_endpoint.errors.InternalError"
    assert body["message"] == errors.REASONS[info.status]
    assert body["arguments"] == [body["message"], info.status]
    # nothing about the code's modules or classes either
    if not isinstance(exc, errors.InternalError):
        assert type(exc).__name__ not in repr(body)
    assert "builtins" not in repr(body)
    assert errors.jsonrpc_error(info, 1)["error"]["code"] == errors.JSONRPC_INTERNAL_ERROR


def _from(exc, cause):
    """``exc`` as raised by ``raise exc from cause``."""
    try:
        raise exc from cause
    except Exception as raised:
        return raised


@pytest.mark.parametrize(
    ("exc", "status", "message"),
    [
        # what odoo.service.model.retrying raises for a duplicate: a 409 that
        # keeps Odoo's user-facing message
        (
            _from(
                ValidationError("The operation cannot be completed: login must be unique"),
                psycopg2.errors.UniqueViolation("duplicate key ... (login)=(x)"),
            ),
            409,
            "The operation cannot be completed: login must be unique",
        ),
        # further down the chain, too
        (
            _from(
                ValidationError("Duplicate"),
                _from(RuntimeError("wrapper"), psycopg2.errors.UniqueViolation("key")),
            ),
            409,
            "Duplicate",
        ),
        # a missing value or a dangling reference stays a 400
        (
            _from(ValidationError("Missing required value"), psycopg2.errors.NotNullViolation()),
            400,
            "Missing required value",
        ),
        (
            _from(ValidationError("Another model"), psycopg2.errors.ForeignKeyViolation()),
            400,
            "Another model",
        ),
        # a DELETE of a record other rows still reference: in use, a conflict
        (
            _from(
                ValidationError("another model requires the record being deleted"),
                psycopg2.errors.ForeignKeyViolation(
                    'update or delete on table "res_partner" violates foreign key constraint'
                ),
            ),
            409,
            "record being deleted",
        ),
        # the same violation from an insert names a missing record: 400
        (
            _from(
                ValidationError("Missing record"),
                psycopg2.errors.ForeignKeyViolation(
                    'insert or update on table "x" violates foreign key constraint'
                ),
            ),
            400,
            "Missing record",
        ),
        # the context (an error while handling another) is not a cause
        (_from(ValidationError("Nope"), None), 400, "Nope"),
        # raw database errors: status by class, a safe message
        (psycopg2.errors.UniqueViolation('Key (login)=("x") exists'), 409, "existing record"),
        (psycopg2.errors.NotNullViolation('null value in column "x"'), 400, "constraint"),
        (
            psycopg2.errors.NumericValueOutOfRange('value "99999999999" is out of range'),
            400,
            "out of the range",
        ),
        (
            psycopg2.errors.InvalidTextRepresentation('invalid input syntax: "abc"'),
            400,
            "does not have the type",
        ),
        # what is left of concurrent writers after Odoo's retries
        (
            psycopg2.errors.SerializationFailure("could not serialize access"),
            409,
            "concurrent requests",
        ),
        (psycopg2.errors.DeadlockDetected("deadlock detected"), 409, "concurrent requests"),
        # a data error that is the code's own bug stays a 500
        (psycopg2.errors.DivisionByZero("division by zero"), 500, "Internal Server Error"),
    ],
)
def test_database_errors(exc, status, message):
    info = errors.describe(exc)
    assert info.status == status
    assert message in info.message
    for secret in ("login)=", "99999999999", "abc", 'column "x"'):
        assert secret not in info.message


def test_cause_cycles_end():
    first, second = ValidationError("a"), RuntimeError("b")
    first.__cause__, second.__cause__ = second, first
    assert errors.describe(first).status == 400


@pytest.mark.parametrize(
    "exc",
    [
        AccessError("Sorry, Exec User (id=7) doesn't have 'read' access to... Blame rule X"),
        AccessDenied("Access Denied for Exec User"),
        _odoo_exception("AccessErrorSubclass", AccessError)("Exec User"),
    ],
)
def test_access_details_hidden_on_request(exc):
    shown = errors.describe(exc)
    assert "Exec User" in shown.message
    hidden = errors.describe(exc, hide_access_details=True)
    assert hidden.status == 403
    assert hidden.name == shown.name
    assert hidden.message == errors.GENERIC_ACCESS_MESSAGE
    assert "Exec User" not in repr(errors.error_body(hidden))


def test_hide_access_details_leaves_other_errors_alone():
    for exc in (UserError("Bad"), ValidationError("Invalid"), errors.Forbidden("Not in group")):
        assert errors.describe(exc, hide_access_details=True) == errors.describe(exc)


def test_missing_record_details_hidden_on_request():
    exc = MissingError(
        "Record does not exist or has been deleted.\n(Record: res.partner(999999,), User: 15)"
    )
    assert "res.partner(999999,)" in errors.describe(exc).message
    hidden = errors.describe(exc, hide_access_details=True)
    assert (hidden.status, hidden.name) == (404, "odoo.exceptions.MissingError")
    assert hidden.message == errors.GENERIC_MISSING_MESSAGE
    assert "999999" not in repr(errors.error_body(hidden))


def test_non_finite_arguments_stay_strict_json():
    body = errors.error_body(errors.describe(UserError("Bad", float("inf"), float("nan"))))
    assert body["arguments"] == ["Bad", "inf", "nan"]
    json.dumps(body, allow_nan=False)


def test_headers_kept_content_type_dropped():
    info = errors.describe(MethodNotAllowed(valid_methods=["GET", "POST"]))
    assert info.status == 405
    assert info.headers == {"Allow": "GET, POST"}
    ours = errors.describe(errors.MethodNotAllowed(["POST", "GET"]))
    assert ours.headers == {"Allow": "GET, POST"}
    assert errors.describe(errors.Unauthorized("x")).headers == {"WWW-Authenticate": "Bearer"}


def test_validation_errors_listed_and_debug_only_when_given():
    exc = errors.RequestValidationError("Bad body", errors=[{"path": "/a", "message": "m"}])
    body = errors.error_body(errors.describe(exc))
    assert body["errors"] == [{"path": "/a", "message": "m"}]
    assert "debug" not in body
    assert errors.error_body(errors.describe(exc), debug="tb")["debug"] == "tb"


def test_jsonrpc_codes():
    def code(exc):
        return errors.jsonrpc_error(errors.describe(exc), 7)["error"]["code"]

    assert code(errors.MalformedBody("x")) == errors.JSONRPC_PARSE_ERROR
    assert code(errors.InvalidEnvelope("x")) == errors.JSONRPC_INVALID_REQUEST
    assert code(errors.RequestValidationError("x")) == errors.JSONRPC_INVALID_PARAMS
    assert code(RuntimeError("x")) == errors.JSONRPC_INTERNAL_ERROR
    assert code(errors.Unauthorized("x")) == 401
    envelope = errors.jsonrpc_error(errors.describe(errors.Forbidden("no")), "id-1")
    assert envelope["id"] == "id-1"
    assert envelope["error"]["data"]["message"] == "no"
