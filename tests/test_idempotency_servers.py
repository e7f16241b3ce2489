# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``Idempotency-Key`` across two real Odoo servers: the same POST sent 20
times at once, half to each server, creates one record, and every answer is
the stored response or a 409 (the first still running). Commits: cleans up."""

import json
from concurrent.futures import ThreadPoolExecutor

import requests

import odoo
from odoo import Command
from odoo.tests import tagged

from .test_multiprocess import TwoServersCase

ROUTE = "/api/multi/idem"
NAME = "IDEM two servers"


@tagged("post_install", "-at_install")
class TestIdempotencyTwoServers(TwoServersCase):
    def _cleanup_partners(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM res_partner WHERE name = %s", [NAME])

    def test_concurrent_repeats_create_one_record(self):
        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            ids = env["ir.model.fields"]._get_ids("res.partner")
            model_id = env["ir.model"]._get_id("res.partner")
        self.addCleanup(self._cleanup_partners)
        self._create(
            route=ROUTE,
            registry_sync=True,
            exec_mode="resource",
            code_snippet=False,
            resource_model_id=model_id,
            resource_field_ids=[Command.set([ids["name"], ids["email"]])],
            resource_writable_field_ids=[Command.set([ids["name"], ids["email"]])],
            resource_create=True,
        )
        body = json.dumps({"name": NAME, "email": "two@example.com"})

        def post(i):
            server = self.servers[i % 2]
            return requests.post(
                server.base + ROUTE,
                data=body,
                timeout=60,
                headers={
                    "X-Odoo-Database": self.db,
                    "Content-Type": "application/json",
                    "Idempotency-Key": "6f1c1f0e-two-servers",
                },
            )

        for server in self.servers:  # both warm (routes loaded) before the race
            self.assertEqual(server.get(ROUTE).status_code, 200)
        with ThreadPoolExecutor(20) as pool:
            responses = list(pool.map(post, range(20)))
        statuses = [r.status_code for r in responses]
        self.assertLessEqual(set(statuses), {201, 409}, [r.text for r in responses])
        created = [r for r in responses if r.status_code == 201]
        self.assertTrue(created, statuses)
        self.assertEqual({r.content for r in created}, {created[0].content})
        self.assertEqual({r.headers["Location"] for r in created}, {created[0].headers["Location"]})
        for response in responses:
            if response.status_code == 409:
                self.assertEqual(response.json()["name"], "rest_endpoint.errors.Conflict")
        with self.registry.cursor() as cr:
            cr.execute("SELECT id FROM res_partner WHERE name = %s", [NAME])
            rows = cr.fetchall()
        self.assertEqual(len(rows), 1, statuses)
        self.assertEqual(created[0].json()["data"]["id"], rows[0][0])
        # once settled, each server answers with the stored response
        for i in range(2):
            again = post(i)
            self.assertEqual(again.status_code, 201)
            self.assertEqual(again.content, created[0].content)
            self.assertEqual(again.headers["Idempotent-Replayed"], "true")
