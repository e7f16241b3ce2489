# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from unittest.mock import patch

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from ..core.routing.routes import RESERVED_PREFIXES
from ..serving.registry import PublishedTable, get_table
from .common import EndpointCase


@tagged("post_install", "-at_install")
class TestEndpointRules(EndpointCase):
    def test_route_normalized(self):
        endpoint = self.make_endpoint(route="  api/rules/normalized/ ")
        self.assertEqual(endpoint.route, "/api/rules/normalized")
        endpoint.route = "api/rules/other"
        self.assertEqual(endpoint.route, "/api/rules/other")

    def test_reserved_routes_refused(self):
        for route in ["/", *RESERVED_PREFIXES, "/web/x", "/json/2/res.partner", "/odoo/y"]:
            with self.subTest(route=route), self.assertRaisesText(ValidationError, "reserved"):
                self.make_endpoint(route=route)
        # a longer first segment is not "under" a reserved path
        self.make_endpoint(route="/webhooks/in")

    def test_controller_collision_refused(self):
        routing_map = self.env["ir.http"].routing_map()
        taken = next(
            rule.rule
            for rule in routing_map.iter_rules()
            if "<" not in rule.rule
            and rule.rule.count("/") >= 2
            and not any(rule.rule.startswith(p) for p in RESERVED_PREFIXES)
        )
        with self.assertRaisesText(ValidationError, "collides"):
            self.make_endpoint(route=taken)

    def test_malformed_converters_refused(self):
        for route in ["/api/<int:id", "/api/<nope:id>", "/api/<int:1x>", "/api/<a>/<a>"]:
            with self.subTest(route=route), self.assertRaises(ValidationError):
                self.make_endpoint(route=route)

    def test_route_method_unique_among_active(self):
        first = self.make_endpoint(route="/api/rules/unique")
        self.make_endpoint(route="/api/rules/unique", request_method="DELETE")
        with self.assertRaisesText(ValidationError, "already served"):
            self.make_endpoint(route="/api/rules/unique")
        first.active = False
        self.make_endpoint(route="/api/rules/unique")
        with self.assertRaisesText(ValidationError, "already served"):
            first.active = True

    def test_mandatory_fields(self):
        with self.assertRaisesText(ValidationError, "Exec as user"):
            self.make_endpoint(route="/api/rules/pub", exec_as_user_id=False)
        with self.assertRaisesText(ValidationError, "content type"):
            self.make_endpoint(route="/api/rules/post", request_method="POST")
        with self.assertRaisesText(ValidationError, "POST only"):
            self.make_endpoint(route="/api/rules/json", route_type="json")
        with self.assertRaisesText(ValidationError, "superuser"):
            self.make_endpoint(
                route="/api/rules/root", exec_as_user_id=self.env.ref("base.user_root").id
            )

    def test_schema_checked_at_save(self):
        base = {"request_method": "POST", "request_content_type": "application/json"}
        cases = [
            ('{"type": "nope"}', "Invalid request schema"),
            ("type: [object\nproperties: {", "Invalid request schema"),
            ("a: &a [1]\nb: *a", "aliases"),
        ]
        for schema, needle in cases:
            with self.subTest(schema=schema), self.assertRaisesText(ValidationError, needle):
                self.make_endpoint(route="/api/rules/schema", request_content_schema=schema, **base)
        with self.assertRaisesText(ValidationError, "Invalid request schema"):
            self.make_endpoint(
                route="/api/rules/xsd",
                request_method="POST",
                request_content_type="application/xml",
                request_content_schema="<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'>"
                "<xs:element name='a' type='xs:nope'/></xs:schema>",
            )
        with self.assertRaisesText(ValidationError, "Invalid response schema"):
            self.make_endpoint(route="/api/rules/resp", response_schema='{"type": 3}')
        ok = self.make_endpoint(
            route="/api/rules/yaml",
            request_content_schema="type: object\nrequired: [name]\n",
            **base,
        )
        self.assertTrue(ok.registry_sync)

    def test_snippet_checked_at_save(self):
        cases = [
            ("result = {", "Invalid code snippet"),
            ("import os\nresult = {}", "Invalid code snippet"),
            ("result = ().__class__", "Invalid code snippet"),
            ("   ", "needs a code snippet"),
        ]
        for code, needle in cases:
            with self.subTest(code=code), self.assertRaisesText(ValidationError, needle):
                self.make_endpoint(route="/api/rules/code", code_snippet=code)


