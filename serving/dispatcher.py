# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The Odoo dispatcher of published endpoints: one request, start to end.

Odoo picks a dispatcher class by the ``type`` of the matched rule; ours is
selected by the rules ``ir.http._match`` builds for published paths (see
``registry.py``), so both route types of an endpoint, ``http`` and ``json``
(JSON-RPC 2.0, which Odoo 19 renamed ``jsonrpc`` and which OCA's dynamic
routes no longer reach), are served here with the same pipeline:

CORS and preflight, method (405), CSRF, content type (415), size (413), body
parsing (400), JSON-RPC envelope, schema (400), the snippet, the response.

Every failure is raised, never returned, so ``odoo.http`` rolls the whole
transaction back, and :meth:`handle_error` renders it through the single
error contract of ``core/request/errors.py``.

Odoo may run ``dispatch`` more than once for one request: after a
serialization failure (``odoo.service.model.retrying``) and when a
``readonly`` endpoint writes (``Request._serve_db`` starts again with a
read/write cursor). The dispatcher object lives for the whole request, so
the body is read from the socket once and kept here, and every pass parses
the same bytes; the request is logged when its response is sent, so an
attempt that was rolled back and retried is never logged.
"""

import functools
import logging
import time
import traceback

import werkzeug.exceptions

from odoo.http import Dispatcher, Response
from odoo.http import request as odoo_request
from odoo.tools import config

from ..core.request import body as core_body
from ..core.request import errors as core_errors
from ..core.request import snippet as core_snippet
from ..core.request.logsafe import EscapeControls, get_logger
from . import idempotency, metrics, rate_limit, request_log
from .cross_site import CrossSiteChecks
from .params import int_param, param_enabled
from .registry import ROUTING_TYPE
from .snippet_context import build_context

_logger = get_logger(__name__)


def _serving_an_endpoint(_record):
    """Whether the current request is one of ours (see below)."""
    try:
        return isinstance(odoo_request.dispatcher, RestEndpointDispatcher)
    except (RuntimeError, AttributeError):  # no request, or no dispatcher yet
        return False


# Odoo's WSGI entry point logs the message of a UserError or AccessError
# itself (``odoo.http``), and a snippet's message may quote the caller: the
# control characters of those lines are escaped too, for our requests only.
if not any(isinstance(f, EscapeControls) for f in logging.getLogger("odoo.http").filters):
    logging.getLogger("odoo.http").addFilter(EscapeControls(applies=_serving_an_endpoint))

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
PREFLIGHT_MAX_AGE = "86400"
PREFLIGHT_HEADERS = "Authorization, Content-Type, Accept, X-Odoo-Database, X-CSRF-Token"
MAX_BODY_PARAM = "rest_endpoint.max_body_size"
VALIDATE_RESPONSES_PARAM = "rest_endpoint.validate_responses"
#: The members a JSON-RPC 2.0 request may have; any other is refused (400).
JSONRPC_MEMBERS = frozenset({"jsonrpc", "method", "params", "id"})
#: The ``--dev`` feature (``--dev=rest_endpoint_tracebacks``, alone or among
#: others) that adds the traceback to error bodies (``debug``), for every
#: caller. Only this explicit opt-in does: a server started with
#: ``--dev=reload`` or ``--dev=all`` for convenience must not show its code.
TRACEBACKS_DEV_MODE = "rest_endpoint_tracebacks"


def error_response(info, body, headers=None):
    """The JSON response of an error described by ``core.errors.describe``."""
    all_headers = dict(info.headers)
    all_headers.update(headers or {})
    return Response(
        core_snippet.dumps(body),
        status=info.status,
        headers=list(all_headers.items()),
        content_type=JSON_CONTENT_TYPE,
    )


def json_error(exc):
    """The JSON error response of ``exc`` (plain routes of the addon's own
    controllers, which answer in the same error contract)."""
    info = core_errors.describe(exc)
    return error_response(info, core_errors.error_body(info))


class RestEndpointDispatcher(CrossSiteChecks, Dispatcher):
    routing_type = ROUTING_TYPE
    mimetypes = ("*/*",)

    def __init__(self, request):
        super().__init__(request)
        self.started = time.perf_counter()
        self.handler = None
        self.jsonrpc_id = None
        self.attempts = 0
        # The raw body, read once for all the passes of this request.
        self._body = None
        # Set by ir.http's authentication: False once the caller is known to
        # be the user the code runs as (see core.errors.describe).
        self.hide_access_details = True
        # The caller, set by ir.http's authentication (request log, limits).
        self.caller_uid = None
        self.caller_key_id = None
        # RateLimit-* headers once this request was counted: a retried pass
        # is not counted again.
        self.rate_headers = None
        # Under the test runner, counted until its response is closed
        # (request_log.settle: tests wait for it instead of sleeping).
        self.counted_open = request_log.request_started()

    @classmethod
    def is_compatible_with(cls, request):
        # Content types are checked per endpoint, with a JSON 415.
        return True

    # ------------------------------------------------------------------
    # Odoo's dispatcher protocol
    # ------------------------------------------------------------------

    def pre_dispatch(self, rule, args):
        handler = self.handler = rule.endpoint
        request = self.request
        request.session.can_save &= handler.routing["save_session"]
        headers = request.future_response.headers
        for name, value in self._cors_headers().items():
            headers.set(name, value)
        if request.httprequest.method == "OPTIONS":
            preflight = Response(status=204)
            preflight.headers["Allow"] = ", ".join(handler.entry.allowed_methods)
            if "Access-Control-Allow-Origin" in headers:
                methods = handler.entry.allowed_methods
                preflight.headers["Access-Control-Allow-Methods"] = ", ".join(methods)
                preflight.headers["Access-Control-Allow-Headers"] = PREFLIGHT_HEADERS
                preflight.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
            self._log_when_sent(preflight)
            werkzeug.exceptions.abort(preflight)

    def dispatch(self, endpoint, args):
        self.attempts += 1
        compiled = endpoint.compiled
        if compiled is None:
            raise core_errors.MethodNotAllowed(endpoint.entry.allowed_methods)
        request = self.request
        httprequest = request.httprequest
        if "\x00" in httprequest.path or b"%00" in httprequest.query_string:
            raise core_errors.BadRequest(core_body.NUL_MESSAGE.format(where=" in the URL"))
        if compiled.rate_limit:
            rate_limit.check(self, compiled)
        csrf_refusal = self._check_csrf(compiled)
        payload, element = self._read_payload(compiled)
        if csrf_refusal:
            payload = self._check_form_csrf(payload, csrf_refusal)
        if compiled.route_type == "json":
            payload = self._unwrap_jsonrpc(payload)
        if compiled.validator is not None:
            if compiled.validator.kind == "xsd":
                # a GET or DELETE without a body is not an XML request
                if element is not None or httprequest.method in core_body.BODY_METHODS:
                    compiled.validator.validate(element)
            else:
                compiled.validator.validate(payload)
        claim = idempotency.claim(self, compiled, self._body)
        if claim is not None and claim.replay is not None:
            return claim.replay
        context = build_context(request, compiled, args, payload)
        Endpoint = request.env["endpoint.endpoint"]
        result = getattr(Endpoint, f"_handle_exec__{compiled.exec_mode}")(compiled, context)
        response = self._make_response(compiled, result)
        if claim is not None:
            claim.store(response)  # in this transaction: commits with the work
        return response

    def post_dispatch(self, response):
        result = super().post_dispatch(response)
        self._log_when_sent(response)
        return result

    def handle_error(self, exc):
        # odoo.http logs the exception itself: with its traceback when it is
        # unexpected, as one line at its ``loglevel`` when it is ours. With
        # ``--dev=werkzeug`` it is called after the cursor is gone (see
        # odoo.http's _update_served_exception): nothing here uses the env.
        info = core_errors.describe(exc, hide_access_details=self.hide_access_details)
        debug = None
        if TRACEBACKS_DEV_MODE in config["dev_mode"]:
            debug = "".join(traceback.format_exception(exc))
        if self._route_type() == "json":
            if self.jsonrpc_id is None:
                self.jsonrpc_id = self._peek_jsonrpc_id()
            body = core_errors.jsonrpc_error(info, self.jsonrpc_id, debug=debug)
        else:
            body = core_errors.error_body(info, debug=debug)
        response = error_response(info, body, self._cors_headers())
        self._log_when_sent(response, info.message)
        return response

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------

    def _read_payload(self, compiled):
        """Check, read and parse the body; return (payload, xml element)."""
        httprequest = self.request.httprequest
        header = httprequest.headers.get("Content-Type")
        has_body = bool(httprequest.content_length) or "Transfer-Encoding" in httprequest.headers
        expected = compiled.content_type
        if compiled.route_type == "json":
            expected = "application/json"
        if expected and (has_body or httprequest.method in core_body.BODY_METHODS):
            core_body.check_content_type(header, expected)
        if not has_body:
            return None, None
        data = self._request_body()
        mimetype, params = core_body.split_content_type(header)
        mimetype = expected or mimetype
        if mimetype in ("application/xml", "text/xml"):
            element = core_body.parse_xml(data) if data else None
            return (core_body.xml_to_dict(element) if element is not None else None), element
        if mimetype not in core_body.SUPPORTED_TYPES:
            return (data or None), None
        return core_body.parse_body(data, mimetype, params.get("charset")), None

    def _unwrap_jsonrpc(self, envelope):
        """The ``params`` of a JSON-RPC 2.0 request, or a 400 naming the
        expected envelope (instead of the TypeError odd bodies give Odoo's
        own json routes)."""
        envelope_ok = isinstance(envelope, dict)
        if envelope_ok:
            request_id = envelope.get("id")
            if isinstance(request_id, str | int | float | type(None)) and not isinstance(
                request_id, bool
            ):
                self.jsonrpc_id = request_id
            else:
                envelope_ok = False
        params = envelope.get("params", {}) if envelope_ok else None
        if (
            not envelope_ok
            or not set(envelope) <= JSONRPC_MEMBERS
            or envelope.get("jsonrpc") != "2.0"
            or not isinstance(params, dict)
            or not isinstance(envelope.get("method", ""), str)
        ):
            raise core_errors.InvalidEnvelope(
                "Expected a JSON-RPC 2.0 request: "
                '{"jsonrpc": "2.0", "method": "call", "params": {...}, "id": 1}; '
                'the endpoint\'s arguments go in "params" (an object), "method" is a '
                'string, "id" a string, a number or null, and nothing else.'
            )
        return params

    def _request_body(self):
        """The raw body, read from the socket on the first call (bounded by
        the size limit: 413 beyond it) and the same bytes on every later
        call, retries included: the stream can be read only once."""
        if self._body is None:
            httprequest = self.request.httprequest
            self._body = core_body.read_limited(
                _stream(httprequest), httprequest.content_length, self._max_body_size()
            )
        return self._body

    def _peek_jsonrpc_id(self):
        """The request's JSON-RPC id when the failure came before the body was
        parsed (authentication, CORS, 405): the caller still gets its id back.
        Best effort: a body that cannot be read or parsed gives None."""
        httprequest = self.request.httprequest
        if self._body is None and not httprequest.content_length:
            return None
        try:
            envelope = core_body.parse_json(self._request_body())
        except Exception:  # an error is already being answered
            return None
        request_id = envelope.get("id") if isinstance(envelope, dict) else None
        # only an id the envelope may carry comes back (the document says so)
        valid = isinstance(request_id, str | int | float) and not isinstance(request_id, bool)
        return request_id if valid else None

    def _make_response(self, compiled, result):
        normalized = core_snippet.normalize_result(
            result,
            response_class=werkzeug.wrappers.Response,
            allow_response=compiled.route_type == "http",
        )
        if normalized[0] == "response":
            return normalized[1]
        _kind, payload, headers, status = normalized
        if compiled.response_validator is not None and 200 <= status < 300:
            self._check_response(compiled, payload)
        if compiled.route_type == "json":
            body = core_snippet.dumps({"jsonrpc": "2.0", "id": self.jsonrpc_id, "result": payload})
            content_type = JSON_CONTENT_TYPE
        elif isinstance(payload, bytes):
            body, content_type = payload, "application/octet-stream"
        elif isinstance(payload, str):
            body, content_type = payload.encode(), "text/plain; charset=utf-8"
        elif payload is None and status == 204:
            body, content_type = b"", None
        else:
            body, content_type = core_snippet.dumps(payload), JSON_CONTENT_TYPE
        response = Response(body, status=status)
        if content_type:
            response.headers["Content-Type"] = content_type
        else:
            response.headers.remove("Content-Type")  # no body, no type
        for name, value in headers.items():
            response.headers[name] = value
        return response

    def _check_response(self, compiled, payload):
        """In tests and dev mode (or when the system parameter asks for it),
        a payload that breaks the documented response schema is a server bug:
        500, with every violation in the log."""
        if not (config["dev_mode"] or param_enabled(self.request.env, VALIDATE_RESPONSES_PARAM)):
            return
        try:
            compiled.response_validator.validate(payload)
        except core_errors.RequestValidationError as exc:
            raise core_errors.InternalError(
                f"{self._label()} returned a payload that does not match its response "
                f"schema: {exc.errors}"
            ) from exc

    def _max_body_size(self):
        return int_param(self.request.env, MAX_BODY_PARAM, core_body.DEFAULT_MAX_BODY_SIZE)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _route_type(self):
        if self.handler is None:
            return "http"
        if self.handler.compiled is not None:
            return self.handler.compiled.route_type
        types = {ep.route_type for ep in self._endpoints_of_path()}
        return "json" if types == {"json"} else "http"

    def _label(self):
        compiled = self.handler.compiled if self.handler is not None else None
        return f"endpoint {compiled.name!r} (#{compiled.id})" if compiled else "endpoint path"

    def _log_when_sent(self, response, message=None):
        """Log the request when ``response`` is sent, with its status: the
        server log line, the metrics and, when the endpoint asks for it, a
        row of the request log (``request_log.py``).

        Each pass of a retried request builds its own response, and only the
        last one reaches the client (WSGI closes it once sent): the log line
        says what the client got, once, whatever the number of passes.
        """
        httprequest = self.request.httprequest
        status = response.status_code
        line = (
            httprequest.method,
            httprequest.path,  # the logger escapes control characters
            status,
            self._label(),
            f" ({self.attempts} attempts)" if self.attempts > 1 else "",
            f": {message}" if message and status >= 400 else "",
        )
        compiled = self.handler.compiled if self.handler is not None else None
        row = None
        if compiled is not None and request_log.wanted(compiled, status):
            try:
                row = request_log.build(self, compiled, response, message)
            except Exception:  # the call is answered; the log never breaks it
                _logger.exception("Could not build the request log row of %s", self._label())
        # Read now: ``self.request`` may be Odoo's request proxy (a JSON 404
        # outside any endpoint), unbound once the response is being sent.
        request = self.request
        where = (request.db, getattr(request, "registry", None))
        response.call_on_close(functools.partial(self._log, line, compiled, row, where))

    def _log(self, line, compiled, row, where):
        try:
            self._write_log(line, compiled, row, where)
        finally:
            request_log.request_closed(self)

    def _write_log(self, line, compiled, row, where):
        method, path, status, label, attempts, message = line
        elapsed = time.perf_counter() - self.started
        args = (method, path, status, label, elapsed * 1000, attempts, message)
        _logger.info("%s %s -> %s, %s, %.1f ms%s%s", *args)
        db, registry = where
        try:
            metrics.observe_request(db, compiled.name if compiled else "", method, status, elapsed)
        except Exception:  # the call is answered; metrics never break it
            _logger.exception("Could not record the metrics of %s %s", method, path)
        if compiled is not None and registry is not None:
            request_log.count(registry, compiled.id, status)
        if row is not None and registry is not None:
            request_log.save(registry, row, self.started)


def _stream(httprequest):
    """The werkzeug input stream (bounded by Content-Length), which Odoo's
    request wrapper does not expose: ``get_data()`` would read a chunked
    body of any size into memory before we could refuse it with a 413."""
    return httprequest._HTTPRequest__wrapped.stream
