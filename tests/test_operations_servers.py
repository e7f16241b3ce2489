# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Production features across real server processes: a rate limit shared by
two servers, the request log written after the response by the server
(outside the request's rolled-back transaction), and metrics added up over
the workers of a prefork server.

These tests commit (other processes only see committed data), so they clean
up what they created.
"""

import logging
import os
import shutil
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests

import odoo
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged

from ..serving import metrics, rate_limit
from .test_multiprocess import OdooServer, TwoServersCase, _free_port

_logger = logging.getLogger(__name__)


def _poll(fetch, done, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


@tagged("post_install", "-at_install")
class TestLimitsAndLogsTwoServers(TwoServersCase):
    def setUp(self):
        super().setUp()
        self.addCleanup(self._cleanup_operations)

    def _cleanup_operations(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM endpoint_log WHERE endpoint_id = ANY(%s)", [self.created])
            cr.execute("DELETE FROM res_partner WHERE name = 'Two servers rolled back'")
        rate_limit.execute(
            self.db, f"DELETE FROM {rate_limit.TABLE} WHERE endpoint_id = ANY(%s)", [self.created]
        )

    def _log_statuses(self, rid):
        with self.registry.cursor() as cr:
            cr.execute("SELECT status FROM endpoint_log WHERE endpoint_id = %s", [rid])
            return Counter(row[0] for row in cr.fetchall())

    def _flood(self, route, limit, calls, **vals):
        """``calls`` concurrent GETs, spread over both servers, on a new
        endpoint limited to ``limit`` calls an hour: (its id, the statuses)."""
        rid = self._create(
            route=route,
            registry_sync=True,
            rate_limit=limit,
            rate_limit_period=3600,
            code_snippet="result = {'payload': {'ok': True}}",
            **vals,
        )
        for server in self.servers:  # both load the table first
            self.assertEqual(server.get("/api/ops/none").status_code, 404)

        def call(i):
            return self.servers[i % 2].get(route).status_code

        with ThreadPoolExecutor(12) as pool:
            statuses = Counter(pool.map(call, range(calls)))
        self.assertEqual(set(statuses), {200, 429}, statuses)
        return rid, statuses

    def _windows(self, rid):
        """{window number: hits counted} of the endpoint's counter rows."""
        rows = rate_limit.execute(
            self.db,
            f"SELECT window_no, hits FROM {rate_limit.TABLE} WHERE endpoint_id = %s",
            [rid],
        )
        return dict(rows)

    def test_limit_shared_by_two_servers_and_every_call_logged(self):
        """README: below 50 a limit is counted call by call, exactly, and
        never over it. Every call of the flood was counted in its window of
        the database clock (one window, or two if the hour turned during
        it): each window admitted exactly min(its claims, the limit). A
        claim of one hit counts every call until one is refused; after it
        each server refuses the rest of the window by itself."""
        limit, calls = 20, 60
        rid, statuses = self._flood("/api/ops/limited", limit, calls, log_requests="all")
        windows = self._windows(rid)
        self.assertEqual(
            statuses[200], sum(min(hits, limit) for hits in windows.values()), (statuses, windows)
        )
        if len(windows) == 1:
            self.assertEqual(statuses[200], limit, statuses)
        logged = _poll(lambda: self._log_statuses(rid), lambda c: sum(c.values()) >= calls)
        self.assertEqual(logged, statuses)

    def test_limit_counted_ahead_by_two_servers(self):
        """A limit of 200 is claimed 4 hits at a time: each server serves
        most requests without a round trip, and together they admit at most
        the limit, and at least 90 % of it, in each window of the database
        clock (the hour may turn during the flood: then per window)."""
        limit = 200
        rid, statuses = self._flood("/api/ops/leased", limit, 300)
        windows = self._windows(rid)
        _logger.info(
            "limit %s counted ahead by two servers: %s, hits claimed per window %s",
            limit,
            dict(statuses),
            windows,
        )
        # claims of 4, and never over the limit in any window
        self.assertTrue(all(hits % 4 == 0 for hits in windows.values()), windows)
        self.assertLessEqual(
            statuses[200], sum(min(hits, limit) for hits in windows.values()), windows
        )
        if len(windows) == 1:
            (hits,) = windows.values()
            self.assertLessEqual(statuses[200], limit, statuses)
            self.assertGreaterEqual(statuses[200], limit * 0.9, statuses)
            # a quarter of the admitted requests reached the table, and of the
            # refused ones only those in flight when the first was refused (at
            # most one per client thread and server)
            self.assertGreaterEqual(hits, limit, windows)
            self.assertLessEqual(hits, limit + 4 * 2 * 12, windows)

    def test_rolled_back_request_is_logged_by_the_server(self):
        route = "/api/ops/rollback"
        rid = self._create(
            route=route,
            registry_sync=True,
            code_snippet=(
                "env['res.partner'].create({'name': 'Two servers rolled back'})\n"
                "raise exceptions.UserError('refused after a write')"
            ),
        )
        response = self.servers[0].get(route)
        self.assertEqual(response.status_code, 400, response.text)
        logged = _poll(lambda: self._log_statuses(rid), bool)
        self.assertEqual(logged, {400: 1})
        with self.registry.cursor() as cr:
            cr.execute("SELECT error_message FROM endpoint_log WHERE endpoint_id = %s", [rid])
            self.assertEqual(cr.fetchone()[0], "refused after a write")
            cr.execute("SELECT count(*) FROM res_partner WHERE name = 'Two servers rolled back'")
            self.assertEqual(cr.fetchone()[0], 0)


class PreforkServer(OdooServer):
    """An Odoo server with two worker processes."""

    def command(self):
        cmd = [arg for arg in super().command() if arg != "--workers=0"]
        return [*cmd, "--workers=2", f"--gevent-port={_free_port()}"]

    def start(self):
        # the server picks its own metrics directory (ours is this process's)
        saved = os.environ.pop(metrics.ENV_VAR, None)
        try:
            return super().start()
        finally:
            if saved is not None:
                os.environ[metrics.ENV_VAR] = saved


@tagged("post_install", "-at_install")
class TestMetricsPrefork(BaseCase):
    def setUp(self):
        super().setUp()
        self.db = get_db_name()
        self.registry = Registry(self.db)
        self.logdir = tempfile.mkdtemp(prefix="rest_endpoint_prefork_")
        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            admin = env.ref("base.user_admin")
            self.key = (
                env["res.users.apikeys"]
                .with_user(admin)
                .sudo()
                ._generate("rest_endpoint:metrics", "prefork metrics", None)
            )
            self.endpoint_id = (
                env["endpoint.endpoint"]
                .create(
                    {
                        "name": "prefork probe",
                        "route": "/api/ops/prefork",
                        "auth_type": "public",
                        "exec_as_user_id": admin.id,
                        "code_snippet": "result = {'payload': {'ok': True}}",
                        "registry_sync": True,
                    }
                )
                .id
            )
        self.addCleanup(self._cleanup)
        self.server = PreforkServer(self.db, self.logdir).start()
        self.addCleanup(self.server.stop)
        self.server.wait_ready()

    def _cleanup(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM res_users_apikeys WHERE name = 'prefork metrics'")
            cr.execute("DELETE FROM endpoint_log WHERE endpoint_id = %s", [self.endpoint_id])
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            env["endpoint.endpoint"].browse(self.endpoint_id).unlink()
        shutil.rmtree(self.metrics_dir(), ignore_errors=True)

    def metrics_dir(self):
        return os.path.join(tempfile.gettempdir(), f"{metrics.DIR_PREFIX}{self.server.proc.pid}")

    def scrape(self):
        from prometheus_client.parser import text_string_to_metric_families  # noqa: PLC0415

        response = requests.get(
            f"{self.server.base}/rest_endpoint/metrics",
            headers={"Authorization": f"Bearer {self.key}"},
            timeout=20,
        )
        self.assertEqual(response.status_code, 200, response.text)
        total = 0
        for family in text_string_to_metric_families(response.text):
            for sample in family.samples:
                if (
                    sample.name == "rest_endpoint_requests_total"
                    and sample.labels["endpoint"] == "prefork probe"
                    and sample.labels["status"] == "200"
                ):
                    total += sample.value
        return total

    def test_metrics_add_up_over_two_workers(self):
        calls = 40
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda _i: self.server.get("/api/ops/prefork"), range(calls)))
        self.assertEqual({r.status_code for r in statuses}, {200})
        total = _poll(self.scrape, lambda t: t >= calls)
        self.assertEqual(total, calls)
        # both workers served some of them: one counter file each
        files = [name for name in os.listdir(self.metrics_dir()) if name.startswith("counter_")]
        self.assertGreaterEqual(len(files), 2, files)