@tagged("post_install", "-at_install")
class TestRegistrySemantics(EndpointCase):
    def test_never_synced_is_404(self):
        endpoint = self.make_endpoint(route="/api/reg/never", sync=False)
        self.assertFalse(endpoint.registry_sync)
        self.assertJsonError(self.request("GET", "/api/reg/never"), 404)

    def test_sync_publishes_and_edits_wait_for_sync(self):
        endpoint = self.make_endpoint(
            route="/api/reg/life", code_snippet="result = {'payload': {'v': 1}}"
        )
        self.assertTrue(endpoint.registry_sync)
        self.assertEqual(self.request("GET", "/api/reg/life").json(), {"v": 1})

        endpoint.code_snippet = "result = {'payload': {'v': 2}}"
        self.assertFalse(endpoint.registry_sync)
        self.assertEqual(self.request("GET", "/api/reg/life").json(), {"v": 1})

        endpoint.auth_type = "bearer"
        self.assertEqual(self.request("GET", "/api/reg/life").status_code, 200)

        endpoint.action_sync_registry()
        self.assertTrue(endpoint.registry_sync)
        self.assertEqual(self.request("GET", "/api/reg/life").status_code, 401)
        self.assertEqual(self.request("GET", "/api/reg/life", key=self.api_key).json(), {"v": 2})

    def test_new_version_loaded_by_another_thread_meanwhile(self):
        """A request matches the path on the table this process holds, then
        reads the published version. If another thread loaded the new
        version in between, this request finds nothing to load itself, yet
        its match is stale: it must match again (a concurrent PUT once got
        a 404 from an endpoint published before it was sent)."""
        table = get_table(self.env.registry)
        self.assertJsonError(self.request("GET", "/api/reg/between"), 404)  # table loaded
        self.make_endpoint(route="/api/reg/between")  # a new version, not loaded yet
        match, interleaved = PublishedTable.match, []

        def match_then_another_thread_loads(table_, path):
            stale = match(table_, path)
            if path == "/api/reg/between" and not interleaved:
                interleaved.append(stale)
                table_.refresh(self.env)  # the other thread, same snapshot
            return stale

        with patch.object(PublishedTable, "match", match_then_another_thread_loads):
            response = self.request("GET", "/api/reg/between")
        self.assertEqual(interleaved, [None])  # the interleaving did happen
        self.assertEqual(response.status_code, 200, response.text)
        self.assertIsNotNone(table.match("/api/reg/between"))

    def test_name_change_keeps_sync(self):
        endpoint = self.make_endpoint(route="/api/reg/name")
        endpoint.name = "Renamed"
        self.assertTrue(endpoint.registry_sync)

    def test_archive_then_sync_is_404(self):
        endpoint = self.make_endpoint(route="/api/reg/archive")
        endpoint.active = False
        self.assertFalse(endpoint.registry_sync)
        # still served until synced
        self.assertEqual(self.request("GET", "/api/reg/archive").status_code, 200)
        endpoint.action_sync_registry()
        self.assertJsonError(self.request("GET", "/api/reg/archive"), 404)

    def test_delete_is_404(self):
        endpoint = self.make_endpoint(route="/api/reg/delete")
        self.assertEqual(self.request("GET", "/api/reg/delete").status_code, 200)
        endpoint.unlink()
        self.assertJsonError(self.request("GET", "/api/reg/delete"), 404)

    def test_route_change_moves_endpoint(self):
        endpoint = self.make_endpoint(route="/api/reg/old")
        endpoint.write({"route": "/api/reg/new", "registry_sync": True})
        self.assertJsonError(self.request("GET", "/api/reg/old"), 404)
        self.assertEqual(self.request("GET", "/api/reg/new").status_code, 200)

    def test_server_action_syncs_many(self):
        first = self.make_endpoint(route="/api/reg/many1", sync=False)
        second = self.make_endpoint(route="/api/reg/many2", sync=False)
        action = self.env.ref("rest_endpoint.server_action_registry_sync")
        action.with_context(active_model="endpoint.endpoint", active_ids=(first | second).ids).run()
        self.assertTrue(first.registry_sync and second.registry_sync)
        self.assertEqual(first.published_version, second.published_version)
        self.assertEqual(self.request("GET", "/api/reg/many2").status_code, 200)

    def test_a_sync_checks_write_access_and_stamps_the_records(self):
        """A sync alone writes its flag with the snapshot, past the ORM's
        write: write access is still checked, and the records show who
        synced them and when."""
        endpoint = self.make_endpoint(route="/api/reg/stamp", sync=False)
        reader = new_test_user(self.env, login="reg_reader", groups="base.group_user")
        with self.assertRaises(AccessError):
            endpoint.with_user(reader).write({"registry_sync": True})
        self.assertFalse(endpoint.registry_sync)
        manager = new_test_user(self.env, login="reg_manager", groups="base.group_system")
        before = endpoint.write_date
        endpoint.with_user(manager).write({"registry_sync": True})
        self.assertTrue(endpoint.registry_sync)
        self.assertEqual(endpoint.write_uid, manager)
        self.assertGreaterEqual(endpoint.write_date, before)
        self.assertEqual(self.request("GET", "/api/reg/stamp").status_code, 200)

    def test_each_sync_takes_a_new_version(self):
        endpoint = self.make_endpoint(route="/api/reg/version")
        first = endpoint.published_version
        endpoint.action_sync_registry()
        self.assertNotEqual(endpoint.published_version, first)
        self.assertEqual(endpoint.published_config["route"], "/api/reg/version")

    def test_duplicate_gets_unused_route_out_of_sync(self):
        endpoint = self.make_endpoint(route="/api/reg/dup")
        copy = endpoint.copy()
        self.assertNotEqual(copy.route, endpoint.route)
        self.assertFalse(copy.registry_sync)
        self.assertFalse(copy.published_config)
        self.assertNotEqual(endpoint.copy().route, copy.route)

    def test_snapshot_is_what_the_record_says(self):
        """The sync reads the records' settings in one query (no ORM read
        per field): every setting reaches the snapshot, normalized."""
        groups = self.env.ref("base.group_user") | self.env.ref("base.group_system")
        company = self.env.company
        values = {
            "name": "Snapshot",
            "summary": "One line",
            "description": "Longer",
            "route": "/api/reg/snapshot",
            "route_group": "reg",
            "request_method": "POST",
            "auth_type": "bearer",
            "request_content_type": "application/json; charset=utf-8",
            "request_content_schema": '{"type": "object"}',
            "response_schema": '{"type": "object"}',
            "code_snippet": "result = {'payload': 1}",
            "company_id": company.id,
            "csrf": True,
            "cors": " https://a.example ",
            "readonly": True,
            "allowed_group_ids": [(6, 0, groups.ids)],
            "api_key_scope": "mobile",
            "log_requests": "all",
            "log_bodies": True,
            "rate_limit": 5,
            "rate_limit_period": 30,
            "rate_limit_by": "key",
            "idempotency_put_delete": True,
        }
        first = self.make_endpoint(**values)
        second = self.make_endpoint(route="/api/reg/snapshot2", sync=False, summary=False)
        (first | second).action_sync_registry()
        self.assertEqual(
            first.published_config,
            {
                "id": first.id,
                "name": "Snapshot",
                "summary": "One line",
                "description": "Longer",
                "route": "/api/reg/snapshot",
                "route_group": "reg",
                "route_type": "http",
                "method": "POST",
                "auth_type": "bearer",
                "exec_as_user_id": self.api_user.id,
                "content_type": "application/json",
                "schema": '{"type": "object"}',
                "response_schema": '{"type": "object"}',
                "exec_mode": "code",
                "code": "result = {'payload': 1}",
                "company_id": company.id,
                "csrf": True,
                "cors": "https://a.example",
                "readonly": True,
                "group_ids": sorted(groups.ids),
                "api_key_scope": "mobile",
                "log_requests": "all",
                "log_bodies": True,
                "rate_limit": 5,
                "rate_limit_period": 30,
                "rate_limit_by": "key",
                "idempotency_put_delete": True,
            },
        )
        snapshot = second.published_config
        self.assertEqual(
            {
                k: snapshot[k]
                for k in ("summary", "content_type", "company_id", "group_ids", "rate_limit_by")
            },
            {
                "summary": "",
                "content_type": "",
                "company_id": None,
                "group_ids": [],
                "rate_limit_by": "user",
            },
        )
        self.assertEqual(second._published_snapshot(), snapshot)  # one record, alone
