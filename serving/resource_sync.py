# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Offline sync of a model resource: ``GET <route>?after=<cursor>``.

A plain ``(write_date, id)`` keyset misses changes: a transaction that
started before a cursor was handed out can commit an older ``write_date``
later. So changes are recorded by PostgreSQL itself: a row trigger on the
table of each published resource's model inserts ``(model, id,
pg_current_xact_id())`` into ``CHANGES`` in the writing transaction (raw
SQL included). A cursor carries the reader's ``pg_current_snapshot()``; the
next batch is the changes whose writer is *not* visible in that snapshot
but visible in the batch's own (fixed for all its pages, which go by id).
Every committed change is in exactly one batch; a record is served once per
batch, with its values at the time of the page read; a changed id that the
resource no longer shows (deleted, out of the domain, hidden by a rule) is
listed in ``deleted``.

The cron ``_cron_purge_sync_changes`` deletes changes older than the
retention (``rest_endpoint.sync_retention_days``, default 30) and records
the newest purged writer: a cursor that might need a purged change gets a
410 (start over with ``after=``).
"""

from odoo.fields import Domain
from odoo.tools import SQL

from ..core.request.errors import ApiError, BadRequest
from ..core.resource import cursor as core_cursor
from ..core.resource import query as rq
from . import resource_expand
from .params import int_param

CHANGES = "rest_endpoint_change"
FUNCTION = "rest_endpoint_record_change"
TRIGGER = "rest_endpoint_sync_change"
PURGED_PARAM = "rest_endpoint.sync_purged_xid"
RETENTION_PARAM = "rest_endpoint.sync_retention_days"
SYNC_PARAMS = ("after", "limit", "fields")


class Gone(ApiError):
    status = 410
    error_name = "rest_endpoint.errors.CursorExpired"


class BehindCursor(ApiError):
    status = 503
    error_name = "rest_endpoint.errors.BehindCursor"


def install(cr):
    """The change table and the trigger function (each install and update)."""
    changes, function = SQL.identifier(CHANGES), SQL.identifier(FUNCTION)
    cr.execute(
        SQL(
            "CREATE TABLE IF NOT EXISTS %s (model varchar NOT NULL, res_id integer NOT NULL,"
            " xid xid8 NOT NULL DEFAULT pg_current_xact_id(),"
            " create_date timestamp NOT NULL DEFAULT (now() at time zone 'utc'))",
            changes,
        )
    )
    cr.execute(
        SQL(
            "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (model, xid, res_id)",
            SQL.identifier(f"{CHANGES}_model_xid"),
            changes,
        )
    )
    cr.execute(
        SQL(
            "CREATE OR REPLACE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            " INSERT INTO %s (model, res_id) VALUES (TG_ARGV[0],"
            " CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)"
            " ON CONFLICT DO NOTHING; RETURN NULL; END $$",
            function,
            changes,
        )
    )


def watch(model):
    """Record the changes of ``model``'s table (at sync: idempotent). The
    trigger waits for the transactions writing the table to end, so every
    later write is recorded."""
    cr = model.env.cr
    cr.execute(
        "SELECT 1 FROM pg_trigger WHERE tgname = %s AND tgrelid = %s::regclass",
        [TRIGGER, model._table],
    )
    if cr.fetchone():
        return
    cr.execute(
        SQL(
            "CREATE TRIGGER %s AFTER INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW"
            " EXECUTE FUNCTION %s(%s)",
            SQL.identifier(TRIGGER),
            SQL.identifier(model._table),
            SQL.identifier(FUNCTION),
            model._name,
        )
    )


def uninstall(cr):
    """Drop every sync trigger, the function and the change table."""
    cr.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s", [TRIGGER])
    for (table,) in cr.fetchall():
        cr.execute(SQL("DROP TRIGGER IF EXISTS %s ON %s", SQL.identifier(TRIGGER), SQL(table)))
    cr.execute(SQL("DROP FUNCTION IF EXISTS %s()", SQL.identifier(FUNCTION)))
    cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(CHANGES)))


def purge(env):
    """Delete the changes older than the retention; remember the newest
    writer purged (cursors needing it are expired)."""
    days = max(int_param(env, RETENTION_PARAM, 30), 1)
    cr = env.cr
    cr.execute(
        SQL(
            "WITH gone AS (DELETE FROM %s WHERE create_date < (now() at time zone 'utc')"
            " - make_interval(days => %s) RETURNING xid) SELECT max(xid)::text FROM gone",
            SQL.identifier(CHANGES),
            days,
        )
    )
    newest = cr.fetchone()[0]
    if newest:
        params = env["ir.config_parameter"].sudo()
        old = params.get_param(PURGED_PARAM)
        if not old or int(newest) > int(old):
            params.set_param(PURGED_PARAM, newest)


def _secret(env):
    return env["ir.config_parameter"].sudo().get_param("database.secret") or ""


def parse(spec, query):
    """``(after, limit, names, nested)`` of a sync read, or a 400."""
    after, limit, names, nested = None, spec.page_size, None, {}
    seen = set()
    for key, value in query:
        if key not in SYNC_PARAMS:
            raise BadRequest(
                f"Query parameter {key!r} cannot be used with 'after': a sync read takes "
                "limit and fields only (it is ordered by record id, over the whole resource)."
            )
        if key in seen:
            raise BadRequest(f"Query parameter {key!r} is given more than once.")
        seen.add(key)
        if key == "after":
            after = value
        elif key == "limit":
            limit = rq.parse_int("limit", value, 1, rq.MAX_LIMIT)
        else:
            names, nested = spec.parse_fields(value)
    return after, limit, names, nested


def handle(spec, model, query):
    """The answer of a sync read."""
    after, limit, names, nested = parse(spec, query)
    fields = spec.selected_fields(names)
    resource_expand.check_relations(model, spec, nested)
    secret = _secret(model.env)
    cursor = core_cursor.decode(after, secret, spec.route)
    cr = model.env.cr
    upto = cursor.upto
    if upto is None:
        cr.execute("SELECT pg_current_snapshot()::text")
        upto = cr.fetchone()[0]
    else:
        _check_not_behind(cr, upto)
    if cursor.base is not None:
        _check_not_purged(model.env, cursor.base)
    domain = Domain(spec.domain)
    last = cursor.key or 0
    fnames = rq.field_names(fields)
    if cursor.base is None:  # initial read: the whole resource, by id
        records = model.search_fetch(
            domain & Domain("id", ">", last), fnames, limit=limit + 1, order="id"
        )
        more = len(records) > limit
        records = records[:limit]
        ids, deleted = records.ids, []
    else:
        ids = _changed_ids(cr, model._name, cursor.base, upto, last, limit + 1)
        more = len(ids) > limit
        ids = ids[:limit]
        records = model.search_fetch(domain & Domain("id", "in", ids), fnames, order="id")
        deleted = sorted(set(ids) - set(records.ids))
    data = resource_expand.records_to_json(spec, records, fields, nested)
    following = core_cursor.next_cursor(cursor, upto, ids[-1] if ids else last, more)
    meta = {
        "limit": limit,
        "more": more,
        "cursor": core_cursor.encode(following, secret, spec.route),
    }
    return {"payload": {"status": "success", "data": data, "deleted": deleted, "meta": meta}}


def _changed_ids(cr, model_name, base, upto, last, limit):
    cr.execute(
        SQL(
            "SELECT DISTINCT res_id FROM %s WHERE model = %s"
            " AND xid >= pg_snapshot_xmin(%s::pg_snapshot)"
            " AND NOT pg_visible_in_snapshot(xid, %s::pg_snapshot)"
            " AND pg_visible_in_snapshot(xid, %s::pg_snapshot)"
            " AND res_id > %s ORDER BY res_id LIMIT %s",
            SQL.identifier(CHANGES),
            model_name,
            base,
            base,
            upto,
            last,
            limit,
        )
    )
    return [row[0] for row in cr.fetchall()]


def _check_not_behind(cr, upto):
    """A batch's pages must see every change its snapshot saw: a replica
    that lags behind the snapshot answers 503 (retry shortly)."""
    cr.execute(
        "SELECT pg_snapshot_xmax(s) <= pg_snapshot_xmax(c) AND NOT EXISTS ("
        " SELECT 1 FROM pg_snapshot_xip(c) x"
        " WHERE x < pg_snapshot_xmax(s) AND pg_visible_in_snapshot(x, s))"
        " FROM (SELECT %s::pg_snapshot s, pg_current_snapshot() c) t",
        [upto],
    )
    if not cr.fetchone()[0]:
        raise BehindCursor(
            "This server is behind the sync cursor: retry in a moment.",
            headers={"Retry-After": "1"},
        )


def _check_not_purged(env, base):
    purged = env["ir.config_parameter"].sudo().get_param(PURGED_PARAM)
    if not purged:
        return
    env.cr.execute("SELECT pg_snapshot_xmin(%s::pg_snapshot) <= %s::xid8", [base, purged])
    if env.cr.fetchone()[0]:
        raise Gone(
            "This sync cursor is older than the changes kept: start over with an empty "
            "'after' (a full read)."
        )
