# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Concurrent writes to one record, over two real Odoo servers.

Concurrent transactions that update the same row fail with a serialization
error in all but one; Odoo rolls the losers back and runs their requests
again (``odoo.service.model.retrying``). Every one of those requests must
then succeed with its own body, and the record must end with one of the
values that were sent. The demo's bearer PUT (with a JSON Schema) and a
``readonly`` endpoint that writes (served again on a read/write cursor) are
both hammered.

The servers run with ``--dev=replica``: Odoo then opens a read-only pool on
the same database (``odoo/orm/registry.py``), so a ``readonly`` route starts
on a really read-only cursor (``Request._serve_db``), as behind a replica.
Their logs show the retries: the dispatcher's line of each request says
``(N attempts)`` once it ran more than once.

This test commits (the servers only see committed data) and cleans up.
"""

import json
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests

import odoo
from odoo.tests import tagged

from .test_multiprocess import TwoServersCase

CLIENTS = 48
WRITE_PHONE = """
partner = env["res.partner"].browse(params["pid"])
partner.write({"phone": payload["phone"]})
result = {"payload": {"phone": partner.phone}}
"""
SCHEMA = json.dumps(
    {
        "type": "object",
        "required": ["phone"],
        "additionalProperties": False,
        "properties": {"phone": {"type": "string", "minLength": 3}},
    }
)


@tagged("post_install", "-at_install")
class TestConcurrentWrites(TwoServersCase):
    SERVER_ARGS = (
        "--dev=replica",
        # the dispatcher's line of each request, with its number of passes
        "--log-handler=odoo.addons.rest_endpoint.serving.dispatcher:INFO",
    )
    # A request holds a connection of each pool (read-only, then read/write):
    # at most 8 requests at a time per server (Odoo's own limit; the others
    # wait to be accepted) keeps both servers under PostgreSQL's 100
    # connections, which the machine's other test runs share.
    SERVER_ENV = {"ODOO_MAX_HTTP_THREADS": "8"}

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            admin = env.ref("base.user_admin")
            self.key = (
                env["res.users.apikeys"]
                .with_user(admin)
                ._generate(None, "rest_endpoint concurrency test", None)
            )
            self.partner_id = env["res.partner"].create({"name": "Contended customer"}).id
        self.addCleanup(self._cleanup_committed)

    def _cleanup_committed(self):
        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            env["res.users.apikeys"].search(
                [("name", "=", "rest_endpoint concurrency test")]
            )._remove()
            env["res.partner"].browse(self.partner_id).unlink()

    def _hammer(self, path):
        """PUT a distinct phone from each client, spread over both servers,
        all at once; return the (sent phone, status, body) of each."""

        def put(i):
            server = self.servers[i % 2]
            phone = f"+1 555 {i:04d}"
            response = requests.put(
                server.base + path,
                data=json.dumps({"phone": phone}),
                headers={
                    "Authorization": f"Bearer {self.key}",
                    "Content-Type": "application/json",
                    "X-Odoo-Database": self.db,
                },
                timeout=120,
            )
            return phone, response.status_code, response.text

        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            return list(pool.map(put, range(CLIENTS)))

    def _final_phone(self):
        with self.registry.cursor() as cr:
            cr.execute("SELECT phone FROM res_partner WHERE id = %s", [self.partner_id])
            return cr.fetchone()[0]

    def _assert_all_written(self, results):
        failures = [(phone, status, text) for phone, status, text in results if status != 200]
        self.assertEqual(failures, [], f"{len(failures)} of {CLIENTS} writes refused")
        for phone, _status, text in results:
            self.assertIn(phone, text)  # each request ran with its own body
        self.assertIn(self._final_phone(), {phone for phone, _s, _t in results})

    def _attempts(self, path):
        """{number of passes: requests} of the 200 answers to ``path``, from
        the dispatcher lines of both servers' logs (written once the
        response is closed: the servers are stopped first, which flushes)."""
        self._stop_all()
        attempts = Counter()
        line = re.compile(rf"PUT {re.escape(path)} -> 200, .*?(?: \((\d+) attempts\))?\s*$")
        for server in self.servers:
            with open(server.logfile, encoding="utf-8") as log:
                for text in log:
                    match = line.search(text)
                    if match:
                        attempts[int(match[1] or 1)] += 1
        return attempts

    def _readonly_retries(self):
        """How many times Odoo served a request again on a read/write cursor
        after a write on the read-only one."""
        total = 0
        for server in self.servers:
            with open(server.logfile, encoding="utf-8") as log:
                total += sum("retrying with a read/write cursor" in text for text in log)
        return total

    def test_concurrent_puts_to_one_record_all_succeed(self):
        path = f"/api/mobile/customer/{self.partner_id}"
        results = self._hammer(path)
        self._assert_all_written(results)
        attempts = self._attempts(path)
        self.assertEqual(sum(attempts.values()), CLIENTS, attempts)
        # some requests lost the race for the row and were run again
        self.assertGreater(sum(n for passes, n in attempts.items() if passes > 1), 0, attempts)

    def test_concurrent_writes_through_a_readonly_endpoint(self):
        self._create(
            route="/api/concurrency/ro/<int:pid>",
            request_method="PUT",
            request_content_type="application/json",
            request_content_schema=SCHEMA,
            auth_type="bearer",
            readonly=True,
            code_snippet=WRITE_PHONE,
            registry_sync=True,
        )
        path = f"/api/concurrency/ro/{self.partner_id}"
        results = self._hammer(path)
        self._assert_all_written(results)
        attempts = self._attempts(path)
        # every request wrote on its read-only cursor first, then was served
        # again on a read/write one (and maybe more, after losing the race)
        self.assertEqual(sum(attempts.values()), CLIENTS, attempts)
        self.assertNotIn(1, attempts, attempts)
        self.assertEqual(self._readonly_retries(), CLIENTS)
