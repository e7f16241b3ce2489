# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Where a request reads the published version and the key stamp: its own
cursor, or the primary when that cursor is on a lagging replica.

With ``--db_replica_host`` every request starts on a read-only cursor of a
streaming replica, where ``ir.http._match`` runs; only the routes marked
``readonly`` stay there, the others are served again on the primary. What
the replica shows may be behind the primary by its replay lag. So:

* a request that will run on the primary (a read/write endpoint) reads the
  version and the key stamp from the primary (one autocommit statement on a
  side connection, ``side_sql.py``): it sees every sync, archive and key
  revocation committed before it started, whatever the replica lags;
* a request served from the replica uses what the replica shows only when
  the replica is at most ``rest_endpoint.replica_max_lag`` seconds behind
  (default 2), measured in the statement that reads the version (nearly
  free: no extra round trip); else, or when the lag cannot be told, it
  reads them from the primary too.

The replica counts as current when it has replayed all the WAL it received
while its WAL receiver runs (an idle primary sends nothing, and the last
replayed commit may then be old), or when the last commit it replayed is at
most the bound old (``now() - pg_last_xact_replay_timestamp()``, on the
replica's clock: primary and replica clocks are assumed in sync).

A table loaded from the primary is never replaced by an older version read
on the replica: a process only moves forward while the replica catches up.
"""

import functools

from odoo.tools import SQL

from . import auth, key_stamp, side_sql
from .params import float_param

MAX_LAG_PARAM = "rest_endpoint.replica_max_lag"
DEFAULT_MAX_LAG = 2.0

#: Whether this cursor is on a replica (in recovery), and whether that
#: replica may lag more than the bound (seconds): read with the version and
#: the key stamp, in one statement on the request's read-only cursor.
#: The cheap test first (a replica under load replays commits all the time);
#: ``(pg_stat_get_wal_receiver()).pid`` is what the ``pg_stat_wal_receiver``
#: view filters on, without the view's cost, and readable by any role. The
#: statement is parsed and planned on every request: ``interval * number``,
#: not ``make_interval(secs => ...)``, whose named-argument lookup doubled
#: the lag columns' cost (bench/RESULTS.md, "Read replica").
_REPLICA_COLUMNS = (
    "pg_is_in_recovery(), pg_is_in_recovery() AND NOT COALESCE("
    "now() - pg_last_xact_replay_timestamp() <= interval '1 second' * %s"
    " OR (pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()"
    " AND (pg_stat_get_wal_receiver()).pid IS NOT NULL), false)"
)


@functools.lru_cache(maxsize=8)
def _read_on_readonly(max_lag):
    return key_stamp.select_with_version(SQL(_REPLICA_COLUMNS, max_lag))


class State:
    """The published version and the key stamp (``auth.Seen``) one request
    uses, and where they were read."""

    __slots__ = ("lagging", "on_replica", "seen", "version")

    def __init__(self, version, seen, on_replica=False, lagging=False):
        self.version, self.seen = version, seen
        self.on_replica, self.lagging = on_replica, lagging


def read(env):
    """The state as the request's cursor shows it (one statement)."""
    cr = env.cr
    if not cr.readonly:
        cr.execute(key_stamp.READ_WITH_VERSION)
        version, stamp, now = cr.fetchone()
        return State(version, auth.Seen(cr.dbname, stamp, now))
    max_lag = float_param(env, MAX_LAG_PARAM, DEFAULT_MAX_LAG)
    cr.execute(_read_on_readonly(max_lag))
    version, stamp, now, on_replica, lagging = cr.fetchone()
    return State(version, auth.Seen(cr.dbname, stamp, now), on_replica, lagging)


def read_primary(env, table):
    """The state on the primary, and ``table`` brought up to it (loaded
    through a primary cursor, only when its version moved)."""
    dbname = env.cr.dbname
    # ``READ_WITH_VERSION`` has no parameter: its code is the statement.
    ((version, stamp, now),) = side_sql.execute(dbname, key_stamp.READ_WITH_VERSION.code)
    if version != table.version:
        with env.registry.cursor() as primary_cr:
            table.refresh(env(cr=primary_cr), version)
    return State(version, auth.Seen(dbname, stamp, now, primary=True))


def refresh(env, table, state):
    """Bring ``table`` up to ``state``, never back to an older version shown
    by a replica (the table was loaded from the primary meanwhile)."""
    if state.on_replica and table.version is not None and state.version < table.version:
        return
    table.refresh(env, state.version)
