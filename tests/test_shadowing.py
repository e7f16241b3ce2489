# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A published route never changes what an Odoo route answers: refused at
save time when it could, unpublished when a module installed later makes it
so, and at serve time Odoo's routes win whatever was published."""

import json
from unittest.mock import patch

from werkzeug.routing import Rule

from odoo import sql_db
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..models.ir_http import IrHttp
from ..serving import route_guard
from .common import EndpointCase

JSONRPC = {"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1}

#: (method, path, body): Odoo's own routes, asked with and without a catch-all
#: endpoint published.
ODOO_REQUESTS = [
    ("GET", "/websocket", None),
    ("POST", "/web/webclient/version_info", JSONRPC),
    ("POST", "/web/session/authenticate", {**JSONRPC, "params": {"login": "x", "password": "y"}}),
    ("GET", "/web/login", None),
    ("POST", "/web/login", None),
    ("GET", "/web/health", None),
    ("POST", "/json/2/res.partner/search", {}),
    ("POST", "/xmlrpc/2/common", "<methodCall><methodName>version</methodName></methodCall>"),
    ("GET", "/odoo", None),
    ("GET", "/odoo/action-foo", None),
    ("GET", "/report/barcode/QR/abc", None),
]


def _odoo_match(cls, path_info):
    """Odoo's ``ir.http._match``, without this module's."""
    return super(IrHttp, cls)._match(path_info)


@tagged("post_install", "-at_install")
class TestOdooRoutesFirst(EndpointCase):
    def _force_publish(self, route, method="GET"):
        """Publish ``route`` as if the save-time checks had let it through
        (an endpoint saved before a module added the route it shadows)."""
        record = self.make_endpoint(
            route=f"/api/shadow/{len(self.Endpoint.search([]))}",
            request_method=method,
            request_content_type="application/json" if method != "GET" else False,
        )
        config = dict(record.published_config, route=route)
        version = record._bump_version(record.ids)
        self.env.cr.execute(
            "UPDATE endpoint_endpoint SET route = %s, published_config = %s::jsonb,"
            " published_version = %s WHERE id = %s",
            [route, json.dumps(config), version, record.id],
        )
        record.invalidate_recordset()
        return record

    def _answer(self, method, path, body):
        if isinstance(body, str):
            kwargs = {"headers": {"Content-Type": "text/xml"}, "data": body}
        else:
            kwargs = {"headers": {"Content-Type": "application/json"}}
            if body is not None:
                if "login" in body.get("params", {}):
                    body = {**body, "params": {**body["params"], "db": self.env.cr.dbname}}
                kwargs["data"] = json.dumps(body)
        response = self.request(method, path, **kwargs)
        content_type = response.headers.get("Content-Type")
        # JSON answers are compared whole; others (HTML pages with tokens,
        # images) by status and type.
        text = response.text if content_type and "json" in content_type else None
        return response.status_code, content_type, text

    def test_save_refuses_routes_that_reach_odoo_paths(self):
        for route, needle in [
            ("/<path:p>", "starts with a parameter"),
            ("/<string:a>/login", "starts with a parameter"),
            ("/<string:a>/anything", "starts with a parameter"),
            ("/bus/<string:action>", "/bus/"),
            ("/report/<string:kind>/<string:name>", "/report/"),
            ("/report/barcode/QR/<path:value>", "/report/barcode"),
        ]:
            with self.subTest(route=route), self.assertRaisesText(ValidationError, needle):
                self.make_endpoint(route=route)
        # Near misses are fine.
        self.make_endpoint(route="/api/<string:a>/login")
        self.make_endpoint(route="/reports/<string:name>")

    def test_odoo_routes_answer_the_same_with_catch_alls_published(self):
        baseline = {(m, p): self._answer(m, p, b) for m, p, b in ODOO_REQUESTS}
        self._force_publish("/<path:p>", "GET")
        self._force_publish("/<string:a>/login", "POST")
        self._force_publish("/<string:a>/<string:b>", "POST")
        # The catch-all is live: it answers paths no Odoo route serves.
        response = self.request("GET", "/api/anything/here")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json(), {"ok": True})
        for method, path, body in ODOO_REQUESTS:
            with self.subTest(method=method, path=path):
                self.assertEqual(self._answer(method, path, body), baseline[(method, path)])

    def _queries(self, method, path, body):
        """The SQL queries the server makes to answer ``path``: the fewest of
        three calls, caches warm (Odoo also writes, at most every few
        minutes, a session's device log: a call that does pays one more)."""
        self._answer(method, path, body)
        counts = []
        for _i in range(3):
            before = sql_db.sql_counter
            self._answer(method, path, body)
            counts.append(sql_db.sql_counter - before)
        return min(counts)

    def test_odoo_routes_pay_nothing_for_published_endpoints(self):
        """README: Odoo's own routes pay nothing for the endpoints. The
        queries of the health check, a web client RPC, the login page and
        the web client are the same as Odoo's alone (this module's
        ``_match`` bypassed), with nothing published, and with the demo
        plus catch-alls published."""
        requests = [
            ("GET", "/web/health", None),
            ("POST", "/web/webclient/version_info", JSONRPC),
            ("GET", "/web/login", None),
            ("GET", "/odoo", None),
        ]
        # nothing published (the demo's endpoints unpublished)
        everything = self.Endpoint.with_context(active_test=False).search([])
        version = everything._bump_version(everything.ids)
        self.env.cr.execute(
            "UPDATE endpoint_endpoint SET published_config = NULL, published_version = %s",
            [version],
        )
        everything.invalidate_recordset()
        self.assertEqual(self.request("GET", "/api/mobile/customer/1").status_code, 404)
        self.authenticate("admin", "admin")
        # Odoo logs a session's device until a route that saves the session
        # (the web client) has run: /web/health alone would pay that insert
        for method, path, body in reversed(requests):
            self._answer(method, path, body)
        bare = {(m, p): self._queries(m, p, b) for m, p, b in requests}
        with patch.object(IrHttp, "_match", classmethod(_odoo_match)):
            alone = {(m, p): self._queries(m, p, b) for m, p, b in requests}
        self.assertEqual(bare, alone)
        # the demo again, and catch-alls
        everything.action_sync_registry()
        self._force_publish("/<path:p>", "GET")
        self._force_publish("/<string:a>/<string:b>", "POST")
        self.assertEqual(self.request("GET", "/api/anything/here").status_code, 200)
        self.assertEqual(self.request("GET", "/api/v1/customers").status_code, 401)
        published = {(m, p): self._queries(m, p, b) for m, p, b in requests}
        self.assertEqual(published, bare)
        self.assertTrue(any(bare.values()), bare)  # the counter counts this server

    def test_routes_of_modules_installed_later_unpublish_endpoints(self):
        kept = self.make_endpoint(route="/api/later/kept")
        shadowed = self.make_endpoint(route="/api/later/taken/<int:i>")
        self.assertEqual(self.request("GET", "/api/later/taken/1").status_code, 200)
        # A module installed now brings a route that overlaps one endpoint.
        routing_map = route_guard._routing_map(self.env)
        self.addCleanup(self.env.registry.clear_cache, "routing")
        odoo_rule = next(r for r in routing_map.iter_rules() if r.rule == "/web/health")
        routing_map.add(Rule("/api/later/<string:page>/<string:sub>", endpoint=odoo_rule.endpoint))
        routing_map.__dict__.pop("_rest_endpoint_index", None)

        # At serve time, Odoo's new route wins at once.
        response = self.request("GET", "/api/later/taken/1")
        self.assertEqual(response.json(), {"status": "pass"})

        publish_logger = "odoo.addons.rest_endpoint.models.endpoint_publish"
        with self.assertLogs(publish_logger, "WARNING") as logs:
            self.assertEqual(self.Endpoint._unpublish_shadowed(), shadowed)
        self.assertIn("/api/later/taken/<int:i>", logs.output[0])
        self.assertIn("/api/later/<string:page>/<string:sub>", logs.output[0])
        self.assertFalse(shadowed.published_config)
        self.assertFalse(shadowed.registry_sync)
        self.assertTrue(kept.published_config)
        self.assertEqual(self.request("GET", "/api/later/kept").status_code, 200)

    def test_install_hook_checks_published_routes(self):
        calls = []
        Endpoint = type(self.Endpoint)
        registry = self.env.registry
        original = Endpoint._unpublish_shadowed

        def spy(model):
            calls.append(True)
            return original(model)

        self.patch(Endpoint, "_unpublish_shadowed", spy)
        self.patch(registry, "updated_modules", [])
        self.Endpoint._register_hook()
        self.assertEqual(calls, [])  # a plain registry load checks nothing
        self.patch(registry, "updated_modules", ["some_module"])
        self.Endpoint._register_hook()
        self.assertEqual(calls, [True])
