# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``odoo-bin rest_endpoint export|import`` run as real subprocesses against
the test database, and a promotion to a second database, created for the
test by installing the addon (without demo) in a fresh database, which then
serves the same OpenAPI document as the source.

The commands only see committed data: the demo endpoints are committed at
install; what this test adds it commits and removes again.
"""

import json
import os
import subprocess
import sys
import tempfile
import uuid
from contextlib import closing

import odoo
import odoo.release
from odoo import SUPERUSER_ID, api, sql_db
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import SQL, config

from ..controllers.openapi import document_bytes


def odoo_command(*args, db, stdin=None, check=True, no_http=True):
    """``python -m odoo --addons-path=... ARGS`` with this test's database
    options; returns the completed process."""
    root = os.path.dirname(os.path.dirname(odoo.release.__file__))
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
    )
    cmd = [sys.executable, "-m", "odoo", f"--addons-path={','.join(config['addons_path'])}"]
    cmd += [*args, "-d", db, "--log-level=warn"] + (["--no-http"] if no_http else [])
    for option in ("db_host", "db_port", "db_user", "db_password"):
        if config[option]:
            cmd.append(f"--{option}={config[option]}")
    proc = subprocess.run(
        cmd, env=env, input=stdin, capture_output=True, text=True, timeout=300, check=False
    )
    if check and proc.returncode:
        raise AssertionError(f"{cmd} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return proc


def comparable(document_json):
    """The document without what is local to a database by design: its
    name in the title, the registry version, and record ids."""
    document = json.loads(document_json)
    document["info"].pop("title")
    document["info"].pop("version")
    for operations in document["paths"].values():
        for operation in operations.values():
            operation["x-rest-endpoint"].pop("id")
    return document


@tagged("post_install", "-at_install")
class TestEndpointsAsCodeCli(BaseCase):
    def setUp(self):
        super().setUp()
        self.db = get_db_name()
        self.registry = Registry(self.db)
        self.tmp = tempfile.mkdtemp(prefix="rest_endpoint_ascode_")

    def run_in_db(self, db, function):
        with Registry(db).cursor() as cr:
            return function(api.Environment(cr, SUPERUSER_ID, {}))

    def test_cli_export_import_against_the_test_database(self):
        # Export: the committed endpoints, byte for byte what the model gives.
        exported = odoo_command("rest_endpoint", "export", db=self.db).stdout
        expected = self.run_in_db(
            self.db, lambda env: env["endpoint.endpoint"]._as_code_export_search()._as_code_export()
        )
        self.assertEqual(exported, expected)
        self.assertIn("/api/mobile/customer/<int:customer_id>", exported)
        path = os.path.join(self.tmp, "endpoints.yaml")
        extra = (
            "- route: /api/ascode/cli\n  method: GET\n  name: From the CLI\n  auth: bearer\n"
            "  route_group: ascode-cli\n  code: |\n    result = {'payload': {'cli': True}}\n"
        )
        with open(path, "w", encoding="utf-8") as out:
            out.write(exported.replace("endpoints:\n", "endpoints:\n" + extra, 1))
        self.addCleanup(self._remove_cli_endpoint)

        dry = odoo_command("rest_endpoint", "import", path, "--dry-run", db=self.db).stdout
        self.assertIn("Dry run, nothing changed", dry)
        self.assertIn("+ create  GET /api/ascode/cli", dry)
        self.assertIn("1 to create, 0 to change", dry)
        self.assertEqual(self._cli_endpoint(), [])

        applied = odoo_command("rest_endpoint", "import", path, "--publish", db=self.db).stdout
        self.assertIn("Published 1 endpoint(s).", applied)
        self.assertEqual(self._cli_endpoint(), [("From the CLI", True)])
        again = odoo_command("rest_endpoint", "import", path, db=self.db).stdout
        self.assertIn("0 to create, 0 to change, 0 to archive", again)

        # An invalid file: refused, with its line, exit status 1.
        with open(path, "a", encoding="utf-8") as out:
            out.write("- route: /api/ascode/cli2\n  method: GET\n")
        refused = odoo_command("rest_endpoint", "import", path, db=self.db, check=False)
        self.assertEqual(refused.returncode, 1, refused.stderr)
        self.assertRegex(refused.stderr, r"line \d+: endpoints\[\d+\]: 'name' is a required")

    def _cli_endpoint(self):
        return self.run_in_db(
            self.db,
            lambda env: [
                (r.name, r.registry_sync)
                for r in env["endpoint.endpoint"].search([("route", "=", "/api/ascode/cli")])
            ],
        )

    def _remove_cli_endpoint(self):
        self.run_in_db(
            self.db,
            lambda env: env["endpoint.endpoint"]
            .with_context(active_test=False)
            .search([("route", "=like", "/api/ascode/cli%")])
            .unlink(),
        )

    def test_promotion_to_a_second_database_serves_the_same_document(self):
        target = f"{self.db}_ascode_{uuid.uuid4().hex[:8]}"
        self.addCleanup(self._drop, target)
        odoo_command("-i", "rest_endpoint", "--stop-after-init", db=target)
        exported = odoo_command("rest_endpoint", "export", db=self.db).stdout
        path = os.path.join(self.tmp, "promote.yaml")
        with open(path, "w", encoding="utf-8") as out:
            out.write(exported)
        self.assertEqual(
            self.run_in_db(target, lambda env: env["endpoint.endpoint"].search_count([])), 0
        )
        report = odoo_command("rest_endpoint", "import", path, "--publish", db=target).stdout
        self.assertIn("0 to change, 0 to archive, 0 unchanged", report)
        # What the target serves at /rest_endpoint/openapi.json (the same
        # function and the same process-local table of published endpoints).
        source_doc = self.run_in_db(self.db, lambda env: document_bytes(env, None))
        target_doc = self.run_in_db(target, lambda env: document_bytes(env, None))
        self.assertEqual(comparable(target_doc), comparable(source_doc))
        self.assertTrue(json.loads(source_doc)["paths"])
        # And the target exports the very same file.
        self.assertEqual(odoo_command("rest_endpoint", "export", db=target).stdout, exported)

    def _drop(self, name):
        Registry.delete(name)
        sql_db.close_db(name)
        with closing(sql_db.db_connect("postgres").cursor()) as cr:
            cr._cnx.autocommit = True  # DROP DATABASE cannot run in a transaction
            cr.execute(SQL("DROP DATABASE IF EXISTS %s WITH (FORCE)", SQL.identifier(name)))
