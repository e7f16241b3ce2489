# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Two real Odoo servers on the test database: a sync through one is served
by the other on its next request, with no restart and no module update; and
published routes survive a restart.

This test commits (other processes only see committed data), so it cleans up
what it created.
"""

import copy
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import requests

import odoo
import odoo.release
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import config

ADMIN = ("admin", "admin")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OdooServer:
    """An Odoo server in its own process, on loopback, for this database."""

    def __init__(self, db, logdir, extra_args=(), extra_env=None):
        self.db = db
        self.extra_args = list(extra_args)
        self.extra_env = dict(extra_env or {})
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.logfile = os.path.join(logdir, f"odoo-{self.port}.log")
        self.proc = None
        self.http = requests.Session()

    def command(self):
        cmd = [
            sys.executable,
            "-m",
            "odoo",
            "server",
            f"--database={self.db}",
            f"--db-filter=^{self.db}$",
            f"--addons-path={','.join(config['addons_path'])}",
            "--http-interface=127.0.0.1",
            f"--http-port={self.port}",
            "--workers=0",
            "--max-cron-threads=0",
            f"--logfile={self.logfile}",
            "--log-level=warn",
            *self.extra_args,
        ]
        for option in ("db_host", "db_port", "db_user", "db_password"):
            if config[option]:
                cmd.append(f"--{option}={config[option]}")
        return cmd

    def start(self):
        root = os.path.dirname(os.path.dirname(odoo.release.__file__))
        env = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
            **self.extra_env,
        )
        self.proc = subprocess.Popen(self.command(), env=env, stdin=subprocess.DEVNULL)
        return self

    def wait_ready(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Odoo server exited early; see {self.logfile}")
            try:
                ready = requests.get(f"{self.base}/web/health", timeout=2).status_code == 200
            except requests.ConnectionError:
                ready = False  # not listening yet
            if ready:
                return self
            time.sleep(0.3)
        raise RuntimeError(f"Odoo server not ready in {timeout}s; see {self.logfile}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def get(self, path, key=None):
        headers = {"X-Odoo-Database": self.db}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return requests.get(self.base + path, timeout=20, headers=headers)

    def login(self):
        response = self.http.post(
            f"{self.base}/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {"db": self.db, "login": ADMIN[0], "password": ADMIN[1]},
            },
            timeout=20,
        )
        response.raise_for_status()
        assert response.json().get("result"), response.text

    def admin(self):
        """Another administrator session on this server (one per thread)."""
        other = copy.copy(self)
        other.http = requests.Session()
        other.login()
        return other

    def call_kw(self, model, method, args, kwargs=None):
        """What the back office does when an administrator clicks a button."""
        response = self.http.post(
            f"{self.base}/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
            },
            timeout=20,
        )
        response.raise_for_status()
        body = response.json()
        assert "error" not in body, body
        return body["result"]


SYNC_SNIPPET = "result = {{'payload': {{'sync': {}}}}}"


class TwoServersCase(BaseCase):
    """Two Odoo servers on the test database, started for each test."""

    #: more command-line arguments and environment variables for both servers
    SERVER_ARGS = ()
    SERVER_ENV = {}

    def setUp(self):
        super().setUp()
        self.db = get_db_name()
        self.registry = Registry(self.db)
        self.logdir = tempfile.mkdtemp(prefix="rest_endpoint_servers_")
        self.servers = [
            OdooServer(self.db, self.logdir, self.SERVER_ARGS, self.SERVER_ENV).start()
            for _i in range(2)
        ]
        # Cleanups run last in, first out: the servers stop (and their log
        # writers with them) before the records they count calls of are deleted.
        self.created = []
        self.addCleanup(self._cleanup_records)
        self.addCleanup(self._stop_all)
        for server in self.servers:
            server.wait_ready()

    def _stop_all(self):
        for server in self.servers:
            server.stop()

    def _cleanup_records(self):
        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            env["endpoint.endpoint"].with_context(active_test=False).browse(
                self.created
            ).exists().unlink()

    def _create(self, **vals):
        """Create out of sync, committed: as a shell or a script would."""
        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            record = env["endpoint.endpoint"].create(
                {
                    "name": vals["route"],
                    "auth_type": "public",
                    "exec_as_user_id": env.ref("base.user_admin").id,
                    **vals,
                }
            )
            self.created.append(record.id)
            return record.id


@tagged("post_install", "-at_install")
class TestTwoServers(TwoServersCase):
    def test_sync_on_one_server_is_served_by_the_other(self):
        server_a, server_b = self.servers
        route = "/api/multi/hello"
        # Both processes warm up (load their tables) before the change.
        self.assertEqual(server_b.get(route).status_code, 404)
        self.assertEqual(server_a.get(route).status_code, 404)

        rid = self._create(route=route, code_snippet="result = {'payload': {'v': 1}}")
        self.assertEqual(server_b.get(route).status_code, 404)  # not published yet

        server_a.login()
        server_a.call_kw("endpoint.endpoint", "action_sync_registry", [[rid]])
        response = server_b.get(route)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json(), {"v": 1})

        server_a.call_kw(
            "endpoint.endpoint",
            "write",
            [[rid], {"code_snippet": "result = {'payload': {'v': 2}}"}],
        )
        self.assertEqual(server_b.get(route).json(), {"v": 1})  # edited, not synced
        server_a.call_kw("endpoint.endpoint", "action_sync_registry", [[rid]])
        self.assertEqual(server_b.get(route).json(), {"v": 2})
        self.assertEqual(server_a.get(route).json(), {"v": 2})

        server_a.call_kw("endpoint.endpoint", "write", [[rid], {"active": False}])
        self.assertEqual(server_b.get(route).status_code, 200)  # archived, not synced
        server_a.call_kw("endpoint.endpoint", "action_sync_registry", [[rid]])
        response = server_b.get(route)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.headers["Content-Type"], "application/json; charset=utf-8")

    def test_sync_committed_by_another_process_and_restart(self):
        server_a, server_b = self.servers
        route = "/api/multi/shell"
        self.assertEqual(server_a.get(route).status_code, 404)
        self.assertEqual(server_b.get(route).status_code, 404)
        # a "shell" (this test process) publishes and commits
        self._create(route=route, registry_sync=True, code_snippet="result = {'payload': 'shell'}")
        self.assertEqual(server_a.get(route).text, "shell")
        self.assertEqual(server_b.get(route).text, "shell")
        # restart B: the published route is still served
        server_b.stop()
        self.servers[1] = server_b = OdooServer(self.db, self.logdir).start().wait_ready()
        self.assertEqual(server_b.get(route).text, "shell")

    def test_key_revoked_in_sql_is_refused_by_both_at_once(self):
        """Each server trusts a key it verified while the database's key
        stamp is unchanged: a key deleted, or its user archived, in raw SQL
        (triggers renew the stamp) is refused by both on the next request."""
        route = "/api/multi/keys"
        self._create(
            route=route,
            registry_sync=True,
            auth_type="bearer",
            exec_as_user_id=False,
            code_snippet="result = {'payload': {'ok': True}}",
        )
        with self.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            user = env["res.users"].create({"name": "Two servers keys", "login": "re_two_keys"})
            self.addCleanup(self._delete_user, user.id)
            Keys = env["res.users.apikeys"].with_user(user).sudo()
            keys = [Keys._generate(None, name, None) for name in ("revoked", "archived")]
        for key in keys:
            for server in self.servers:
                for _i in range(2):  # verified, then from the cache
                    self.assertEqual(server.get(route, key).status_code, 200)
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM res_users_apikeys WHERE user_id = %s AND name = 'revoked'", [user.id]
            )
        for server in self.servers:
            self.assertEqual(server.get(route, keys[0]).status_code, 401)
            self.assertEqual(server.get(route, keys[1]).status_code, 200)
        with self.registry.cursor() as cr:
            cr.execute("UPDATE res_users SET active = false WHERE id = %s", [user.id])
        for server in self.servers:
            self.assertEqual(server.get(route, keys[1]).status_code, 401)

    def test_key_changes_and_syncs_at_once(self):
        """A key created (its trigger renews the key stamp) and a sync (a new
        version) write the same state row. Run together on two servers, every
        one commits (Odoo retries a serialization failure), each new key
        opens the endpoint on both servers, and the last sync is served."""
        route = "/api/multi/keys_and_syncs"
        rid = self._create(
            route=route,
            registry_sync=True,
            auth_type="bearer",
            api_key_scope="concurrent",
            code_snippet="result = {'payload': {'ok': True}}",
        )
        self.addCleanup(self._delete_keys, "concurrent key %")
        sessions = [server.admin() for server in self.servers for _i in range(3)]

        def make_key(i):
            admin = sessions[i % len(sessions)]
            admin_id = admin.call_kw("res.users", "search", [[("login", "=", "admin")]])[0]
            wizard = admin.call_kw(
                "endpoint.apikey.wizard",
                "create",
                [{"user_id": admin_id, "scope": "concurrent", "name": f"concurrent key {i}"}],
            )
            admin.call_kw("endpoint.apikey.wizard", "action_generate", [[wizard]])
            return admin.call_kw("endpoint.apikey.wizard", "read", [[wizard], ["key"]])[0]["key"]

        def sync(i):
            admin = sessions[i % len(sessions)]
            snippet = SYNC_SNIPPET.format(i)
            admin.call_kw("endpoint.endpoint", "write", [[rid], {"code_snippet": snippet}])
            admin.call_kw("endpoint.endpoint", "action_sync_registry", [[rid]])

        with ThreadPoolExecutor(6) as pool:
            syncs = [pool.submit(sync, i) for i in range(6)]
            keys = [pool.submit(make_key, i) for i in range(6)]
            keys = [future.result() for future in keys]
            for future in syncs:
                future.result()
        self.assertEqual(len(set(keys)), 6)
        with self.registry.cursor() as cr:
            cr.execute("SELECT code_snippet FROM endpoint_endpoint WHERE id = %s", [rid])
            last = cr.fetchone()[0]
        for server in self.servers:
            for key in keys:
                response = server.get(route, key)
                self.assertEqual(response.status_code, 200, response.text)
                self.assertEqual(SYNC_SNIPPET.format(response.json()["sync"]), last)

    def _delete_keys(self, name_like):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM res_users_apikeys WHERE name LIKE %s", [name_like])

    def _delete_user(self, uid):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM res_users_apikeys WHERE user_id = %s", [uid])
            cr.execute("DELETE FROM res_users WHERE id = %s", [uid])
