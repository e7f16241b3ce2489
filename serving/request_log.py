# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The request log (``endpoint.log``): one row per logged call, written after
the response is sent, in a transaction of its own.

Why after the response, on a side connection (``side_sql.py``, asynchronous
commit: the worker does not wait for the disk): the request's transaction may
be rolled back (a failure) or run again (Odoo retries serialization failures
and read-only cursors that meet a write); its cursor is closed by then. The
dispatcher registers :func:`schedule` with werkzeug's ``call_on_close`` on
the response of each pass; only the response that reaches the client is
closed, so a retried request is logged once, with its final outcome, and a
rolled-back one is logged all the same. The worker does not wait for an
INSERT either: rows are queued and written in batches by a thread of each
process (:class:`_Writer`), and ``log_requests = none`` costs nothing.

Under Odoo's test runner every cursor of the registry is a ``TestCursor``
sharing the test's one connection behind one lock, which the test thread
takes back as soon as it has the response: a cursor opened *after* the
response would wait for the next request of the test. There, rows are kept
in :data:`PENDING` and written by the test (``flush_pending``) with its own
cursor, through the same :func:`write`.
"""

import atexit
import collections
import datetime
import os
import threading
import time

from odoo.modules import module as odoo_module

from ..core.request import redact
from ..core.request.logsafe import escape_controls, get_logger
from . import side_sql
from .params import int_param, list_param

_logger = get_logger(__name__)

BODY_SIZE_PARAM = "rest_endpoint.log_body_size"
DEFAULT_BODY_SIZE = 4096
#: More name parts that make a header or body field secret (comma-separated),
#: added to ``redact.SENSITIVE_PARTS``.
REDACT_NAMES_PARAM = "rest_endpoint.log_redact_names"

#: Rows of the requests served under Odoo's test runner, written by the test.
PENDING = []
#: The same for the call counters: a (endpoint id, hour, status class) per call.
PENDING_CALLS = []
_pending_lock = threading.Lock()

_INSERT = """
    INSERT INTO endpoint_log (
        create_date, write_date, create_uid, write_uid,
        endpoint_id, method, path, status, status_class, duration_ms, duration_max_ms,
        user_id, api_key_name, remote_addr, error_message,
        request_headers, request_body, response_headers, response_body
    ) VALUES (
        %(logged_at)s, %(logged_at)s, 1, 1,
        (SELECT id FROM endpoint_endpoint WHERE id = %(endpoint_id)s),
        %(method)s, %(path)s, %(status)s, %(status_class)s, %(duration_ms)s, %(duration_ms)s,
        (SELECT id FROM res_users WHERE id = %(user_id)s),
        (SELECT regexp_replace(name, '[\x01-\x1f\x7f-\x9f\u2028\u2029]', '?', 'g')
           FROM res_users_apikeys WHERE id = %(api_key_id)s),
        %(remote_addr)s, %(error_message)s,
        %(request_headers)s, %(request_body)s, %(response_headers)s, %(response_body)s
    )
"""  # constant SQL; every value is a parameter


_INSERT_MANY = _INSERT[: _INSERT.index("VALUES")] + "VALUES %s"
_TEMPLATE = _INSERT[_INSERT.index("VALUES") + len("VALUES") :].strip()


# Every answered call adds one to its (endpoint, hour, status class) counter
# (``endpoint.stat``), whatever the endpoint's log level. The writer adds up
# its queue first, so a batch upserts each counter once, in key order (two
# processes never wait on each other's rows in opposite orders). An
# endpoint deleted meanwhile is skipped (the join).
_COUNT_MANY = """
    INSERT INTO endpoint_stat AS s (endpoint_id, hour, status_class, calls, errors)
    SELECT v.endpoint_id, v.hour, v.status_class, v.calls, v.errors
    FROM (VALUES %s) AS v (endpoint_id, hour, status_class, calls, errors)
    JOIN endpoint_endpoint e ON e.id = v.endpoint_id
    ORDER BY v.endpoint_id, v.hour, v.status_class
    ON CONFLICT (endpoint_id, hour, status_class)
    DO UPDATE SET calls = s.calls + EXCLUDED.calls, errors = s.errors + EXCLUDED.errors
