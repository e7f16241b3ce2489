# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import HttpCase, TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_module_installed(self):
        module = self.env["ir.module.module"].search([("name", "=", "rest_endpoint")])
        self.assertEqual(module.state, "installed")
        self.assertTrue(module.latest_version.startswith("19.0."))


@tagged("post_install", "-at_install")
class TestPing(HttpCase):
    def test_ping(self):
        response = self.url_open("/rest_endpoint/ping")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/json; charset=utf-8")
        body = response.json()
        self.assertEqual(body["status"], "ok")
        self.assertEqual(body["module"], "rest_endpoint")
        self.assertTrue(body["version"].startswith("19.0."))
        # sessionless: an API probe must not hand out a session cookie
        self.assertNotIn("session_id", response.cookies)

    def test_ping_is_get_only(self):
        response = self.url_open("/rest_endpoint/ping", data=b"x", method="POST")
        self.assertEqual(response.status_code, 405)
