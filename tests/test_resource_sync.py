# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Offline sync of a model resource (``?after=<cursor>``) over real HTTP.

The guarantee rests on transactions, so it is tested with committed data on
two real servers: a transaction that started before a cursor was handed out
and commits later is in the next batch, and with writers on both servers
while a reader pages, the reader's mirror equals the database at the end.
Request checks (bad cursors, parameters) run inside the test transaction."""

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import psycopg2
import requests

import odoo
from odoo import Command
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..core.resource.cursor import Cursor, encode
from ..serving import resource_sync
from .common import EndpointCase
from .test_multiprocess import TwoServersCase

QUIET = ("odoo.http", "odoo.addons.rest_endpoint.serving.dispatcher")
MODEL = "res.partner.category"
DOMAIN = "[('color', '<', 6), ('name', '=like', 'SYNC%')]"


def resource_values(env, route):
    fields = env["ir.model.fields"]._get_ids(MODEL)
    ids = [fields["name"], fields["color"]]
    return {
        "name": route,
        "route": route,
        "exec_mode": "resource",
        "code_snippet": False,
        "resource_model_id": env["ir.model"]._get_id(MODEL),
        "resource_field_ids": [Command.set(ids)],
        "resource_writable_field_ids": [Command.set(ids)],
        "resource_domain": DOMAIN,
        "resource_create": True,
        "resource_update": True,
        "resource_delete": True,
        "resource_page_size": 4,
    }


@tagged("post_install", "-at_install")
class TestResourceSyncRequests(EndpointCase):
    ROUTE = "/api/test/sync_tags"

    def setUp(self):
        super().setUp()
        self.tags = self.env[MODEL].create([{"name": f"SYNC {i}", "color": i} for i in range(9)])
        self.make_endpoint(**resource_values(self.env, self.ROUTE), auth_type="bearer")

    def get(self, query):
        return self.request("GET", f"{self.ROUTE}?{query}", key=self.api_key)

    def test_initial_read_pages_by_id(self):
        seen, after, pages = [], "", 0
        while True:
            body = self.get(f"after={quote(after)}&limit=2&fields=name").json()
            pages += 1
            self.assertEqual(body["deleted"], [])
            seen += [r["id"] for r in body["data"]]
            after = body["meta"]["cursor"]
            if not body["meta"]["more"]:
                break
        visible = self.tags.filtered(lambda t: t.color < 6)
        self.assertEqual(seen, visible.ids)  # each once, by id
        self.assertEqual(pages, 3)
        self.assertEqual(set(body["data"][0]), {"id", "name"})

    @mute_logger(*QUIET)
    def test_bad_cursors_and_parameters(self):
        cursor = self.get("after=").json()["meta"]["cursor"]
        body, mac = cursor.split(".")
        for bad in (f"{body}.{mac[:-2]}", f"{body}x.{mac}", "nonsense", "a.b"):
            response = self.get(f"after={quote(bad)}")
            self.assertJsonError(response, 400)
            self.assertIn("not a sync cursor", response.json()["message"])
        for query in ("order=name", "offset=2", "color=1", "after=&after="):
            response = self.get(f"after=&{query}")
            self.assertJsonError(response, 400)
        # bound to its endpoint: another resource refuses it
        other = "/api/test/sync_tags_other"
        self.make_endpoint(**resource_values(self.env, other), auth_type="bearer")
        response = self.request("GET", f"{other}?after={quote(cursor)}", key=self.api_key)
        self.assertJsonError(response, 400)

    def cursor_for(self, cursor):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return quote(encode(cursor, secret, self.ROUTE))

    @mute_logger(*QUIET)
    def test_expired_cursor_and_lagging_server(self):
        self.env.cr.execute("SELECT pg_current_snapshot()::text, pg_current_xact_id()::text")
        snapshot, xid = self.env.cr.fetchone()
        after = self.cursor_for(Cursor(snapshot))
        self.assertEqual(self.get(f"after={after}").status_code, 200)
        # the purge removed changes this cursor may need: 410, start over
        xmin = int(snapshot.split(":")[0])
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(resource_sync.PURGED_PARAM, str(xmin))
        self.assertJsonError(self.get(f"after={after}"), 410)
        params.set_param(resource_sync.PURGED_PARAM, str(xmin - 1))
        self.assertEqual(self.get(f"after={after}").status_code, 200)
        # a batch read up to a snapshot this server does not see yet: 503
        ahead = f"{int(xid) + 1000}:{int(xid) + 1000}:"
        response = self.get(f"after={self.cursor_for(Cursor(snapshot, ahead, 0))}")
        self.assertJsonError(response, 503)
        self.assertEqual(response.headers["Retry-After"], "1")

    def test_purge_keeps_recent_changes_and_remembers_the_newest_purged(self):
        self.tags[0].color = 3  # a recent change (this transaction)
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            "INSERT INTO rest_endpoint_change (model, res_id, xid, create_date)"
            " VALUES ('res.partner.category', %s, '7'::xid8, now() - interval '40 days')",
            [self.tags[1].id],
        )
        self.env["endpoint.endpoint"]._cron_purge_sync_changes()
        cr.execute(
            "SELECT res_id, xid::text FROM rest_endpoint_change WHERE res_id IN %s",
            [tuple(self.tags[:2].ids)],
        )
        rows = cr.fetchall()
        self.assertEqual([r[0] for r in rows], [self.tags[0].id])
        param = self.env["ir.config_parameter"].sudo().get_param(resource_sync.PURGED_PARAM)
        self.assertEqual(param, "7")


@tagged("post_install", "-at_install")
class TestResourceSyncTwoServers(TwoServersCase):
    ROUTE = "/api/multi/sync_tags"

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            initial = env[MODEL].create([{"name": f"SYNC {i}", "color": i % 8} for i in range(12)])
            self.tag_ids = list(initial.ids)
            values = resource_values(env, self.ROUTE)
        self.addCleanup(self._delete_tags)
        self._create(registry_sync=True, **values)

    def _delete_tags(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM res_partner_category WHERE name->>'en_US' LIKE 'SYNC%%'")

    def _database(self):
        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            tags = env[MODEL].search([("color", "<", 6), ("name", "=like", "SYNC%")])
            return {t.id: (t.name, t.color) for t in tags}

    def _batch(self, mirror, after, servers):
        """One batch, page by page (alternating servers): applied to
        ``mirror``; every id at most once. Returns the next batch's cursor."""
        seen = set()
        page = 0
        while True:
            server = servers[page % len(servers)]
            page += 1
            url = f"{server.base}{self.ROUTE}?after={quote(after)}&limit=3"
            response = requests.get(url, headers={"X-Odoo-Database": self.db}, timeout=20)
            self.assertEqual(response.status_code, 200, response.text)
            body = response.json()
            ids = [r["id"] for r in body["data"]] + body["deleted"]
            self.assertFalse(seen & set(ids), "an id twice in one batch")
            self.assertEqual(len(ids), len(set(ids)))
            seen.update(ids)
            for record in body["data"]:
                mirror[record["id"]] = (record["name"], record["color"])
            for rid in body["deleted"]:
                mirror.pop(rid, None)
            after = body["meta"]["cursor"]
            if not body["meta"]["more"]:
                return after, seen

    def test_late_commit_of_an_older_transaction_is_in_the_next_batch(self):
        mirror = {}
        late = self.registry.cursor()  # starts writing before the cursor is handed out
        try:
            late.execute(
                "UPDATE res_partner_category SET color = 1, name = %s WHERE id = %s",
                # color 7: outside the resource until it commits
                ['{"en_US": "SYNC late"}', self.tag_ids[7]],
            )
            after, _seen = self._batch(mirror, "", self.servers)
            self.assertNotIn(self.tag_ids[7], mirror)
            after, seen = self._batch(mirror, after, self.servers)
            self.assertEqual(seen, set())  # nothing committed since
            late.commit()
        finally:
            late.close()
        with self.registry.cursor() as cr:  # a deletion is reported too
            cr.execute("DELETE FROM res_partner_category WHERE id = %s", [self.tag_ids[0]])
        after, seen = self._batch(mirror, after, self.servers)
        self.assertEqual(seen, {self.tag_ids[7], self.tag_ids[0]})
        self.assertEqual(mirror[self.tag_ids[7]], ("SYNC late", 1))
        self.assertEqual(mirror, self._database())

    def test_concurrent_writers_on_two_servers(self):
        mirror = {}
        after, _seen = self._batch(mirror, "", self.servers)
        stop = threading.Event()
        base_ids = list(self.tag_ids)

        def writer(n):
            server = self.servers[n % 2]
            rng = random.Random(n)
            headers = {"X-Odoo-Database": self.db}
            writes = 0
            while not stop.is_set() and writes < 60:
                writes += 1
                op = rng.choice(("create", "update", "update", "delete", "raw"))
                url = f"{server.base}{self.ROUTE}"
                if op == "raw":  # raw SQL, in and out of the resource's domain
                    try:
                        with self.registry.cursor() as cr, mute_logger("odoo.sql_db"):
                            cr.execute(
                                "UPDATE res_partner_category SET color = %s WHERE id = %s",
                                [rng.choice((2, 7)), rng.choice(base_ids)],
                            )
                    except psycopg2.errors.SerializationFailure:
                        writes -= 1  # a concurrent write won: this one never happened
                    continue
                if op == "create":
                    body = {"name": f"SYNC w{n}.{writes}", "color": rng.randrange(8)}
                    response = requests.post(url, json=body, headers=headers, timeout=20)
                    if response.status_code == 201:
                        base_ids.append(response.json()["data"]["id"])
                    continue
                rid = rng.choice(base_ids)
                if op == "update":
                    body = {"color": rng.randrange(6), "name": f"SYNC u{n}.{writes}"}
                    requests.patch(f"{url}/{rid}", json=body, headers=headers, timeout=20)
                else:
                    requests.delete(f"{url}/{rid}", headers=headers, timeout=20)
            return writes

        with ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(writer, n) for n in range(4)]
            batches = 0
            while not all(f.done() for f in futures):
                after, _seen = self._batch(mirror, after, self.servers)
                batches += 1
            for future in futures:
                future.result()
        after, _seen = self._batch(mirror, after, self.servers)  # catch up
        self.assertGreater(batches, 0)
        self.assertEqual(mirror, self._database())  # nothing missed
        after, seen = self._batch(mirror, after, self.servers)
        self.assertEqual(seen, set())  # nothing twice: no change, nothing served
