# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A sync reaches every worker of ONE prefork server: each worker process
has its own table of published endpoints, and serves the sync on its next
request (the two-server tests run ``--workers=0``: one process each).

Which worker served a request is read from the server's log: the
dispatcher's line of each request carries the worker's pid. This test
commits (the server only sees committed data) and cleans up."""

import re
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import odoo
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged

from .test_operations_servers import PreforkServer

ROUTE = "/api/prefork/sync/<int:n>"
SNIPPET = "result = {{'payload': {{'v': {}}}}}"
BATCH = 4  # concurrent requests: a worker serves one at a time


@tagged("post_install", "-at_install")
class TestSyncPrefork(BaseCase):
    def setUp(self):
        super().setUp()
        self.db = get_db_name()
        self.registry = Registry(self.db)
        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            self.endpoint_id = (
                env["endpoint.endpoint"]
                .create(
                    {
                        "name": "prefork sync",
                        "route": ROUTE,
                        "auth_type": "public",
                        "exec_as_user_id": env.ref("base.user_admin").id,
                        "code_snippet": SNIPPET.format(1),
                        "registry_sync": True,
                    }
                )
                .id
            )
        self.addCleanup(self._cleanup)
        self.server = PreforkServer(
            self.db,
            tempfile.mkdtemp(prefix="rest_endpoint_prefork_sync_"),
            ["--log-handler=odoo.addons.rest_endpoint.serving.dispatcher:INFO"],
        ).start()
        self.addCleanup(self.server.stop)
        self.server.wait_ready()
        self.sent = 0

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            env["endpoint.endpoint"].browse(self.endpoint_id).unlink()

    def _pids(self, numbers, timeout=30):
        """{n: pid of the worker that served /api/prefork/sync/<n>}, from the
        dispatcher lines (written once each response is closed)."""
        wanted = set(numbers)
        line = re.compile(r"^\S+ \S+ (\d+) INFO .* GET /api/prefork/sync/(\d+) -> 200")
        deadline = time.monotonic() + timeout
        while True:
            found = {}
            with open(self.server.logfile, encoding="utf-8") as log:
                for text in log:
                    match = line.search(text)
                    if match and int(match[2]) in wanted:
                        found[int(match[2])] = int(match[1])
            if set(found) == wanted:
                return found
            self.assertLess(time.monotonic(), deadline, f"no log line for {wanted - set(found)}")
            time.sleep(0.1)

    def _every_worker_answers(self, version, rounds=25):
        """Send batches of concurrent requests until two workers have served
        some; every answer must be ``version``. Return the workers' pids."""
        pids = set()
        for _round in range(rounds):
            numbers = range(self.sent, self.sent + BATCH)
            self.sent += BATCH
            with ThreadPoolExecutor(BATCH) as pool:
                answers = list(
                    pool.map(lambda n: self.server.get(f"/api/prefork/sync/{n}"), numbers)
                )
            for answer in answers:
                self.assertEqual(answer.status_code, 200, answer.text)
                self.assertEqual(answer.json(), {"v": version})
            pids |= set(self._pids(numbers).values())
            if len(pids) == 2:
                return pids
        self.fail(f"only worker(s) {pids} served {self.sent} requests")

    def test_sync_reaches_every_worker_of_one_server(self):
        before = self._every_worker_answers(1)  # both workers loaded version 1
        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            endpoint = env["endpoint.endpoint"].browse(self.endpoint_id)
            endpoint.write({"code_snippet": SNIPPET.format(2)})
            endpoint.action_sync_registry()
        after = self._every_worker_answers(2)
        self.assertEqual(after, before)  # the same two processes, not new ones
