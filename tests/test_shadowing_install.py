# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""README: a module installed later is checked. A real module
(tests/addons/rest_endpoint_test_later_route) is installed, by Odoo's own
command line, into a database where an endpoint it overlaps is published:
the install unpublishes that endpoint (and says so), keeps the others, and a
server then answers the path with the module's controller.

It needs a database of its own (installing a module reloads the registry of
every process of the database): a throw-away one, made and dropped here."""

import json
import os
import subprocess
import sys
import tempfile
from contextlib import closing

import odoo
import odoo.release
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import SQL, config

from .test_multiprocess import OdooServer

MODULE = "rest_endpoint_test_later_route"
TEST_ADDONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "addons")
CREATE_ENDPOINTS = """
admin = env.ref("base.user_admin")
for route in ("/api/later/kept", "/api/later/taken/<int:i>"):
    env["endpoint.endpoint"].create({
        "name": route, "route": route, "auth_type": "public", "exec_as_user_id": admin.id,
        "code_snippet": "result = {'payload': {'ok': True}}", "registry_sync": True,
    })
env.cr.commit()
"""


@tagged("post_install", "-at_install")
class TestModuleInstalledLater(BaseCase):
    def setUp(self):
        super().setUp()
        self.db = f"{get_db_name()}_later"[:63]
        self.addons_path = ",".join([*config["addons_path"], TEST_ADDONS])
        self.logdir = tempfile.mkdtemp(prefix="rest_endpoint_later_")
        self._drop()
        self.addCleanup(self._drop)

    def _drop(self):
        """Drop the throw-away database (``exp_drop`` would not: it lists
        only the databases given with ``--database``)."""
        odoo.sql_db.close_db(self.db)
        with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
            cr._cnx.autocommit = True
            cr.execute(SQL("DROP DATABASE IF EXISTS %s WITH (FORCE)", SQL.identifier(self.db)))
            cr.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [self.db])
            self.assertEqual(cr.fetchone()[0], 0)

    def odoo(self, *args, stdin=None):
        """Run Odoo's command line on the throw-away database."""
        root = os.path.dirname(os.path.dirname(odoo.release.__file__))
        env = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
        )
        cmd = [sys.executable, "-m", "odoo", *args, f"--database={self.db}"]
        cmd += [f"--addons-path={self.addons_path}", "--no-http", "--log-level=warn"]
        for option in ("db_host", "db_port", "db_user", "db_password"):
            if config[option]:
                cmd.append(f"--{option}={config[option]}")
        run = subprocess.run(
            cmd, env=env, input=stdin, capture_output=True, text=True, timeout=1200, check=False
        )
        self.assertEqual(run.returncode, 0, (run.stdout + run.stderr)[-5000:])
        return run.stdout + run.stderr

    def published(self):
        """{route: (published, registry_sync)} of the endpoints."""
        with odoo.sql_db.db_connect(self.db).cursor() as cr:
            cr.execute(
                "SELECT route, published_config IS NOT NULL, registry_sync FROM endpoint_endpoint"
            )
            return {route: (published, sync) for route, published, sync in cr.fetchall()}

    def test_installing_a_module_with_an_overlapping_route_unpublishes_the_endpoint(self):
        self.odoo("server", "--init=rest_endpoint", "--stop-after-init")
        self.odoo("shell", stdin=CREATE_ENDPOINTS)
        before = self.published()
        self.assertEqual(before["/api/later/taken/<int:i>"], (True, True), before)

        output = self.odoo("server", f"--init={MODULE}", "--stop-after-init")
        after = self.published()
        odoo.sql_db.close_db(self.db)
        self.assertEqual(after["/api/later/taken/<int:i>"], (False, False), after)
        self.assertEqual(after["/api/later/kept"], (True, True), after)
        warnings = [line for line in output.splitlines() if "unpublished" in line]
        self.assertEqual(len(warnings), 1, output[-5000:])
        self.assertIn("/api/later/taken/<int:i>", warnings[0])
        self.assertIn("/api/later/<string:page>/<string:sub>", warnings[0])

        # A server of the database: the module's route answers its paths,
        # the endpoint it did not overlap is still served.
        server = OdooServer(self.db, self.logdir, [f"--addons-path={self.addons_path}"]).start()
        self.addCleanup(server.stop)
        server.wait_ready()
        taken = server.get("/api/later/taken/1")
        self.assertEqual(taken.status_code, 200, taken.text)
        self.assertEqual(json.loads(taken.text), {"served_by": MODULE})
        kept = server.get("/api/later/kept")
        self.assertEqual(kept.status_code, 200, kept.text)
        self.assertEqual(kept.json(), {"ok": True})
