# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Bearer, session and public authentication, and CORS, over HTTP."""

from odoo import Command
from odoo.tests import tagged

from ..serving import auth
from .common import EndpointCase
from .test_pipeline import ECHO


@tagged("post_install", "-at_install")
class TestAuth(EndpointCase):
    def test_user_endpoint_needs_session(self):
        self.make_endpoint(
            route="/api/a/session",
            auth_type="user_endpoint",
            exec_as_user_id=False,
            code_snippet=ECHO,
        )
        response = self.request("GET", "/api/a/session")
        self.assertJsonError(response, 401)
        self.assertNotIn("Location", response.headers)
        self.authenticate(self.api_user.login, self.api_user.login)
        response = self.request("GET", "/api/a/session")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["user"], self.api_user.login)

    def test_bearer_ok_and_scheme_case_insensitive(self):
        self.make_endpoint(
            route="/api/a/bearer", auth_type="bearer", exec_as_user_id=False, code_snippet=ECHO
        )
        for scheme in ("Bearer", "bearer", "BEARER"):
            response = self.request(
                "GET", "/api/a/bearer", headers={"Authorization": f"{scheme} {self.api_key}"}
            )
            self.assertEqual(response.status_code, 200, scheme)
            self.assertEqual(response.json()["user"], self.api_user.login)
            self.assertNotIn("Set-Cookie", response.headers)
        # the process cache is keyed by a keyed hash, never by the key
        self.assertTrue(auth._cache)
        self.assertFalse(any(self.api_key in repr(k) for k in auth._cache))

    def test_bearer_refusals(self):
        self.make_endpoint(route="/api/a/refuse", auth_type="bearer", exec_as_user_id=False)
        for header in (None, "Basic abc", "Bearer", "Bearer " + "0" * 40, "Bearer short"):
            headers = {"Authorization": header} if header else {}
            with self.subTest(header=header):
                response = self.request("GET", "/api/a/refuse", headers=headers)
                self.assertJsonError(response, 401)
                self.assertEqual(response.headers["WWW-Authenticate"], "Bearer")

    def _key_for(self, user, **kw):
        return (
            self.env["res.users.apikeys"]
            .with_user(user)
            .sudo()
            ._generate(kw.get("scope"), "test", kw.get("expiration_date"))
        )

    def test_bearer_key_checked_in_the_routing_query(self):
        """Once this process has verified a key, a bearer request checks it
        in the statement that reads the published version: it makes no more
        queries than the same endpoint made public, which does not check a
        key it is sent."""
        snippet = "result = {'payload': {'ok': True}}"
        self.make_endpoint(route="/api/a/q_public", code_snippet=snippet)
        self.make_endpoint(
            route="/api/a/q_bearer",
            auth_type="bearer",
            exec_as_user_id=self.api_user.id,
            code_snippet=snippet,
        )
        counts = {}
        # the public endpoint also with the (verified) key: it is not checked
        for name, key in (("public", None), ("bearer", self.api_key), ("public", self.api_key)):
            path = f"/api/a/q_{name}"
            self.assertEqual(self.request("GET", path, key=key).status_code, 200)  # warm
            before = self.cr.sql_log_count
            self.assertEqual(self.request("GET", path, key=key).status_code, 200)
            counts[name, bool(key)] = self.cr.sql_log_count - before
        self.assertEqual(len(set(counts.values())), 1, counts)

    def test_revocation_expiry_and_archived_user_while_cached(self):
        self.make_endpoint(route="/api/a/revoke", auth_type="bearer", exec_as_user_id=False)
        user = self.api_user.copy({"login": "rest_endpoint_revoke"})
        keys = {name: self._key_for(user) for name in ("revoke", "expire", "archive")}
        for key in keys.values():
            self.assertEqual(self.request("GET", "/api/a/revoke", key=key).status_code, 200)
        # revoke: Odoo deletes the row
        self.env["res.users.apikeys"].sudo().search(
            [("user_id", "=", user.id)], order="id", limit=1
        )._remove()
        self.assertJsonError(self.request("GET", "/api/a/revoke", key=keys["revoke"]), 401)
        # expire
        self.env.cr.execute(
            "UPDATE res_users_apikeys"
            " SET expiration_date = now() at time zone 'utc' - interval '1 minute'"
            " WHERE id = (SELECT id FROM res_users_apikeys WHERE user_id = %s ORDER BY id LIMIT 1)",
            [user.id],
        )
        self.assertJsonError(self.request("GET", "/api/a/revoke", key=keys["expire"]), 401)
        # archive the user
        self.assertEqual(self.request("GET", "/api/a/revoke", key=keys["archive"]).status_code, 200)
        user.active = False
        self.env.flush_all()
        self.assertJsonError(self.request("GET", "/api/a/revoke", key=keys["archive"]), 401)

    def test_scoped_key_refused(self):
        self.make_endpoint(route="/api/a/scope", auth_type="bearer", exec_as_user_id=False)
        key = self._key_for(self.api_user, scope="some.other.scope")
        self.assertJsonError(self.request("GET", "/api/a/scope", key=key), 401)
        key = self._key_for(self.api_user, scope="rpc")
        self.assertEqual(self.request("GET", "/api/a/scope", key=key).status_code, 200)

    def test_allowed_groups(self):
        group = self.env["res.groups"].create({"name": "API callers"})
        self.make_endpoint(
            route="/api/a/groups",
            auth_type="bearer",
            exec_as_user_id=False,
            allowed_group_ids=[Command.set(group.ids)],
        )
        self.assertJsonError(self.request("GET", "/api/a/groups", key=self.api_key), 403)
        self.api_user.group_ids = [Command.link(group.id)]
        self.env.flush_all()
        self.assertEqual(self.request("GET", "/api/a/groups", key=self.api_key).status_code, 200)


