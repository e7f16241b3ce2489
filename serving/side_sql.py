# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Statements outside the request's transaction: rate-limit counters and
request log rows.

The request's transaction may be read-only, rolled back or run again (Odoo
retries serialization failures), and its cursor is closed when the response
has been sent: counters and log rows go through a few autocommit connections
of their own per database and process (a forked worker never reuses its
parent's). They commit asynchronously (``synchronous_commit = off``): a
request does not wait for the WAL to reach the disk for a counter or a log
row (a crash may lose the last fraction of a second of them, which is
harmless), while every other process sees them as soon as they commit.
"""

import contextlib
import os
import threading
import time

import psycopg2
import psycopg2.errors
import psycopg2.extensions
from psycopg2.extras import execute_values

from odoo import sql_db

CLEANUP_EVERY = 60.0  # seconds, per process


#: What a pooler in transaction mode makes prepared statements raise.
_POOLER_ERRORS = (
    psycopg2.errors.InvalidSqlStatementName,
    psycopg2.errors.DuplicatePreparedStatement,
)


class _SideConnection(psycopg2.extensions.connection):
    """An autocommit connection that knows which statements it has prepared."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared = set()


class Prepared:
    """One statement, written once as ``body`` with ``{name}`` placeholders
    for its ``params`` (``(name, sql_type)`` pairs, in order), run as a
    prepared statement (``PREPARE``/``EXECUTE``) or as plain SQL."""

    def __init__(self, name, body, params):
        self.name = name
        names = [param for param, _type in params]
        types = ", ".join(sql_type for _param, sql_type in params)
        numbered = body.format(**{param: f"${i}" for i, param in enumerate(names, 1)})
        self.prepare = f"PREPARE {name} ({types}) AS {numbered}"
        self.execute = f"EXECUTE {name} ({', '.join(f'%({param})s' for param in names)})"
        self.plain = body.format(**{param: f"%({param})s" for param in names})

    def run(self, cr, params):
        """Run on ``cr`` (a side connection's cursor), preparing it first on
        a connection that has not yet."""
        cnx = cr.connection
        try:
            if connections.prepare and self.name not in cnx.prepared:
                cr.execute(self.prepare)
                cnx.prepared.add(self.name)
            if self.name in cnx.prepared:
                cr.execute(self.execute, params)
                return
        except _POOLER_ERRORS:
            # A pooler in transaction mode: the server connection of this
            # statement lacks the PREPARE, or has it from another client.
            connections.prepare = False
            cnx.prepared.clear()
        cr.execute(self.plain, params)


class _Connections:
    """A few autocommit connections per database, per process (a forked
    worker never reuses its parent's)."""

    max_idle = 4

    def __init__(self):
        self.prepare = True  # False once a pooler lost a prepared statement
        self._lock = threading.Lock()
        self._idle = {}
        self._pid = os.getpid()
        self._last_cleanup = {}

    def borrow(self, dbname):
        with self._lock:
            if self._pid != os.getpid():
                self._idle, self._pid, self._last_cleanup = {}, os.getpid(), {}
            idle = self._idle.setdefault(dbname, [])
            while idle:
                cnx = idle.pop()
                if not cnx.closed:
                    return cnx
        _name, params = sql_db.connection_info_for(dbname)
        cnx = psycopg2.connect(**params, connection_factory=_SideConnection)
        cnx.autocommit = True
        with cnx.cursor() as cr:
            cr.execute("SET synchronous_commit TO off")
        return cnx

    def give_back(self, dbname, cnx):
        with self._lock:
            idle = self._idle.setdefault(dbname, [])
            if cnx.closed or len(idle) >= self.max_idle or self._pid != os.getpid():
                cnx.close()
            else:
                idle.append(cnx)

    def cleanup_due(self, dbname):
        now = time.monotonic()
        with self._lock:
            if now - self._last_cleanup.get(dbname, 0.0) < CLEANUP_EVERY:
                return False
            self._last_cleanup[dbname] = now
            return True


connections = _Connections()


@contextlib.contextmanager
def _cursor(dbname):
    """A cursor on a borrowed autocommit connection, closed on a database
    error (its state is unknown) and given back."""
    cnx = connections.borrow(dbname)
    try:
        with cnx.cursor() as cr:
            yield cr
    except psycopg2.Error:
        cnx.close()
        raise
    finally:
        connections.give_back(dbname, cnx)


def execute(dbname, query, params=None):
    """Run one statement (SQL or :class:`Prepared`) on an autocommit
    connection; return its rows."""
    with _cursor(dbname) as cr:
        if isinstance(query, Prepared):
            query.run(cr, params)
        else:
            cr.execute(query, params)
        return cr.fetchall() if cr.description else []


def execute_many(dbname, query, template, rows):
    """One multi-row INSERT of ``rows`` (dicts) on an autocommit connection:
    ``query`` ends with ``VALUES %s``, ``template`` is one row's values."""
    with _cursor(dbname) as cr:
        execute_values(cr, query, rows, template=template, page_size=len(rows) or 1)
