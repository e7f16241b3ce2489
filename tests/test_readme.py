# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""What a newcomer meets first: the README's demo commands (printed by
``tools/dev run``) run top to bottom against the demo, the manifest names
its dependencies as PyPI does, and the CLI command logs no warning."""

import importlib.metadata
import os
import subprocess

from odoo.tests import get_db_name, tagged
from odoo.tools import file_path

from .common import EndpointCase
from .test_as_code_cli import odoo_command

ADDON = os.path.dirname(file_path("rest_endpoint/__manifest__.py"))


@tagged("post_install", "-at_install")
class TestReadmeExamples(EndpointCase):
    def test_demo_commands_run_top_to_bottom(self):
        admin = self.env.ref("base.user_admin")
        key = self.env["res.users.apikeys"].with_user(admin).sudo()._generate(None, "readme", None)
        base = self.base_url()
        commands = subprocess.run(
            ["bash", os.path.join(ADDON, "tools", "dev"), "demo-commands", base, key],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
        self.assertIn(f"BASE={base}\n", commands)
        self.assertIn(f"KEY={key}\n", commands)
        with self.allow_requests(all_requests=True):
            # Stop at the first command that fails (an HTTP error included).
            script = 'curl() { command curl --fail-with-body "$@"; }\n' + commands
            proc = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", script],
                capture_output=True,
                text=True,
                check=False,
                timeout=120,
            )
        self.assertEqual(proc.returncode, 0, proc.stdout[-2000:] + proc.stderr[-2000:])
        # the order found admin's contact by its email: nothing before changed it
        partner = self.env.ref("base.partner_admin")
        self.assertIn(f'"customer_id":{partner.id},', proc.stdout)
        self.assertIn('{"status":"received"', proc.stdout)  # the XML notice
        self.assertIn("HTTP/1.1 204", proc.stdout)  # the resource delete

    def test_manifest_names_pypi_distributions(self):
        # Odoo 19 warns about import names ("yaml"); PyPI names have metadata.
        manifest = self.env["ir.module.module"].get_module_info("rest_endpoint")
        for name in manifest["external_dependencies"]["python"]:
            with self.subTest(name=name):
                self.assertTrue(importlib.metadata.version(name))

    def test_cli_command_logs_no_http_interface_warning(self):
        proc = odoo_command("rest_endpoint", "export", db=get_db_name(), no_http=False)
        self.assertIn("format: rest_endpoint.endpoints/1", proc.stdout)
        self.assertNotIn("http-interface", proc.stderr)
        self.assertNotIn("WARNING", proc.stderr)
