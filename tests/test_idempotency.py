# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``Idempotency-Key`` over HTTP on code and resource endpoints: a repeat
gets the stored response without running, another request with the key is
a 422, a key still held by a running request is a 409, a pass Odoo re-runs
is not a repeat, an error stores nothing, PUT and DELETE only when the
endpoint opts in, and expired keys are purged."""

import json

from odoo import Command, sql_db
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..serving import idempotency
from .common import EndpointCase, serialization_failure_after_first_pass

QUIET = ("odoo.http", "odoo.addons.rest_endpoint.serving.dispatcher")
ROUTE = "/api/test/idem"
SNIPPET = (
    "p = env['res.partner'].create({'name': payload['name']})\n"
    "result = {'payload': {'id': p.id}, 'status_code': 201, 'headers': {'X-Made': str(p.id)}}"
)


@tagged("post_install", "-at_install")
class TestIdempotency(EndpointCase):
    def make_resource(self, **vals):
        ids = self.env["ir.model.fields"]._get_ids("res.partner")
        values = {
            "name": "Idem",
            "route": ROUTE,
            "auth_type": "bearer",
            "exec_as_user_id": False,
            "exec_mode": "resource",
            "code_snippet": False,
            "resource_model_id": self.env["ir.model"]._get_id("res.partner"),
            "resource_field_ids": [Command.set([ids["name"], ids["color"]])],
            "resource_writable_field_ids": [Command.set([ids["name"], ids["color"]])],
            "resource_domain": "[('name', '=like', 'IDEM%')]",
            "resource_create": True,
            "resource_update": True,
            "resource_delete": True,
        }
        values.update(vals)
        return self.make_endpoint(**values)

    def send(self, method, path, body=None, key="k-1"):
        headers = {"Idempotency-Key": key} if key else {}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body)
        return self.request(method, path, key=self.api_key, headers=headers, data=data)

    def partners(self):
        return self.env["res.partner"].search([("name", "=like", "IDEM%")])

    def test_resource_post_repeat_gets_the_stored_response(self):
        self.make_resource()
        first = self.send("POST", ROUTE, {"name": "IDEM 1"})
        self.assertEqual(first.status_code, 201, first.text)
        self.assertNotIn("Idempotent-Replayed", first.headers)
        for _i in range(2):
            again = self.send("POST", ROUTE, {"name": "IDEM 1"})
            self.assertEqual(again.status_code, 201)
            self.assertEqual(again.content, first.content)
            self.assertEqual(again.headers["Location"], first.headers["Location"])
            self.assertEqual(again.headers["ETag"], first.headers["ETag"])
            self.assertEqual(again.headers["Content-Type"], first.headers["Content-Type"])
            self.assertEqual(again.headers["Idempotent-Replayed"], "true")
        self.assertEqual(len(self.partners()), 1)
        # another key, another record; no key, another record
        self.assertEqual(self.send("POST", ROUTE, {"name": "IDEM 1"}, key="k-2").status_code, 201)
        self.assertEqual(self.send("POST", ROUTE, {"name": "IDEM 1"}, key=None).status_code, 201)
        self.assertEqual(len(self.partners()), 3)

    @mute_logger(*QUIET)
    def test_same_key_another_request_is_422(self):
        self.make_resource()
        self.assertEqual(self.send("POST", ROUTE, {"name": "IDEM 1"}).status_code, 201)
        other = self.send("POST", ROUTE, {"name": "IDEM 2"})
        body = self.assertJsonError(other, 422, "rest_endpoint.errors.IdempotencyKeyReused")
        self.assertIn("another request", body["message"])
        self.assertEqual(len(self.partners()), 1)
        # a resource is one endpoint: its item path shares its keys
        partner = self.partners()
        self.assertJsonError(self.send("PATCH", f"{ROUTE}/{partner.id}", {"color": 5}), 422)
        patched = self.send("PATCH", f"{ROUTE}/{partner.id}", {"color": 5}, key="k-p")
        self.assertEqual(patched.status_code, 200, patched.text)
        self.assertEqual(partner.color, 5)
        self.assertJsonError(self.send("POST", ROUTE, {"name": "IDEM 1"}, key="x" * 256), 400)

    def test_code_endpoint_runs_once(self):
        self.make_endpoint(
            route="/api/test/idem_code",
            request_method="POST",
            request_content_type="application/json",
            auth_type="bearer",
            exec_as_user_id=False,
            code_snippet=SNIPPET,
        )
        responses = [
            self.send("POST", "/api/test/idem_code", {"name": "IDEM c"}) for _i in range(3)
        ]
        self.assertEqual({r.status_code for r in responses}, {201})
        self.assertEqual({r.content for r in responses}, {responses[0].content})
        self.assertEqual({r.headers["X-Made"] for r in responses}, {responses[0].headers["X-Made"]})
        self.assertEqual(len(self.partners()), 1)

    @mute_logger(*QUIET)
    def test_running_request_holds_the_key_409(self):
        resource = self.make_resource()
        key_id = (
            self.env["res.users.apikeys"].sudo().search([("user_id", "=", self.api_user.id)]).id
        )
        lock = idempotency.lock_id(
            self.env.cr.dbname, resource.id, f"{self.api_user.id}:{key_id}", "k-1"
        )
        # another transaction (a real connection, not the test's) runs with this key
        with sql_db.db_connect(self.env.cr.dbname).cursor() as other:
            other.execute("SELECT pg_advisory_xact_lock(%s)", [lock])
            response = self.send("POST", ROUTE, {"name": "IDEM 1"})
            other.rollback()
        self.assertJsonError(response, 409)
        self.assertEqual(response.headers["Retry-After"], "1")
        self.assertFalse(self.partners())
        self.assertEqual(self.send("POST", ROUTE, {"name": "IDEM 1"}).status_code, 201)

    @mute_logger(*QUIET, "odoo.service.model")
    def test_a_retried_pass_is_not_a_repeat(self):
        self.make_resource()
        with serialization_failure_after_first_pass() as passes:
            response = self.send("POST", ROUTE, {"name": "IDEM r"})
        self.assertEqual(passes, [201, 201])
        self.assertEqual(response.status_code, 201, response.text)
        self.assertNotIn("Idempotent-Replayed", response.headers)
        self.assertEqual(len(self.partners()), 1)
        stored = self.env["endpoint.idempotency"].sudo().search([("idem_key", "=", "k-1")])
        self.assertEqual(len(stored), 1)
        self.assertEqual(stored.status_code, 201)
        again = self.send("POST", ROUTE, {"name": "IDEM r"})
        self.assertEqual(
            (again.content, again.headers["Idempotent-Replayed"]), (response.content, "true")
        )

    @mute_logger(*QUIET)
    def test_an_error_stores_nothing(self):
        self.make_resource()
        self.assertJsonError(self.send("POST", ROUTE, {"name": "IDEM e", "color": "red"}), 400)
        self.assertFalse(self.env["endpoint.idempotency"].sudo().search([("idem_key", "=", "k-1")]))
        self.assertEqual(self.send("POST", ROUTE, {"name": "IDEM e"}).status_code, 201)

    @mute_logger(*QUIET)
    def test_put_and_delete_only_when_opted_in(self):
        resource = self.make_resource()
        a, b = self.env["res.partner"].create([{"name": "IDEM a"}, {"name": "IDEM b"}])
        self.assertEqual(self.send("DELETE", f"{ROUTE}/{a.id}").status_code, 204)
        self.assertJsonError(self.send("DELETE", f"{ROUTE}/{a.id}"), 404)  # not a repeat
        resource.write({"idempotency_put_delete": True, "registry_sync": True})
        self.assertEqual(self.send("DELETE", f"{ROUTE}/{b.id}", key="d").status_code, 204)
        again = self.send("DELETE", f"{ROUTE}/{b.id}", key="d")
        self.assertEqual(again.status_code, 204)  # the stored answer
        self.assertEqual(again.headers["Idempotent-Replayed"], "true")

    def test_expired_keys_are_ignored_and_purged(self):
        self.make_resource()
        self.assertEqual(self.send("POST", ROUTE, {"name": "IDEM x"}).status_code, 201)
        self.env.cr.execute(
            "UPDATE endpoint_idempotency SET created_at = created_at - interval '25 hours'"
        )
        again = self.send("POST", ROUTE, {"name": "IDEM x"})
        self.assertNotIn("Idempotent-Replayed", again.headers)  # expired: runs again
        self.assertEqual(len(self.partners()), 2)
        self.env.cr.execute(
            "UPDATE endpoint_idempotency SET created_at = created_at - interval '25 hours'"
        )
        self.env["endpoint.idempotency"]._cron_purge()
        self.assertFalse(self.env["endpoint.idempotency"].sudo().search([]))
