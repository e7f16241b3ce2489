# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The administrator's side: access, external RPC refused, views, Try it,
and a real browser that creates and publishes an endpoint (tour)."""

import ast
import json
import os
import shutil
import subprocess
import xmlrpc.client

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import JsonRpcException, tagged
from odoo.tests.common import Transport
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
        # the historical /xmlrpc/object (string fault codes) and `execute`
        legacy = xmlrpc.client.ServerProxy(
            f"{self.base_url()}/xmlrpc/object", transport=Transport(self)
        )
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            db, uid = self.env.cr.dbname, self.admin.id
            legacy.execute(db, uid, "admin", "endpoint.endpoint", "search", [])
        self.assertIn("AccessError", caught.exception.faultCode)
        self.assertIn(REFUSED, caught.exception.faultCode)
        self.assertEqual(self._count(), before)
        self.endpoint.invalidate_recordset()
        self.assertEqual(self.endpoint.code_snippet, "result = {'payload': {'ok': True}}")

    @mute_logger(*QUIET)
    def test_jsonrpc(self):
        def call(secret, model, method, *args):
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
                            secret,
                            model,
                            method,
                            list(args),
                        ],
                    },
                },
            )
            self.assertEqual(response.status_code, 200)
            return response.json()

        for secret in ("admin", self.admin_key):
            self.assertGreater(call(secret, "res.partner", "search_count", [])["result"], 0)
            for method, *args in [
                ("search_read", []),
                ("create", {"name": "x", "route": "/api/rpc/x", "code_snippet": "result = {}"}),
                ("unlink", [self.endpoint.id]),
            ]:
                with self.subTest(method=method, key=secret != "admin"):
                    error = call(secret, "endpoint.endpoint", method, *args)["error"]["data"]
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


@tagged("post_install", "-at_install")
class TestViews(EndpointCase):
    def _arch(self, view_type):
        views = self.Endpoint.get_views([(False, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])

    def test_list_columns_and_search(self):
        arch = self._arch("list")
        columns = [f.get("name") for f in arch.iter("field") if f.get("column_invisible") != "1"]
        for name in ("name", "route", "served_methods", "route_type", "auth_type", "route_group"):
            self.assertIn(name, columns)
        badge = arch.find(".//field[@name='sync_state']")
        self.assertEqual(badge.get("widget"), "badge")
        search = self._arch("search")
        self.assertIsNotNone(search.find(".//filter[@name='to_sync']"))
        self.assertIsNotNone(search.find(".//filter[@name='archived']"))
        group_by = search.find(".//filter[@name='group_by_route_group']")
        self.assertIn("route_group", group_by.get("context"))
        to_sync = self.make_endpoint(route="/api/views/to_sync", sync=False)
        published = self.make_endpoint(route="/api/views/published")
        domain = ast.literal_eval(search.find(".//filter[@name='to_sync']").get("domain"))
        found = self.Endpoint.search(domain)
        self.assertIn(to_sync, found)
        self.assertNotIn(published, found)
        sync_action = self.env.ref("rest_endpoint.server_action_registry_sync")
        self.assertEqual(sync_action.binding_model_id.model, "endpoint.endpoint")

    def test_form_tabs(self):
        arch = self._arch("form")
        pages = {p.get("name"): p for p in arch.iter("page")}
        for name in ("request", "schema", "code", "code_help", "try_it"):
            self.assertIn(name, pages)
        request = {f.get("name") for f in pages["request"].iter("field")}
        self.assertLessEqual(
            {"request_method", "request_content_type", "auth_type", "allowed_group_ids", "cors"},
            request,
        )
        self.assertEqual(
            pages["schema"].get("invisible"),
            "not request_content_schema_applicable or exec_mode == 'resource'",
        )
        modes = {
            f.get("options") for f in pages["schema"].iter("field") if f.get("widget") == "code"
        }
        self.assertEqual(modes, {"{'mode': 'yaml'}", "{'mode': 'xml'}"})
        self.assertIsNotNone(arch.find(".//button[@name='action_sync_registry']"))
        self.assertIsNotNone(arch.find(".//div[@class='alert alert-warning mb-0']"))

    def test_schema_tab_applies_to_bodies(self):
        get = self.make_endpoint(route="/api/views/get")
        self.assertFalse(get.request_content_schema_applicable)
        post = self.make_endpoint(
            route="/api/views/post", request_method="POST", request_content_type="application/xml"
        )
        self.assertTrue(post.request_content_schema_applicable)

    def test_duplicate_from_back_office(self):
        self.authenticate("admin", "admin")
        endpoint = self.make_endpoint(route="/api/views/dup/<int:item_id>")
        copy_id = self.make_jsonrpc_request(
            "/web/dataset/call_kw/endpoint.endpoint/copy",
            {"model": "endpoint.endpoint", "method": "copy", "args": [[endpoint.id]], "kwargs": {}},
        )[0]
        copy = self.Endpoint.browse(copy_id)
        self.assertEqual(copy.route, "/api/views/dup/<int:item_id>-copy")
        self.assertFalse(copy.registry_sync)
        self.assertEqual(copy.sync_state, "out_of_sync")
        self.assertEqual(self.request("GET", "/api/views/dup/3").status_code, 200)


@tagged("post_install", "-at_install")
class TestTryIt(EndpointCase):
    def test_bearer_get_with_converters(self):
        endpoint = self.make_endpoint(
            route="/api/tryit/customer/<int:customer_id>/<string:tag>",
            auth_type="bearer",
            exec_as_user_id=False,
        )
        base = self.base_url()
        self.assertEqual(
            endpoint.try_it_command,
            "# $API_KEY: an API key of the calling user (Preferences > Security > Add API Key)\n"
            "curl -i \\\n"
            '  -H "Authorization: Bearer $API_KEY" \\\n'
            f"  '{base}/api/tryit/customer/1/sample'",
        )

    def test_session_public_and_base_url(self):
        session = self.make_endpoint(
            route="/api/tryit/session", auth_type="user_endpoint", exec_as_user_id=False
        )
        self.assertIn('-b "session_id=$SESSION_ID"', session.try_it_command)
        public = self.make_endpoint(route="/api/tryit/public")
        self.assertEqual(
            public.try_it_command, f"curl -i \\\n  '{self.base_url()}/api/tryit/public'"
        )
        self.env["ir.config_parameter"].set_param("web.base.url", "https://erp.example.com/")
        public.invalidate_recordset(["try_it_command"])
        self.assertIn("'https://erp.example.com/api/tryit/public'", public.try_it_command)

    def test_bodies(self):
        cases = [
            ({"request_content_type": "application/json"}, "-d '{}'"),
            (
                {
                    "request_content_type": "application/json",
                    "request_content_schema": "type: object\nexamples:\n  - {name: O'Brien}\n",
                },
                """-d '{"name": "O'\\''Brien"}'""",
            ),
            ({"request_content_type": "application/xml"}, "--data-binary @request.xml"),
            ({"request_content_type": "text/csv"}, "--data-binary @request.csv"),
            ({"request_content_type": "application/x-www-form-urlencoded"}, "-d 'name=value'"),
            (
                {"route_type": "json", "request_content_type": "application/json"},
                """-d '{"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1}'""",
            ),
        ]
        for index, (vals, body) in enumerate(cases):
            with self.subTest(vals=vals):
                endpoint = self.make_endpoint(
                    route=f"/api/tryit/body{index}", request_method="POST", **vals
                )
                command = endpoint.try_it_command
                self.assertIn("-X POST", command)
                content_type = vals["request_content_type"]
                self.assertIn(f"-H 'Content-Type: {content_type}'", command)
                self.assertIn(body, command)

    def test_new_record_without_route(self):
        self.assertFalse(self.Endpoint.new({}).try_it_command)
        half_typed = self.Endpoint.new({"route": "/api/<int:", "auth_type": "public"})
        self.assertIn("/api/<int:'", half_typed.try_it_command)

    def test_command_runs_in_a_shell(self):
        """The command works as pasted: run it with curl against this server."""
        if not shutil.which("curl"):
            if os.environ.get("CI") == "true":
                self.fail("curl is not installed (CI=true: tools/dev test installs it)")
            self.skipTest("curl is not installed")
        endpoint = self.make_endpoint(
            route="/api/tryit/run/<int:item_id>",
            request_method="PUT",
            request_content_type="application/json",
            request_content_schema='{"type": "object", "required": ["qty"], '
            '"examples": [{"qty": 3}]}',
            auth_type="bearer",
            exec_as_user_id=False,
            code_snippet="result = {'payload': {'item': params['item_id'], 'qty': payload['qty'],"
            " 'user': user.login}}",
        )
        self.env.cr.flush()
        with self.allow_requests(all_requests=True):
            completed = subprocess.run(
                ["bash", "-c", endpoint.try_it_command],
                env={"API_KEY": self.api_key, "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
                capture_output=True,
                timeout=30,
                check=True,
            )
        # curl -i: status line, headers, blank line, body
        head, _sep, body = completed.stdout.decode().partition("\r\n\r\n")
        self.assertRegex(head, r"^HTTP/1.1 200 ")
        self.assertEqual(json.loads(body), {"item": 1, "qty": 3, "user": self.api_user.login})


@tagged("post_install", "-at_install")
class TestBackofficeTour(EndpointCase):
    def test_admin_creates_and_publishes_in_browser(self):
        self.start_tour("/odoo?debug=1", "rest_endpoint_backoffice", login="admin")
        endpoint = self.Endpoint.search([("route", "=", "/api/tour/hello")])
        self.assertEqual(endpoint.name, "Tour: hello")
        self.assertEqual(endpoint.auth_type, "bearer")
        self.assertTrue(endpoint.registry_sync)
        admin = self.env.ref("base.user_admin")
        key = self.env["res.users.apikeys"].with_user(admin).sudo()._generate(None, "tour", None)
        response = self.request("GET", "/api/tour/hello", key=key)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json(), {"hello": admin.login, "from": "tour"})
        self.assertJsonError(self.request("GET", "/api/tour/hello"), 401)
