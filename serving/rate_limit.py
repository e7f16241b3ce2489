# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Rate limits counted in PostgreSQL, for every worker and server at once.

One statement per claim of hits, prepared once per connection, on a side
connection (``side_sql.py``: autocommit, never the request's transaction,
which may be read-only, rolled back or run again): an upsert of the counter
row of (endpoint, period, caller, window) that returns the new count. Each
caller has its own row, so callers never wait for each other, and no row is
updated by every request of the database. A process claims several hits at
once for a large limit and serves the next requests from them without a round
trip (``core/request/ratelimit.py``: never more than the limit, at least 90 % of it).
Windows are numbered on the database clock, so servers with drifting clocks
agree. The table is UNLOGGED (counters need no crash safety, and skip the
WAL); rows of finished windows are deleted by each process at most once a
minute, and by the daily request log cron.

A database error while counting lets the request through (logged): the
limit protects the server, it must not take the API down with it.
"""

import psycopg2

from ..core.request import errors as core_errors
from ..core.request import ratelimit as core_ratelimit
from ..core.request.logsafe import get_logger
from .side_sql import Prepared, connections, execute

_logger = get_logger(__name__)

TABLE = "rest_endpoint_rate_counter"

CREATE_TABLE = f"""
    CREATE UNLOGGED TABLE IF NOT EXISTS {TABLE} (
        endpoint_id integer NOT NULL,
        period integer NOT NULL,
        caller varchar NOT NULL,
        window_no bigint NOT NULL,
        hits integer NOT NULL,
        expires_at timestamp NOT NULL,
        PRIMARY KEY (endpoint_id, period, caller, window_no)
    )
"""
CREATE_INDEX = f"CREATE INDEX IF NOT EXISTS {TABLE}_expires_idx ON {TABLE} (expires_at)"
_HIT = Prepared(
    "rest_endpoint_rate_hit_v2",  # v2: the clock parameter
    f"""
    WITH clock AS (SELECT coalesce({{clock}}, extract(epoch FROM clock_timestamp())) AS t)
    INSERT INTO {TABLE} AS c (endpoint_id, period, caller, window_no, hits, expires_at)
    SELECT {{endpoint_id}}, {{period}}, {{caller}}, floor(t / {{period}})::bigint, {{size}},
           to_timestamp((floor(t / {{period}}) + 1) * {{period}}) at time zone 'utc'
      FROM clock
    ON CONFLICT (endpoint_id, period, caller, window_no) DO UPDATE SET hits = c.hits + EXCLUDED.hits
    RETURNING c.hits, c.window_no, (SELECT t FROM clock)::float8
""",  # constant SQL
    [
        ("endpoint_id", "integer"),
        ("period", "integer"),
        ("caller", "varchar"),
        ("size", "integer"),
        ("clock", "float8"),
    ],
)
DELETE_EXPIRED = f"DELETE FROM {TABLE} WHERE expires_at < now() at time zone 'utc'"


leases = core_ratelimit.Leases()


#: Tests only: the database clock (epoch seconds) the counter uses instead
#: of ``clock_timestamp()``, to put requests in a window of the test's
#: choosing (None, always in production: the database's own clock).
pinned_clock = None


def hit(dbname, compiled, caller):
    """Count one request of ``caller`` on ``compiled``; return (allowed,
    headers). Over the limit, the headers include ``Retry-After``. The
    arithmetic (leases, grants, headers) is ``core_ratelimit.count``; this
    is its claim on the shared counter."""
    limit, period = compiled.rate_limit, compiled.rate_limit_period
    caller = caller[:256]

    def claim(size):
        params = {
            "endpoint_id": compiled.id,
            "period": period,
            "caller": caller,
            "size": size,
            "clock": pinned_clock,
        }
        rows = execute(dbname, _HIT, params)
        if connections.cleanup_due(dbname):
            execute(dbname, DELETE_EXPIRED)
        return rows[0]

    key = (dbname, compiled.id, period, limit, caller)
    try:
        return core_ratelimit.count(leases, key, limit, period, claim)
    except psycopg2.Error:
        _logger.exception(
            "Rate limit of endpoint #%s not counted; request let through", compiled.id
        )
        return True, {}


def check(dispatcher, compiled):
    """Count the dispatcher's request against the endpoint's limit, once per
    request (a retried pass is not counted again), before its body is read:
    over it, a 429 with ``Retry-After``; else the ``RateLimit-*`` headers."""
    request = dispatcher.request
    if dispatcher.rate_headers is None:
        caller = core_ratelimit.caller_key(
            dispatcher.caller_key_id,
            dispatcher.caller_uid,
            request.httprequest.remote_addr,
            by=compiled.rate_limit_by,
        )
        allowed, headers = hit(request.db, compiled, caller)
        dispatcher.rate_headers = headers
        if not allowed:
            raise core_errors.TooManyRequests(
                core_ratelimit.refusal(
                    compiled.rate_limit, compiled.rate_limit_period, headers["Retry-After"]
                ),
                headers=headers,
            )
    for name, value in dispatcher.rate_headers.items():
        if name != "Retry-After":
            request.future_response.headers.set(name, value)
