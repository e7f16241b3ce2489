# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""System parameters: a typo in one never breaks a request."""

from odoo.tests import TransactionCase, tagged

from ..serving.params import int_param, param_enabled


@tagged("post_install", "-at_install")
class TestParams(TransactionCase):
    def set(self, value):
        self.env["ir.config_parameter"].sudo().set_param("rest_endpoint.test_param", value)

    def test_int_param(self):
        for value, expected in (("", 7), ("12", 12), (" 12 ", 12), ("-3", -3), ("12 KB", 7)):
            self.set(value)
            self.assertEqual(int_param(self.env, "rest_endpoint.test_param", 7), expected, value)
        self.assertEqual(int_param(self.env, "rest_endpoint.unset_param", 7), 7)

    def test_param_enabled(self):
        for value in ("1", "true", "Yes", " on "):
            self.set(value)
            self.assertTrue(param_enabled(self.env, "rest_endpoint.test_param"), value)
        for value in ("", "0", "False", "no", " OFF "):
            self.set(value)
            self.assertFalse(param_enabled(self.env, "rest_endpoint.test_param"), value)

    def test_readers_share_the_rule(self):
        """The log retention, like the body sizes, falls back to its default."""
        self.env["ir.config_parameter"].sudo().set_param(
            "rest_endpoint.log_retention_days", "thirty"
        )
        self.assertEqual(self.env["endpoint.log"]._retention_days(), 30)
        self.env["ir.config_parameter"].sudo().set_param("rest_endpoint.log_retention_days", "7")
        self.assertEqual(self.env["endpoint.log"]._retention_days(), 7)
