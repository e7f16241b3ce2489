# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Publishing: the snapshot callers are served, and the registry version.

Each sync (and each deletion of a published record) stamps the database-wide
registry version from a sequence; every Odoo process compares that version
with the one it loaded, with one indexed read, and reloads just the records
whose stamp changed. See ``registry.py``.
"""

import json
import logging

from odoo import models
from odoo.tools import SQL

from ..core.routing import routes as core_routes
from ..serving import key_stamp, route_guard
from ..serving.registry import LOG_TABLE, STATE_SEQUENCE, STATE_TABLE
from .endpoint_endpoint import DOC_FIELDS

_logger = logging.getLogger(__name__)


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
                list(record_ids),
            )
        )
        return version

    def _publish(self):
        """Publish the current configuration of these records (or unpublish
        the archived ones), with one new registry version for all of them."""
        if not self:
            return
        self.flush_recordset()
        version = self._bump_version(self.ids)
        configs = [json.dumps(rec._published_snapshot()) if rec.active else None for rec in self]
        # One statement for all records: syncing 1000 endpoints stays cheap.
        self.env.cr.execute(
            SQL(
                "UPDATE endpoint_endpoint e SET published_config = v.config::jsonb,"
                " published_version = %s"
                " FROM unnest(%s::integer[], %s::text[]) AS v(id, config) WHERE e.id = v.id",
                version,
                self.ids,
                configs,
            )
        )
        self.invalidate_recordset(["published_config", "published_version"])
        _logger.info(
            "Published %d endpoint(s) as registry version %s: %s",
            len(self),
            version,
            ", ".join(f"{r.request_method} {r.route}" for r in self[:10]),
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
        return {
            "name": self.name,
            "summary": self.summary or "",
            "description": self.description or "",
            "route_group": self.route_group or "",
        }

    def _published_snapshot(self):
        """Everything needed to serve (and document) the endpoint, frozen."""
        self.ensure_one()
        return {
            "id": self.id,
            **self._documentation_snapshot(),
            "route": self.route,
            "route_type": self.route_type,
            "method": self.request_method,
            "auth_type": self.auth_type,
            "exec_as_user_id": self.exec_as_user_id.id or None,
            "content_type": self._media_type(),
            "schema": self.request_content_schema or "",
            "response_schema": self.response_schema or "",
            "exec_mode": self.exec_mode,
            "code": self.code_snippet or "",
            "company_id": self.company_id.id or None,
            "csrf": self.csrf,
            "cors": (self.cors or "").strip(),
            "readonly": self.readonly,
            "group_ids": self.allowed_group_ids.ids,
            "api_key_scope": (self.api_key_scope or "").strip(),
            "log_requests": self.log_requests,
            "log_bodies": self.log_bodies,
            "rate_limit": max(self.rate_limit, 0),
            "rate_limit_period": max(self.rate_limit_period or 60, 1),
        }

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