"""  # constant SQL; every value is a parameter
_COUNT_TEMPLATE = (
    "(%(endpoint_id)s::integer, %(hour)s::timestamp, %(status_class)s::varchar,"
    " %(calls)s::integer, %(errors)s::integer)"
)
_COUNT_ONE = _COUNT_MANY.replace("VALUES %s", "VALUES " + _COUNT_TEMPLATE)


def count(registry, endpoint_id, status):
    """Count one answered call of ``endpoint_id`` (called once the response
    is sent, like :func:`save`)."""
    hour = datetime.datetime.now(datetime.UTC).replace(
        tzinfo=None, minute=0, second=0, microsecond=0
    )
    key = (endpoint_id, hour, status_class(status))
    if odoo_module.current_test:
        with _pending_lock:
            PENDING_CALLS.append(key)
        return
    writer.count(registry.db_name, key)


def count_rows(keys):
    """The counter rows of ``keys`` (one per call), added up, in key order."""
    return [
        {
            "endpoint_id": endpoint_id,
            "hour": hour,
            "status_class": klass,
            "calls": calls,
            "errors": calls if klass in ("4xx", "5xx") else 0,
        }
        for (endpoint_id, hour, klass), calls in sorted(collections.Counter(keys).items())
    ]


def write_counts(cr, keys):
    """Add the calls ``keys`` to their counters with ``cr`` (the caller commits)."""
    for row in count_rows(keys):
        cr.execute(_COUNT_ONE, row)


def wanted(compiled, status):
    """Whether a call of ``compiled`` that got ``status`` is logged."""
    mode = compiled.log_requests
    return mode == "all" or (mode == "errors" and status >= 400)


def status_class(status):
    return f"{status // 100}xx"


def build(dispatcher, compiled, response, message):
    """The row of a call, from what the request thread still has: the
    request, the caller the dispatcher recorded, and the final response.
    ``duration_ms`` is set when the response has been sent."""
    request = dispatcher.request
    httprequest = request.httprequest
    status = response.status_code
    row = {
        "endpoint_id": compiled.id,
        "method": escape_controls(httprequest.method),
        "path": escape_controls(httprequest.path)[:2048],
        "status": status,
        "status_class": status_class(status),
        "duration_ms": None,
        "user_id": dispatcher.caller_uid or None,
        "api_key_id": dispatcher.caller_key_id or None,
        "remote_addr": escape_controls(httprequest.remote_addr),
        "error_message": escape_controls(message or None) if status >= 400 else None,
        "request_headers": None,
        "request_body": None,
        "response_headers": None,
        "response_body": None,
    }
    if compiled.log_bodies or row["error_message"]:
        size = DEFAULT_BODY_SIZE
        extra = ()
        if request.env:
            size = int_param(request.env, BODY_SIZE_PARAM, DEFAULT_BODY_SIZE)
            extra = list_param(request.env, REDACT_NAMES_PARAM)
        rule = redact.redactor(extra)
        content_type = httprequest.headers.get("Content-Type")
        headers = list(httprequest.headers.items())
        # what the request sent as secrets, to be scrubbed where it is quoted back
        secrets = rule.secrets(dispatcher._body, content_type, headers)
        row["error_message"] = rule.scrub(row["error_message"], secrets)
    if compiled.log_bodies:
        row["request_headers"] = rule.headers(headers)
        row["request_body"] = redact.truncate(
            rule.body(dispatcher._body, content_type, secrets), size
        )
        row["response_headers"] = rule.headers(response.headers.items())
        if response.direct_passthrough or not response.is_sequence:
            body = "<streamed response, not kept>"
        else:
            body = rule.body(response.get_data(), response.headers.get("Content-Type"), secrets)
        row["response_body"] = redact.truncate(body, size)
    return row


def write(cr, rows):
    """Insert ``rows`` with ``cr`` (the caller commits)."""
    for row in rows:
        cr.execute(_INSERT, row)


def save(registry, row, started):
    """Called once the response is sent: time it and queue it for the
    writer (or keep it for the test, see the module doc)."""
    row["duration_ms"] = round((time.perf_counter() - started) * 1000, 3)
    # the time of the call, not of the batch that writes it
    row["logged_at"] = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    if odoo_module.current_test:
        with _pending_lock:
            PENDING.append(row)
        return
    writer.add(registry.db_name, row)


class _Writer:
    """Writes queued rows in batches, from a thread of each process.

    The worker that served a request only appends its row to a list: it
    takes its next request at once, instead of waiting for an INSERT. The
    thread writes what is queued every :attr:`interval` seconds (at once
    past :attr:`batch` rows), one multi-row INSERT per database, and what is
    left when the process exits. A process killed outright loses at most the
    last :attr:`interval` of rows.
    """

    interval = 0.5
    batch = 200

    def __init__(self):
        self._lock = threading.Condition()
        self._queue = {}  # dbname -> [row]
        self._calls = {}  # dbname -> [(endpoint id, hour, status class)]
        self._pid = None

    def _start(self):
        """Under the lock: the thread of this process (first use, or a
        forked worker that inherited the parent's state)."""
        if self._pid != os.getpid():
            self._pid, self._queue, self._calls = os.getpid(), {}, {}
            thread = threading.Thread(target=self._run, name="rest_endpoint.log", daemon=True)
            thread.start()
            atexit.register(self.flush)

    def count(self, dbname, key):
        with self._lock:
            self._start()
            self._calls.setdefault(dbname, []).append(key)

    def add(self, dbname, row):
        with self._lock:
            self._start()
            rows = self._queue.setdefault(dbname, [])
            rows.append(row)
            if len(rows) >= self.batch:
                self._lock.notify()

    def _run(self):
        while True:
            with self._lock:
                self._lock.wait(self.interval)
            self.flush()

    def flush(self):
        with self._lock:
            queue, self._queue = self._queue, {}
            calls, self._calls = self._calls, {}
        for dbname, keys in calls.items():
            try:
                side_sql.execute_many(dbname, _COUNT_MANY, _COUNT_TEMPLATE, count_rows(keys))
            except Exception:  # never let the counters break the worker
                _logger.exception("Could not count %d call(s) of %s", len(keys), dbname)
        for dbname, rows in queue.items():
            try:
                side_sql.execute_many(dbname, _INSERT_MANY, _TEMPLATE, rows)
            except Exception:  # never let the log break the worker
                _logger.exception("Could not write %d request log row(s) of %s", len(rows), dbname)


writer = _Writer()


# --- the test hook: requests whose response is not closed yet -------------
#
# Under the test runner the dispatcher counts each request when it is built
# (:func:`request_started`, before any byte of the response exists) and
# again once its final response is closed, after the server log line, the
# metrics and the row (:func:`request_closed`). A test that has a response
# in hand can then wait for the count to reach zero (:func:`settle`) and
# know that nothing more is coming: no sleep, no guessed delay.

_open_requests = 0
_open_lock = threading.Condition()


def request_started():
    """Count a request of the test server; whether it was counted (only
    under the test runner: a production worker pays nothing)."""
    global _open_requests  # noqa: PLW0603 (a counter of the test server)
    if not odoo_module.current_test:
        return False
    with _open_lock:
        _open_requests += 1
    return True


def request_closed(dispatcher):
    """The final response of ``dispatcher``'s request is closed (once)."""
    global _open_requests  # noqa: PLW0603
    if not dispatcher.counted_open:
        return
    dispatcher.counted_open = False
    with _open_lock:
        _open_requests -= 1
        _open_lock.notify_all()


def settle(timeout=10.0):
    """Tests: wait until every request the test server has started has
    closed its response (so it is logged, counted and its row pending);
    raise ``TimeoutError`` if one is still open after ``timeout``."""
    with _open_lock:
        if not _open_lock.wait_for(lambda: _open_requests <= 0, timeout):
            raise TimeoutError(f"{_open_requests} request(s) still open after {timeout}s")


def flush_pending(cr, expected=0, calls=0):
    """Tests: once every request served so far is closed (:func:`settle`),
    write the pending rows and call counts with ``cr``; return how many rows
    were written. ``expected`` and ``calls`` (how many rows and counts to
    wait for) are accepted from older callers and not needed: settling
    waits for exactly what was sent."""
    settle()
    with _pending_lock:
        rows = PENDING[:]
        PENDING.clear()
        keys = PENDING_CALLS[:]
        PENDING_CALLS.clear()
    write_counts(cr, keys)
    write(cr, rows)
    return len(rows)


def forget_pending():
    with _pending_lock:
        PENDING.clear()
        PENDING_CALLS.clear()
