# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A stamp that changes whenever an API key may have changed.

A process verifies a bearer key once (pbkdf2, about 6.5 ms) and then trusts
it while the database's stamp is still the one it was verified under, and
until its expiration date. Triggers renew the stamp, in the transaction that
makes the change, on every write to ``res_users_apikeys`` (a key created,
deleted, its scope or expiry changed), on every ``UPDATE`` of
``res_users.active`` (a user archived), and when ``database.uuid`` changes.
Triggers see raw SQL as well as the ORM, so a revoked key is refused on the
very next request, on every process and server, as when each request looked
its key row up, but a bearer request reads the stamp in the statement that
reads the published version (``ir.http._match``) and makes no query of its
own: PostgreSQL plans no join for it.

The stamp is random, not a counter: a database restored from a backup, or
rolled back (tests), never shows a stamp under which this process verified
a key that the restored data does not hold.

It lives in the registry state row, so a key change waits for a concurrent
sync to commit (and Odoo retries the request if that is a serialization
failure); both are rare administrator actions.
"""

from odoo.tools import SQL

from .registry import STATE_TABLE

COLUMN = "keys_stamp"
FUNCTION = "rest_endpoint_keys_changed"
_NEW_STAMP = "md5(random()::text || clock_timestamp()::text)"
#: (trigger, table, events and level): every change that can make a
#: verified key invalid, row by row, so that a statement that changes
#: nothing (Odoo's daily clean-up of expired keys, mostly) renews nothing.
TRIGGERS = (
    (
        "rest_endpoint_apikeys_changed",
        "res_users_apikeys",
        "AFTER INSERT OR UPDATE OR DELETE ON res_users_apikeys FOR EACH ROW",
    ),
    (
        "rest_endpoint_apikeys_truncated",
        "res_users_apikeys",
        "AFTER TRUNCATE ON res_users_apikeys FOR EACH STATEMENT",
    ),
    (
        "rest_endpoint_users_active_changed",
        "res_users",
        "AFTER UPDATE OF active ON res_users FOR EACH ROW"
        " WHEN (OLD.active IS DISTINCT FROM NEW.active)",
    ),
    (
        "rest_endpoint_database_uuid_changed",
        "ir_config_parameter",
        "AFTER INSERT OR UPDATE ON ir_config_parameter FOR EACH ROW"
        " WHEN (NEW.key = 'database.uuid')",
    ),
)
#: The same for the OAuth tokens issued here (``serving/oauth_tokens.py``):
#: a token, its grant or its client revoked, archived, narrowed or deleted.
#: Issuing tokens (inserts) and recording their use renew nothing: a new
#: token is in no process's cache yet.
_OAUTH_TRIGGERS = tuple(
    (f"rest_endpoint_{table}_{suffix}", table, f"AFTER {event} ON {table} FOR EACH ROW{when}")
    for table, column in (
        ("endpoint_oauth_token", "revoked"),
        ("endpoint_oauth_grant", "revoked"),
        ("endpoint_oauth_client", "active"),
        ("endpoint_oauth_client", "scopes"),
    )
    for suffix, event, when in (
        (
            f"{column}_changed",
            f"UPDATE OF {column}",
            f" WHEN (OLD.{column} IS DISTINCT FROM NEW.{column})",
        ),
        ("deleted", "DELETE", ""),
    )
)
_OAUTH_TRIGGERS += (
    (
        "rest_endpoint_endpoint_jwt_issuer_changed",
        "endpoint_jwt_issuer",
        "AFTER INSERT OR UPDATE OR DELETE ON endpoint_jwt_issuer FOR EACH ROW",
    ),
)
OAUTH_TRIGGERS = tuple({trigger[0]: trigger for trigger in _OAUTH_TRIGGERS}.values())
#: The stamp, then the database's clock (for expiry), read from the state row.
_COLUMNS = SQL("%s, now() at time zone 'utc'", SQL.identifier(COLUMN))
_STATE = SQL.identifier(STATE_TABLE)
READ = SQL("SELECT %s FROM %s", _COLUMNS, _STATE)
#: The published version first, for ``ir.http._match`` (one statement).
READ_WITH_VERSION = SQL("SELECT version, %s FROM %s", _COLUMNS, _STATE)


def select_with_version(*extra):
    """``READ_WITH_VERSION`` with more columns after the stamp and the clock
    (``SQL`` objects): ``serving/freshness.py`` adds the replica's lag."""
    return SQL("SELECT version, %s, %s FROM %s", _COLUMNS, SQL(", ").join(extra), _STATE)


def install(cr):
    """Add the stamp to the state row and the triggers that renew it (run
    at each install and update: idempotent)."""
    state, column, function = (SQL.identifier(n) for n in (STATE_TABLE, COLUMN, FUNCTION))
    new_stamp = SQL(_NEW_STAMP)
    cr.execute(
        SQL(
            "ALTER TABLE %s ADD COLUMN IF NOT EXISTS %s varchar NOT NULL DEFAULT %s",
            state,
            column,
            new_stamp,
        )
    )
    cr.execute(
        SQL(
            "CREATE OR REPLACE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN UPDATE %s SET %s = %s; RETURN NULL; END $$",
            function,
            state,
            column,
            new_stamp,
        )
    )
    for name, table, when in TRIGGERS + OAUTH_TRIGGERS:
        if not _table_exists(cr, table):
            continue  # the OAuth tables: installed again once they exist
        _drop_trigger(cr, name, table)
        trigger = SQL.identifier(name)
        cr.execute(SQL("CREATE TRIGGER %s %s EXECUTE FUNCTION %s()", trigger, SQL(when), function))


def _table_exists(cr, table):
    cr.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
    return cr.fetchone()[0]


def _drop_trigger(cr, name, table):
    cr.execute(SQL("DROP TRIGGER IF EXISTS %s ON %s", SQL.identifier(name), SQL.identifier(table)))


def uninstall(cr):
    """Drop the triggers and their function (the module's uninstall hook):
    Odoo's tables must not keep triggers of a module that is gone."""
    for name, table, _when in TRIGGERS + OAUTH_TRIGGERS:
        if _table_exists(cr, table):
            _drop_trigger(cr, name, table)
    cr.execute(SQL("DROP FUNCTION IF EXISTS %s()", SQL.identifier(FUNCTION)))
