# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import HttpCase, TransactionCase, tagged

from .. import uninstall_hook
from ..serving import key_stamp, resource_sync


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_module_installed(self):
        module = self.env["ir.module.module"].search([("name", "=", "rest_endpoint")])
        self.assertEqual(module.state, "installed")
        self.assertTrue(module.latest_version.startswith("19.0."))


@tagged("post_install", "-at_install")
class TestKeyStampTriggers(TransactionCase):
    def triggers(self):
        self.env.cr.execute(
            "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'rest_endpoint%%' ORDER BY tgname"
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def change_table(self):
        self.env.cr.execute("SELECT to_regclass(%s)", [resource_sync.CHANGES])
        return self.env.cr.fetchone()[0]

    def test_uninstall_hook_drops_them_and_update_restores_them(self):
        names = sorted(
            name for name, _table, _when in key_stamp.TRIGGERS + key_stamp.OAUTH_TRIGGERS
        )
        # the demo's published resources record their changes (offline sync)
        sync = [name for name in self.triggers() if name == resource_sync.TRIGGER]
        self.assertTrue(sync)
        self.assertEqual(self.triggers(), sorted(names + sync))
        self.assertTrue(self.change_table())
        uninstall_hook(self.env)
        self.assertEqual(self.triggers(), [])
        self.assertIsNone(self.change_table())
        for function in (key_stamp.FUNCTION, resource_sync.FUNCTION):
            self.env.cr.execute("SELECT 1 FROM pg_proc WHERE proname = %s", [function])
            self.assertFalse(self.env.cr.fetchall())
        # the keys work without them (a key change just renews nothing)
        self.env["res.users.apikeys"].with_user(self.env.ref("base.user_admin")).sudo()._generate(
            None, "after uninstall", None
        )
        self.env["endpoint.endpoint"].init()  # what a module update runs
        self.assertEqual(self.triggers(), names)  # sync triggers: at the next sync
        self.assertTrue(self.change_table())


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
