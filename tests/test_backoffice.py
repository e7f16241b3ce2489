# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The administrator's side: access, external RPC refused, views, Try it,
and a real browser that creates and publishes an endpoint (tour)."""

import xmlrpc.client

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import JsonRpcException, tagged
from odoo.tools import mute_logger

from .common import EndpointCase

REFUSED = "cannot be used over XML-RPC, JSON-RPC or JSON-2"
# Odoo logs the refused call (and the deprecated RPC protocols) as warnings.
QUIET = (
    "odoo.http",
    "odoo.addons.rest_endpoint.models.rpc_guard",
    "odoo.addons.rpc.controllers.xmlrpc",
    "odoo.addons.rpc.controllers.jsonrpc",
)


@tagged("post_install", "-at_install")
class TestAccess(EndpointCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.endpoint = cls.Endpoint.create(
            {
                "name": "Access test",
                "route": "/api/backoffice/access",
                "auth_type": "bearer",
                "code_snippet": "result = {'payload': {'ok': True}}",
            }
        )
        # An internal user with every non-admin right that could matter:
        # access rights manager ("Administration / Access Rights"), contacts.
        cls.internal = cls.env["res.users"].create(
            {
                "name": "Internal",
                "login": "rest_endpoint_internal",
                "password": "rest_endpoint_internal",
                "group_ids": [
                    Command.set(
                        [
                            cls.env.ref("base.group_user").id,
                            cls.env.ref("base.group_erp_manager").id,
                            cls.env.ref("base.group_partner_manager").id,
                        ]
                    )
                ],
            }
        )

    def test_only_settings_admins_read_or_write(self):
        self.assertFalse(self.internal.has_group("base.group_system"))
        as_internal = self.Endpoint.with_user(self.internal)
        with self.assertRaises(AccessError):
            as_internal.search([])
        with self.assertRaises(AccessError):
            self.endpoint.with_user(self.internal).read(["name"])
        with self.assertRaises(AccessError):
            self.endpoint.with_user(self.internal).write({"name": "x"})
        with self.assertRaises(AccessError):
            as_internal.create({"name": "x", "route": "/api/backoffice/x"})
        with self.assertRaises(AccessError):
            self.endpoint.with_user(self.internal).unlink()
        admin = self.env.ref("base.user_admin")
        self.assertEqual(
            self.Endpoint.with_user(admin).search([("id", "=", self.endpoint.id)]), self.endpoint
        )

    def test_menu_for_settings_admins_only(self):
        menu = self.env.ref("rest_endpoint.endpoint_endpoint_menu")
        self.assertEqual(menu.parent_id, self.env.ref("base.menu_custom"))
        Menus = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menus.with_user(self.env.ref("base.user_admin"))._visible_menu_ids())
        self.assertNotIn(menu.id, Menus.with_user(self.internal)._visible_menu_ids())
        action = self.env.ref("rest_endpoint.server_action_registry_sync")
        self.assertEqual(action.group_ids, self.env.ref("base.group_system"))

    @mute_logger(*QUIET)
    def test_internal_user_refused_in_back_office(self):
        self.authenticate(self.internal.login, self.internal.login)
        with self.assertRaises(JsonRpcException) as caught:
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/endpoint.endpoint/search_read",
                {"model": "endpoint.endpoint", "method": "search_read", "args": [[]], "kwargs": {}},
            )
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")


@tagged("post_install", "-at_install")
class TestExternalRpcRefused(EndpointCase):
    """XML-RPC, JSON-RPC and JSON-2 are refused for everybody, admin included,
    with a password or an API key; the web client keeps working."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.admin_key = (
            cls.env["res.users.apikeys"].with_user(cls.admin).sudo()._generate(None, "rpc", None)
        )
        cls.endpoint = cls.Endpoint.create(
            {
                "name": "RPC test",
                "route": "/api/backoffice/rpc",
                "auth_type": "bearer",
                "code_snippet": "result = {'payload': {'ok': True}}",
                "registry_sync": True,
            }
        )

    def _count(self):
        return self.Endpoint.with_context(active_test=False).search_count([])

    def _xmlrpc(self, secret, model, method, *args):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, self.admin.id, secret, model, method, list(args), {}
        )

    @mute_logger(*QUIET)
    def test_xmlrpc(self):
        # the channel works for other models (with the password and the key)
        self.assertGreater(self._xmlrpc("admin", "res.partner", "search_count", []), 0)
        self.assertGreater(self._xmlrpc(self.admin_key, "res.partner", "search_count", []), 0)
        before = self._count()
        calls = [
            ("search_read", []),
            ("read", [self.endpoint.id], ["code_snippet"]),
            ("fields_get",),
            ("create", {"name": "x", "route": "/api/rpc/x", "code_snippet": "result = {}"}),
            ("write", [self.endpoint.id], {"code_snippet": "result = {'payload': 1}"}),
            ("action_sync_registry", [self.endpoint.id]),
            ("unlink", [self.endpoint.id]),
        ]
        for secret in ("admin", self.admin_key):
            for method, *args in calls:
                with self.subTest(method=method, key=secret != "admin"):
                    with self.assertRaises(xmlrpc.client.Fault) as caught:
                        self._xmlrpc(secret, "endpoint.endpoint", method, *args)
                    self.assertEqual(caught.exception.faultCode, 4)  # AccessError
                    self.assertIn(REFUSED, caught.exception.faultString)
                    self.assertIn(f"endpoint.endpoint.{method}", caught.exception.faultString)
        self.assertEqual(self._count(), before)
        self.endpoint.invalidate_recordset()
        self.assertEqual(self.endpoint.code_snippet, "result = {'payload': {'ok': True}}")

    @mute_logger(*QUIET)
    def test_jsonrpc(self):
        def call(model, method, *args):
            response = self.url_open(
                "/jsonrpc",
                json={
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "service": "object",
                        "method": "execute_kw",
                        "args": [
                            self.env.cr.dbname,
                            self.admin.id,
                            "admin",
                            model,
                            method,
                            list(args),
                        ],
                    },
                },
            )
            self.assertEqual(response.status_code, 200)
            return response.json()

        self.assertGreater(call("res.partner", "search_count", [])["result"], 0)
        for method, *args in [("search_read", []), ("unlink", [self.endpoint.id])]:
            with self.subTest(method=method):
                error = call("endpoint.endpoint", method, *args)["error"]["data"]
                self.assertEqual(error["name"], "odoo.exceptions.AccessError")
                self.assertIn(REFUSED, error["message"])
        self.assertTrue(self.endpoint.exists())

    @mute_logger(*QUIET)
    def test_json2(self):
        def call(model, method, key=self.admin_key, **params):
            return self.url_open(
                f"/json/2/{model}/{method}",
                json=params,
                headers={"Authorization": f"Bearer {key}"},
            )

        response = call("res.partner", "search_count", domain=[])
        self.assertEqual(response.status_code, 200, response.text)
        self.assertGreater(response.json(), 0)
        for method, params in [
            ("search_read", {"domain": []}),
            ("write", {"ids": [self.endpoint.id], "vals": {"name": "x"}}),
            ("create", {"vals_list": [{"name": "x", "route": "/api/rpc/j"}]}),
        ]:
            with self.subTest(method=method):
                response = call("endpoint.endpoint", method, **params)
                self.assertEqual(response.status_code, 403, response.text)
                body = response.json()
                self.assertEqual(body["name"], "odoo.exceptions.AccessError")
                self.assertIn(REFUSED, body["message"])
        # a browser session does not open JSON-2 to endpoints either
        self.authenticate("admin", "admin")
        response = self.url_open(
            "/json/2/endpoint.endpoint/search_read",
            json={"domain": []},
            headers={
                "Sec-Fetch-Dest": "document",
                "Sec-Fetch-Mode": "navigate",
                "Sec-Fetch-Site": "same-origin",
                "Sec-Fetch-User": "?1",
            },
        )
        self.assertEqual(response.status_code, 403, response.text)
        self.assertIn(REFUSED, response.json()["message"])
        self.endpoint.invalidate_recordset()
        self.assertEqual(self.endpoint.name, "RPC test")

    def test_back_office_keeps_working(self):
        self.authenticate("admin", "admin")
        records = self.make_jsonrpc_request(
            "/web/dataset/call_kw/endpoint.endpoint/web_search_read",
            {
                "model": "endpoint.endpoint",
                "method": "web_search_read",
                "args": [[("id", "=", self.endpoint.id)]],
                "kwargs": {"specification": {"name": {}, "sync_state": {}}},
            },
        )
        self.assertEqual(
            records["records"],
            [{"id": self.endpoint.id, "name": "RPC test", "sync_state": "published"}],
        )
        self.make_jsonrpc_request(
            "/web/dataset/call_kw/endpoint.endpoint/web_save",
            {
                "model": "endpoint.endpoint",
                "method": "web_save",
                "args": [[self.endpoint.id], {"code_snippet": "result = {'payload': {'v': 2}}"}],
                "kwargs": {"specification": {}},
            },
        )
        self.assertFalse(self.endpoint.registry_sync)
        self.make_jsonrpc_request(
            "/web/dataset/call_button/endpoint.endpoint/action_sync_registry",
            {
                "model": "endpoint.endpoint",
                "method": "action_sync_registry",
                "args": [[self.endpoint.id]],
                "kwargs": {},
            },
        )
        self.assertTrue(self.endpoint.registry_sync)
        response = self.request("GET", "/api/backoffice/rpc", key=self.admin_key)
        self.assertEqual(response.json(), {"v": 2})