@tagged("post_install", "-at_install")
class TestCors(EndpointCase):
    def test_preflight_and_actual(self):
        self.make_endpoint(route="/api/c/x", cors="https://app.example.com, https://b.example.com")
        self.make_endpoint(
            route="/api/c/x", request_method="PUT", request_content_type="application/json"
        )
        origin = {"Origin": "https://app.example.com"}
        response = self.request(
            "OPTIONS", "/api/c/x", headers={**origin, "Access-Control-Request-Method": "PUT"}
        )
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response.headers["Access-Control-Allow-Origin"], "https://app.example.com")
        self.assertEqual(response.headers["Access-Control-Allow-Methods"], "GET, PUT")
        self.assertIn("Authorization", response.headers["Access-Control-Allow-Headers"])
        self.assertIn("Content-Type", response.headers["Access-Control-Allow-Headers"])
        self.assertTrue(response.headers["Access-Control-Max-Age"])
        response = self.request("GET", "/api/c/x", headers=origin)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Access-Control-Allow-Origin"], "https://app.example.com")
        self.assertIn("Origin", response.headers["Vary"])

    def test_forbidden_origin_and_default_deny(self):
        self.make_endpoint(route="/api/c/y", cors="https://app.example.com")
        self.make_endpoint(route="/api/c/z")
        evil = {"Origin": "https://evil.example.com"}
        for path in ("/api/c/y", "/api/c/z"):
            response = self.request("GET", path, headers=evil)
            self.assertEqual(response.status_code, 200)
            self.assertNotIn("Access-Control-Allow-Origin", response.headers)
            response = self.request("OPTIONS", path, headers=evil)
            self.assertNotIn("Access-Control-Allow-Origin", response.headers)

    def test_wildcard(self):
        self.make_endpoint(route="/api/c/star", cors="*")
        response = self.request("GET", "/api/c/star", headers={"Origin": "https://any.example"})
        self.assertEqual(response.headers["Access-Control-Allow-Origin"], "https://any.example")
