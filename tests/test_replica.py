# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A real Odoo server on a throw-away primary and a streaming replica of it
(``tests/replica.py``), started with ``--db_replica_host``: every request
starts on a read-only cursor of the replica.

With replay paused on the replica, what the primary commits is invisible to
the replica's cursors: a read/write endpoint still sees every revocation and
sync at once (its version and key stamp are read from the primary), a
request served from the replica within ``rest_endpoint.replica_max_lag``
seconds, and a model resource list is really served by the replica.

Without the PostgreSQL server binaries the class is skipped, except under
``CI=true``, where that is a failure saying what is missing.
"""

import binascii
import os
import tempfile
import time
import unittest

import requests

from odoo.tests import BaseCase, get_db_name, tagged

from odoo.addons.base.models.res_users import INDEX_SIZE, KEY_CRYPT_CONTEXT

from .replica import ROLE, PrimaryAndReplica, find_bindir, missing_message
from .test_multiprocess import OdooServer

#: The default of rest_endpoint.replica_max_lag (seconds), and some slack for
#: a loaded machine: polls give up after that, they never conclude early.
MAX_LAG = 2
SLACK = 15
CUSTOMERS = "/api/v1/customers"  # the demo resource (bearer, global keys)
CUSTOMER = "/api/mobile/customer/{}"  # a demo code endpoint (bearer, read/write)
SNIPPET = "result = {{'payload': {{'v': {}}}}}"


class ReplicaServer(OdooServer):
    """An Odoo server on the throw-away primary, reading from its replica."""

    def __init__(self, pair, logdir):
        super().__init__(pair.primary["dbname"], logdir)
        self.pair = pair

    def command(self):
        cmd = [arg for arg in super().command() if not arg.startswith("--db_")]
        primary, replica = self.pair.primary, self.pair.replica
        return [
            *cmd,
            f"--db_host={primary['host']}",
            f"--db_port={primary['port']}",
            f"--db_user={ROLE}",
            f"--db_replica_host={replica['host']}",
            f"--db_replica_port={replica['port']}",
        ]


def poll(fetch, done, what, timeout=MAX_LAG + SLACK):
    """Call ``fetch`` until ``done(result)``; return the result, or fail
    saying ``what`` was awaited (never concludes that something did not
    happen)."""
    deadline = time.monotonic() + timeout
    while True:
        result = fetch()
        if done(result):
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: still {result!r} after {timeout}s")
        time.sleep(0.1)


@tagged("post_install", "-at_install")
class TestReplica(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        bindir = find_bindir()
        if bindir is None:
            if os.environ.get("CI") == "true":
                raise RuntimeError(missing_message())
            raise unittest.SkipTest(missing_message())
        cls.pair = PrimaryAndReplica(bindir).start(get_db_name())
        cls.addClassCleanup(cls.pair.stop)
        # the server's log outlives the clusters' folder (kept, like TwoServersCase's)
        logdir = tempfile.mkdtemp(prefix="rest_endpoint_replica_server_")
        cls.server = ReplicaServer(cls.pair, logdir).start()
        cls.addClassCleanup(cls.server.stop)
        cls.server.wait_ready()
        cls.server.login()
        cls.admin_id = cls.primary("SELECT id FROM res_users WHERE login = 'admin'")[0][0]

    def setUp(self):
        super().setUp()
        self.pair.wait_caught_up()
        self.addCleanup(self.pair.resume_replay)

    # -- helpers -------------------------------------------------------------

    @classmethod
    def primary(cls, sql, params=None):
        return cls.pair.query("primary", sql, params)

    def replica(self, sql, params=None):
        return self.pair.query("replica", sql, params)

    def make_key(self, name):
        """A global API key of admin, written on the primary as Odoo does."""
        key = binascii.hexlify(os.urandom(20)).decode()
        self.primary(
            "INSERT INTO res_users_apikeys (name, user_id, key, index) VALUES (%s, %s, %s, %s)",
            [name, self.admin_id, KEY_CRYPT_CONTEXT.hash(key), key[:INDEX_SIZE]],
        )
        return key

    def get(self, path, key=None):
        return self.server.get(path, key).status_code

    def make_endpoint(self, route, **vals):
        """Create and sync an endpoint through the server (the primary)."""
        rid = self.server.call_kw(
            "endpoint.endpoint",
            "create",
            [
                {
                    "name": route,
                    "route": route,
                    "auth_type": "public",
                    "exec_as_user_id": self.admin_id,
                    "code_snippet": "result = {'payload': {'ok': True}}",
                    **vals,
                }
            ],
        )
        self.server.call_kw("endpoint.endpoint", "action_sync_registry", [[rid]])
        return rid

    def sync(self, rid, vals):
        self.server.call_kw("endpoint.endpoint", "write", [[rid], vals])
        self.server.call_kw("endpoint.endpoint", "action_sync_registry", [[rid]])

    # -- tests -----------------------------------------------------------------

    def test_revoked_key_refused_at_once_on_primary_within_bound_on_replica(self):
        key = self.make_key("replica revoked")
        self.pair.wait_caught_up()
        for path in (CUSTOMERS, CUSTOMER.format(self.admin_id)):
            for _i in range(2):  # verified, then trusted under the key stamp
                self.assertEqual(self.get(path, key), 200)
        self.pair.pause_replay()
        self.primary("DELETE FROM res_users_apikeys WHERE name = 'replica revoked'")
        # the replica does not know (replay is paused) ...
        self.assertEqual(
            self.replica("SELECT count(*) FROM res_users_apikeys WHERE name = 'replica revoked'"),
            [(1,)],
        )
        # ... a read/write endpoint refuses the key on the very next request
        self.assertEqual(self.get(CUSTOMER.format(self.admin_id), key), 401)
        # a read served by the replica refuses it within the bound
        poll(lambda: self.get(CUSTOMERS, key), lambda s: s == 401, "revoked key on the replica")
        self.assertEqual(self.get(CUSTOMER.format(self.admin_id), key), 401)

    def test_sync_served_at_once_on_primary_within_bound_on_replica(self):
        rw = self.make_endpoint("/api/replica/rw", code_snippet=SNIPPET.format(1))
        ro = self.make_endpoint("/api/replica/ro", code_snippet=SNIPPET.format(1), readonly=True)
        self.pair.wait_caught_up()
        for path in ("/api/replica/rw", "/api/replica/ro"):
            self.assertEqual(self.server.get(path).json(), {"v": 1})
        self.pair.pause_replay()
        self.sync(rw, {"code_snippet": SNIPPET.format(2)})
        self.make_endpoint("/api/replica/new")
        unseen = (
            "SELECT count(*) FROM endpoint_endpoint"
            " WHERE route = %s OR published_config::text LIKE %s"
        )
        self.assertEqual(self.replica(unseen, ["/api/replica/new", "%'v': 2%"]), [(0,)])
        # served on the primary: a sync at once, a new route too, an archive
        self.assertEqual(self.server.get("/api/replica/rw").json(), {"v": 2})
        self.assertEqual(self.get("/api/replica/new"), 200)
        self.sync(rw, {"active": False})
        self.assertEqual(self.get("/api/replica/rw"), 404)
        # served from the replica: within the bound (no read/write request
        # from here on, which would load the primary's table as a side effect)
        self.sync(ro, {"code_snippet": SNIPPET.format(2)})
        poll(
            lambda: self.server.get("/api/replica/ro").json(),
            lambda body: body == {"v": 2},
            "the synced read-only endpoint",
        )

    def test_resource_list_is_served_by_the_replica(self):
        key = self.make_key("replica list")
        name = "Replica Paused Company"
        path = f"{CUSTOMERS}?name={name.replace(' ', '%20')}"
        self.pair.wait_caught_up()
        self.assertEqual(self.server.get(path, key).json()["meta"]["total"], 0)
        self.pair.pause_replay()
        pid = self.server.call_kw("res.partner", "create", [{"name": name, "is_company": True}])
        # the primary has it (a read/write endpoint runs there) ...
        self.assertEqual(self.get(CUSTOMER.format(pid), key), 200)
        # ... the list, read on the replica, does not, until replay resumes
        self.assertEqual(self.server.get(path, key).json()["meta"]["total"], 0)
        self.pair.resume_replay()
        poll(
            lambda: self.server.get(path, key).json()["meta"]["total"],
            lambda total: total == 1,
            "the company in the list once replay resumed",
        )

    def test_readonly_endpoint_that_writes_is_served_again_on_the_primary(self):
        """The replica refuses the write (a hot standby is read-only): Odoo
        serves the request again on the primary, which writes once; the
        request is logged once, with what the caller got."""
        name = "Written through a read-only endpoint"
        rid = self.make_endpoint(
            "/api/replica/writes",
            readonly=True,
            log_requests="all",
            request_method="POST",
            request_content_type="application/json",
            code_snippet=f"result = {{'payload': {{'id': env['res.partner'].create("
            f"{{'name': {name!r}}}).id}}}}",
        )
        response = requests.post(
            self.server.base + "/api/replica/writes",
            headers={"X-Odoo-Database": self.server.db},
            json={},
            timeout=20,
        )
        self.assertEqual(response.status_code, 200, response.text)
        created = response.json()["id"]
        self.assertEqual(
            self.primary("SELECT id FROM res_partner WHERE name = %s", [name]), [(created,)]
        )
        logged = "SELECT status FROM endpoint_log WHERE endpoint_id = %s"
        rows = poll(lambda: self.primary(logged, [rid]), bool, "the request's log row")
        self.assertEqual(rows, [(200,)])
