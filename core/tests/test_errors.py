import pytest
from werkzeug.exceptions import Conflict, MethodNotAllowed, NotFound

from core import errors


def _odoo_exception(name, base=Exception):
    """A class that stands where Odoo's would, by qualified name."""
    return type(name, (base,), {"__module__": "odoo.exceptions"})


UserError = _odoo_exception("UserError")
ValidationError = _odoo_exception("ValidationError", UserError)
AccessError = _odoo_exception("AccessError", UserError)
MissingError = _odoo_exception("MissingError", UserError)


@pytest.mark.parametrize(
    ("exc", "status", "message"),
    [
        (UserError("Bad"), 400, "Bad"),
        (ValidationError("Invalid"), 400, "Invalid"),
        (AccessError("Nope"), 403, "Nope"),
        (MissingError("Gone"), 404, "Gone"),
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


def test_server_errors_leak_nothing():
    info = errors.describe(KeyError("password=hunter2"))
    body = errors.error_body(info)
    assert "hunter2" not in repr(body)
    assert set(body) == {"name", "message", "arguments", "context"}
    assert body["name"] == "builtins.KeyError"


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
