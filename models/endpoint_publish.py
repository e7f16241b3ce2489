# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Publishing: the snapshot callers are served, and the registry version.

Each sync (and each deletion of a published record) stamps the database-wide
registry version from a sequence; every Odoo process compares that version
with the one it loaded, with one indexed read, and reloads just the records
whose stamp changed. See ``registry.py``.
"""

import json

from odoo import api, models
from odoo.tools import SQL

from ..core.request.logsafe import get_logger
from ..core.routing import routes as core_routes
from ..serving import key_stamp, route_guard
from ..serving.registry import LOG_TABLE, STATE_SEQUENCE, STATE_TABLE
from .endpoint_endpoint import DOC_FIELDS, media_type

_logger = get_logger(__name__)


def ids_literal(ids):
    """Record ids as one array literal (``'{1,2,3}'``, cast to
    ``integer[]``): psycopg2 sends a list as ``ARRAY[1, 2, 3]``, which
    PostgreSQL parses element by element (a quarter second for 10,000)."""
    return "{" + ",".join(str(int(rid)) for rid in ids) + "}"


#: Where ``_publish`` leaves the base snapshots of the records it publishes
#: (``cr.cache``, for the time of the sync).
_SNAPSHOT_ROWS = "rest_endpoint.snapshot_rows"


class EndpointEndpoint(models.Model):
    _inherit = "endpoint.endpoint"

    # ------------------------------------------------------------------
    # Publishing
    # ------------------------------------------------------------------

    def init(self):
        cr = self.env.cr
        cr.execute(SQL("CREATE SEQUENCE IF NOT EXISTS %s", SQL.identifier(STATE_SEQUENCE)))
        cr.execute(
            SQL(
                "CREATE TABLE IF NOT EXISTS %s ("
                " id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),"
                " version bigint NOT NULL)",
                SQL.identifier(STATE_TABLE),
            )
        )
        cr.execute(
            SQL(
                "INSERT INTO %s (id, version) VALUES (1, nextval(%s)) ON CONFLICT DO NOTHING",
                SQL.identifier(STATE_TABLE),
                STATE_SEQUENCE,
            )
        )
        key_stamp.install(cr)  # a column of the state row, and its triggers
        # Which records each version touched: a process that holds version N
        # reloads just the records logged after N.
        cr.execute(
            SQL(
                "CREATE TABLE IF NOT EXISTS %s"
                " (version bigint NOT NULL, record_id integer NOT NULL)",
                SQL.identifier(LOG_TABLE),
            )
        )
        cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS %s ON %s (version)",
                SQL.identifier(f"{LOG_TABLE}_version_idx"),
                SQL.identifier(LOG_TABLE),
            )
        )

    def _bump_version(self, record_ids):
        """Take a new registry version for ``record_ids``, in this transaction.

        The UPDATE locks the single state row until commit, which serialises
        concurrent syncs, so versions grow in commit order; the value comes
        from a sequence, which never hands out a number twice, even across
        rolled-back transactions (tests), so a process can never mistake a
        different state for the one it loaded.
        """
        cr = self.env.cr
        cr.execute(
            SQL(
                "UPDATE %s SET version = nextval(%s) RETURNING version",
                SQL.identifier(STATE_TABLE),
                STATE_SEQUENCE,
            )
        )
        version = cr.fetchone()[0]
        cr.execute(
            SQL(
                "INSERT INTO %s (version, record_id) SELECT %s, unnest(%s::integer[])",
                SQL.identifier(LOG_TABLE),
                version,
                ids_literal(record_ids),
            )
        )
        return version

    def _publish(self, mark_published=False):
        """Publish the current configuration of these records (or unpublish
        the archived ones), with one new registry version for all of them;
        ``mark_published``: set ``registry_sync`` (and ``write_date``,
        ``write_uid``) in the same statement, for ``write`` to skip its own."""
        if not self:
            return
        self.flush_recordset()
        version = self._bump_version(self.ids)
        # The base snapshots of all records in one query (no ORM read per
        # field and record: 1000 records sync in a fraction of the time);
        # _published_snapshot() (which modes extend) starts from them.
        cache = self.env.cr.cache
        rows = cache[_SNAPSHOT_ROWS] = self._snapshot_rows()
        try:
            snapshots = [
                {"id": rec.id, "config": rec._published_snapshot() if rows[rec.id][0] else None}
                for rec in self
            ]
        finally:
            cache.pop(_SNAPSHOT_ROWS, None)
        stamp = SQL()
        if mark_published:
            stamp = SQL(
                ", registry_sync = TRUE, write_date = now() AT TIME ZONE 'UTC', write_uid = %s",
                self.env.uid,
            )
        # One statement, one JSON parameter for all records (a list would
        # be sent as an ARRAY[...] of one literal each, which PostgreSQL
        # parses one by one: over a second for 10,000 endpoints).
        self.env.cr.execute(
            SQL(
                "UPDATE endpoint_endpoint e SET published_config = v.config,"
                " published_version = %s%s"
                " FROM jsonb_to_recordset(%s::jsonb) AS v(id integer, config jsonb)"
                " WHERE e.id = v.id",
                version,
                stamp,
                json.dumps(snapshots),
            )
        )
        written = ["published_config", "published_version"]
        if mark_published:
            written += ["registry_sync", "write_date", "write_uid"]
        self.invalidate_recordset(written)
        _logger.info(
            "Published %d endpoint(s) as registry version %s: %s",
            len(self),
            version,
            ", ".join(f"{rows[rid][1]['method']} {rows[rid][1]['route']}" for rid in self.ids[:10]),
        )

    def _publish_documentation(self):
        """Write the documentation fields of the published ones among these
        records into their published snapshot, with a new registry version
        (every process reloads them, and the OpenAPI document is cached per
        version); nothing else of the snapshot changes, so an endpoint out of
        sync keeps serving what was published."""
        published = self.filtered("published_config")
        if not published:
            return
        published.flush_recordset(list(DOC_FIELDS))
        version = self._bump_version(published.ids)
        docs = [json.dumps(rec._documentation_snapshot()) for rec in published]
        self.env.cr.execute(
            SQL(
                "UPDATE endpoint_endpoint e SET published_config = e.published_config"
                " || v.doc::jsonb, published_version = %s"
                " FROM unnest(%s::integer[], %s::text[]) AS v(id, doc) WHERE e.id = v.id",
                version,
                published.ids,
                docs,
            )
        )
        published.invalidate_recordset(["published_config", "published_version"])

    def _documentation_snapshot(self):
        # the same values as _snapshot_rows gives them at a full sync
        return {
            "name": self.name,
            "summary": self.summary or "",
            "description": self.description or "",
            "route_group": self.route_group or "",
        }

    def _published_snapshot(self):
        """Everything needed to serve (and document) the endpoint, frozen."""
        self.ensure_one()
        rows = self.env.cr.cache.get(_SNAPSHOT_ROWS)
        if rows is None or self.id not in rows:
            self.flush_recordset()
            rows = self._snapshot_rows()
        return dict(rows[self.id][1])

    def _snapshot_rows(self):
        """``(active, base snapshot)`` of each record of ``self`` (flushed),
        by id: their stored settings read in one query."""
        groups = self._fields["allowed_group_ids"]
        extra = self._snapshot_columns()
        self.env.cr.execute(
            SQL(
                "SELECT e.id, e.name, e.summary, e.description, e.route, e.route_group,"
                " e.route_type, e.request_method, e.auth_type, e.exec_as_user_id,"
                " e.request_content_type, e.request_content_schema, e.response_schema,"
                " e.exec_mode, e.code_snippet, e.company_id, e.csrf, e.cors, e.readonly,"
                " e.api_key_scope, e.log_requests, e.log_bodies, e.rate_limit,"
                " e.rate_limit_period, e.rate_limit_by, e.active,"
                " ARRAY(SELECT r.%s FROM %s r WHERE r.%s = e.id ORDER BY r.%s)%s"
                " FROM endpoint_endpoint e WHERE e.id = ANY(%s::integer[])",
                SQL.identifier(groups.column2),
                SQL.identifier(groups.relation),
                SQL.identifier(groups.column1),
                SQL.identifier(groups.column2),
                SQL("").join(SQL(", e.%s", SQL.identifier(name)) for name in extra),
                ids_literal(self.ids),
            )
        )
        rows = {}
        for row in self.env.cr.fetchall():
            (rid, name, summary, description, route, route_group, route_type, method) = row[:8]
            (auth_type, exec_as, content_type, schema, response_schema, exec_mode) = row[8:14]
            (code, company_id, csrf, cors, readonly, scope, log_requests) = row[14:21]
            (log_bodies, rate_limit, rate_limit_period, rate_limit_by, active) = row[21:26]
            group_ids = row[26]
            more = {name: bool(value) for name, value in zip(extra, row[27:], strict=True)}
            rows[rid] = (
                active,
                {
                    "id": rid,
                    "name": name,
                    "summary": summary or "",
                    "description": description or "",
                    "route": route,
                    "route_group": route_group or "",
                    "route_type": route_type,
                    "method": method,
                    "auth_type": auth_type,
                    "exec_as_user_id": exec_as or None,
                    "content_type": media_type(content_type),
                    "schema": schema or "",
                    "response_schema": response_schema or "",
                    "exec_mode": exec_mode,
                    "code": code or "",
                    "company_id": company_id or None,
                    "csrf": bool(csrf),
                    "cors": (cors or "").strip(),
                    "readonly": bool(readonly),
                    "group_ids": group_ids,
                    "api_key_scope": (scope or "").strip(),
                    "log_requests": log_requests,
                    "log_bodies": bool(log_bodies),
                    "rate_limit": max(rate_limit or 0, 0),
                    "rate_limit_period": max(rate_limit_period or 60, 1),
                    "rate_limit_by": rate_limit_by or "user",
                    **more,
                },
            )
        return rows

    @api.model
    def _snapshot_columns(self):
        """Hook: the boolean settings modules add to the snapshot as they
        are stored (the column of the same name): read with the others in
        :meth:`_snapshot_rows`, not through the ORM one record at a time
        (a field read per record made a sync of 1,000 endpoints 15 %
        slower)."""
        return ()

    # ------------------------------------------------------------------
    # Odoo's routes first, also after modules are installed
    # ------------------------------------------------------------------

    def _register_hook(self):
        super()._register_hook()
        if self.env.registry.updated_modules:
            # Modules were installed or upgraded: their routes may now
            # overlap published ones. Odoo's routes win at serve time anyway;
            # this takes the endpoints out of the table and the OpenAPI
            # document, and tells the administrator.
            self._unpublish_shadowed()

    def _unpublish_shadowed(self):
        """Unpublish the published endpoints whose route can match a path an
        installed controller serves; return them."""
        cr = self.env.cr
        cr.execute(
            "SELECT id, published_config->>'route' FROM endpoint_endpoint"
            " WHERE published_config IS NOT NULL"
        )
        shadowed = {}
        for rid, route in cr.fetchall():
            try:
                taken = route_guard.odoo_conflicts(self.env, core_routes.parse_route(route))
            except core_routes.RouteError:
                continue  # cannot be served anyway (see registry.py)
            if taken:
                shadowed[rid] = (route, taken)
        if not shadowed:
            return self.browse()
        records = self.browse(list(shadowed)).with_context(active_test=False)
        for rec in records:
            route, taken = shadowed[rec.id]
            _logger.warning(
                "Endpoint %r (#%s, %s %s) unpublished: its route can match paths now "
                "served by an installed module (%s). Change its route and sync it again.",
                rec.name,
                rec.id,
                rec.request_method,
                route,
                ", ".join(sorted(taken)[:5]),
            )
        version = self._bump_version(records.ids)
        cr.execute(
            SQL(
                "UPDATE endpoint_endpoint SET published_config = NULL, published_version = %s,"
                " registry_sync = FALSE WHERE id = ANY(%s)",
                version,
                records.ids,
            )
        )
        records.invalidate_recordset(["published_config", "published_version", "registry_sync"])
        return records
