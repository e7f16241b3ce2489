# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Every model of the addon refuses external RPC (XML-RPC, JSON-RPC,
JSON-2), not only endpoint.endpoint: the wizards and the request log can
read or change endpoint configuration, keys or logs too."""

import base64
import xmlrpc.client

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import EndpointCase
from .test_backoffice import QUIET, REFUSED

ATTACK_YAML = """format: rest_endpoint.endpoints/1
endpoints:
- route: /api/rpc_guard/owned
  method: GET
  name: Owned
  auth: public
  code: |
    result = {'payload': {'owned': True}}
"""


@tagged("post_install", "-at_install")
class TestEveryModelGuarded(EndpointCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.admin_key = (
            cls.env["res.users.apikeys"].with_user(cls.admin).sudo()._generate(None, "rpc", None)
        )

    def addon_models(self):
        """The models this addon defines, from ir.model.data (not from the
        guard's own rule), so a model added later is listed here too."""
        data = self.env["ir.model.data"].search(
            [("module", "=", "rest_endpoint"), ("model", "=", "ir.model")]
        )
        names = set(self.env["ir.model"].browse(data.mapped("res_id")).mapped("model"))
        defined = {
            name for name in names if self.registry[name]._original_module == "rest_endpoint"
        }
        # not vacuous: the models known when this test was written are there
        known = {"endpoint.endpoint", "endpoint.log", "endpoint.import.wizard"}
        self.assertLessEqual(known | {"endpoint.apikey.wizard"}, defined)
        return sorted(defined)

    def json2(self, model, method, **params):
        return self.url_open(
            f"/json/2/{model}/{method}",
            json=params,
            headers={"Authorization": f"Bearer {self.admin_key}"},
        )

    @mute_logger(*QUIET)
    def test_every_model_refuses_every_protocol(self):
        xmlrpc_object = self.xmlrpc_object
        db, uid = self.env.cr.dbname, self.admin.id
        for model in self.addon_models():
            with self.subTest(model=model, protocol="json2"):
                response = self.json2(model, "fields_get", attributes=["string"])
                self.assertEqual(response.status_code, 403, response.text)
                self.assertIn(REFUSED, response.json()["message"])
            for secret in ("admin", self.admin_key):
                with self.subTest(model=model, protocol="xmlrpc"):
                    with self.assertRaises(xmlrpc.client.Fault) as caught:
                        xmlrpc_object.execute_kw(db, uid, secret, model, "search_count", [[]], {})
                    self.assertIn(REFUSED, caught.exception.faultString)
            with self.subTest(model=model, protocol="jsonrpc"):
                params = {
                    "service": "object",
                    "method": "execute_kw",
                    "args": [db, uid, self.admin_key, model, "search_count", [[]]],
                }
                response = self.url_open(
                    "/jsonrpc", json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
                )
                error = response.json()["error"]["data"]
                self.assertEqual(error["name"], "odoo.exceptions.AccessError")
                self.assertIn(REFUSED, error["message"])

    @mute_logger(*QUIET)
    def test_json2_import_wizard_attack_refused(self):
        """The reported attack: create an import wizard with a public
        endpoint's YAML and apply it, with an administrator's API key."""
        Endpoint = self.Endpoint.with_context(active_test=False)
        before = Endpoint.search_count([])
        file = base64.b64encode(ATTACK_YAML.encode()).decode()
        response = self.json2(
            "endpoint.import.wizard", "create", vals_list=[{"file": file, "publish": True}]
        )
        self.assertEqual(response.status_code, 403, response.text)
        self.assertIn(REFUSED, response.json()["message"])
        # even with a wizard that exists (made in the back office)
        wizard = self.env["endpoint.import.wizard"].create({"file": file, "publish": True})
        response = self.json2("endpoint.import.wizard", "action_apply", ids=wizard.ids)
        self.assertEqual(response.status_code, 403, response.text)
        self.assertEqual(Endpoint.search_count([]), before)
        self.assertFalse(Endpoint.search([("route", "=", "/api/rpc_guard/owned")]))
        self.assertEqual(self.url_open("/api/rpc_guard/owned").status_code, 404)

    @mute_logger(*QUIET)
    def test_json2_import_preview_does_not_leak_snippets(self):
        secret_code = "result = {'payload': 'secret-snippet-source'}"
        self.make_endpoint(route="/api/rpc_guard/owned", code_snippet=secret_code, sync=False)
        file = base64.b64encode(ATTACK_YAML.encode()).decode()
        wizard = self.env["endpoint.import.wizard"].create({"file": file})
        for method in ("action_preview", "read", "web_read"):
            with self.subTest(method=method):
                params = {"ids": wizard.ids}
                if method != "action_preview":
                    params["fields" if method == "read" else "specification"] = (
                        ["report"] if method == "read" else {"report": {}}
                    )
                response = self.json2("endpoint.import.wizard", method, **params)
                self.assertEqual(response.status_code, 403, response.text)
                self.assertNotIn("secret-snippet-source", response.text)
        self.assertEqual(wizard.state, "upload")

    @mute_logger(*QUIET)
    def test_json2_apikey_wizard_and_log_refused(self):
        response = self.json2(
            "endpoint.apikey.wizard",
            "create",
            vals_list=[{"user_id": self.admin.id, "scope": "x", "name": "x"}],
        )
        self.assertEqual(response.status_code, 403, response.text)
        response = self.json2("endpoint.log", "search_read", domain=[])
        self.assertEqual(response.status_code, 403, response.text)
        self.assertIn(REFUSED, response.json()["message"])