class TwoDatabasesServer(PreforkServer):
    """A prefork server serving two databases (chosen by X-Odoo-Database)."""

    def __init__(self, dbs, logdir):
        super().__init__(dbs[0], logdir)
        self.dbs = dbs

    def command(self):
        cmd = [a for a in super().command() if not a.startswith(("--database=", "--db-filter="))]
        return [*cmd, f"--database={','.join(self.dbs)}", f"--db-filter=^({'|'.join(self.dbs)})$"]


class ModuleInstaller(OdooServer):
    """``odoo server -d DB -i rest_endpoint --stop-after-init``: a new
    database with the module (a copy of the test database would need it
    unused by every connection of this process)."""

    def command(self):
        skip = ("--http-", "--workers", "--db-filter", "--max-cron")
        cmd = [arg for arg in super().command() if not arg.startswith(skip)]
        return [*cmd, "--init=rest_endpoint", "--without-demo=all", "--stop-after-init"]


@tagged("post_install", "-at_install")
class TestMetricsTwoDatabases(BaseCase):
    """One server, two databases: each one's metrics show only its series
    (they used to be summed over every file of the server)."""

    def setUp(self):
        super().setUp()
        self.db = get_db_name()
        self.other = f"{self.db}_metrics_b"
        self.logdir = tempfile.mkdtemp(prefix="rest_endpoint_two_dbs_")
        registry = Registry(self.db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            admin = env.ref("base.user_admin")
            self.key = (
                env["res.users.apikeys"]
                .with_user(admin)
                .sudo()
                ._generate(None, "two databases metrics", None)
            )
            endpoint = env["endpoint.endpoint"].create(
                {
                    "name": "probe of A",
                    "route": "/api/ops/two_dbs",
                    "auth_type": "public",
                    "exec_as_user_id": admin.id,
                    "code_snippet": "result = {'payload': {'ok': True}}",
                    "registry_sync": True,
                }
            )
        self.addCleanup(self._cleanup_a, endpoint.id)
        # database B: the module installed by a server process of its own
        self.addCleanup(self._drop_b)
        installer = ModuleInstaller(self.other, self.logdir).start()
        self.assertEqual(installer.proc.wait(600), 0, f"see {installer.logfile}")
        with Registry(self.other).cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            admin = env.ref("base.user_admin")
            self.key_b = env["res.users.apikeys"].with_user(admin).sudo()._generate(None, "b", None)
            env["endpoint.endpoint"].create(
                {
                    "name": "secret endpoint of B",
                    "route": "/api/ops/two_dbs",
                    "auth_type": "public",
                    "exec_as_user_id": admin.id,
                    "code_snippet": "result = {'payload': {'ok': True}}",
                    "registry_sync": True,
                }
            )
        self.server = TwoDatabasesServer([self.db, self.other], self.logdir).start()
        self.addCleanup(self.server.stop)
        self.server.wait_ready()

    def _cleanup_a(self, endpoint_id):
        with Registry(self.db).cursor() as cr:
            cr.execute("DELETE FROM res_users_apikeys WHERE name = 'two databases metrics'")
            cr.execute("DELETE FROM endpoint_log WHERE endpoint_id = %s", [endpoint_id])
            odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})["endpoint.endpoint"].browse(
                endpoint_id
            ).unlink()
        shutil.rmtree(self.logdir, ignore_errors=True)

    def _drop_b(self):
        Registry.delete(self.other)
        odoo.sql_db.close_db(self.other)
        with odoo.sql_db.db_connect("postgres").cursor() as cr:
            cr._cnx.autocommit = True
            cr.execute(f'DROP DATABASE IF EXISTS "{self.other}"')

    def get(self, db, path, **headers):
        return requests.get(
            f"{self.server.base}{path}", headers={"X-Odoo-Database": db, **headers}, timeout=20
        )

    def series(self, db):
        from prometheus_client.parser import text_string_to_metric_families  # noqa: PLC0415

        key = self.key if db == self.db else self.key_b
        response = self.get(db, "/rest_endpoint/metrics", Authorization=f"Bearer {key}")
        self.assertEqual(response.status_code, 200, response.text)
        return [
            sample
            for family in text_string_to_metric_families(response.text)
            for sample in family.samples
            if sample.name.startswith("rest_endpoint_")
        ]

    def test_each_database_reads_its_own_series_only(self):
        for db in (self.db, self.other, self.other):
            self.assertEqual(self.get(db, "/api/ops/two_dbs").status_code, 200)

        def requests_of(db):
            return sum(
                s.value
                for s in self.series(db)
                if s.name == "rest_endpoint_requests_total" and s.labels["status"] == "200"
            )

        self.assertEqual(_poll(lambda: requests_of(self.other), lambda n: n >= 2), 2)
        for db, other, own_name, other_name in (
            (self.db, self.other, "probe of A", "secret endpoint of B"),
            (self.other, self.db, "secret endpoint of B", "probe of A"),
        ):
            with self.subTest(db=db):
                samples = self.series(db)
                self.assertTrue(samples)
                self.assertEqual({s.labels["db"] for s in samples if "db" in s.labels}, {db})
                endpoints = {s.labels.get("endpoint") for s in samples} - {None}
                self.assertIn(own_name, endpoints)
                self.assertNotIn(other_name, endpoints)
                self.assertNotIn(other, {v for s in samples for v in s.labels.values()})
        self.assertEqual(requests_of(self.db), 1)
