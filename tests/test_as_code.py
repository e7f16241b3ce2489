# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Endpoints as code: YAML export and import round trips, dry runs, refused
files, the import wizard, the export download and the Postman collection."""

import base64
import itertools
import json
from pathlib import Path

from jsonschema import Draft7Validator

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..core.as_code import yaml_format as core_yaml
from ..models.endpoint_endpoint import SERVING_FIELDS
from ..models.exec_resource import RESOURCE_FIELDS
from .common import EndpointCase

POSTMAN_SCHEMA = Path(__file__).parent / "data" / "postman_collection_v2.1.0.schema.json"
COMPARED_FIELDS = [
    "name",
    "summary",
    "description",
    "route_group",
    *SERVING_FIELDS,
    *RESOURCE_FIELDS,
    "idempotency_put_delete",
]
SCHEMAS = {
    "application/json": "type: object\nproperties:\n  name: {type: string}\n",
    "application/json; charset=utf-8": '{"type": "object"}',
    "application/xml": '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">\n'
    '  <xs:element name="notice" type="xs:string"/>\n</xs:schema>\n',
    "text/csv": "type: object\nrequired: [sku]\n",
    "application/x-www-form-urlencoded": "type: object\n",
    "text/plain": "",
}
BODY_TYPES = list(SCHEMAS)


@tagged("post_install", "-at_install")
class TestEndpointsAsCode(EndpointCase):
    def setUp(self):
        super().setUp()
        self.all = self.Endpoint.with_context(active_test=False)

    def generate(self):
        """Endpoints covering every auth, method, route type, content type and
        flag, with users, groups and companies, some archived."""
        company = self.env.ref("base.main_company")
        records = self.Endpoint
        combos = itertools.product(("public", "user_endpoint", "bearer"), core_yaml.METHOD_ORDER)
        for i, (auth, method) in enumerate(combos):
            body = method in ("POST", "PUT", "PATCH", "DELETE")
            content_type = BODY_TYPES[i % len(BODY_TYPES)] if body else False
            vals = {
                "name": f"Generated {i}: {auth} {method}",
                "summary": f"Generated {i}" if i % 2 else False,
                "description": "Line one\nline two: 'quoted' #hash\n" if i % 3 == 0 else False,
                "route": f"/api/ascode/gen{i}" + ("/<int:item_id>" if i % 2 else ""),
                "route_group": ("", "gen", "gen-b")[i % 3] or False,
                "route_type": "json" if method == "POST" and i % 2 else "http",
                "request_method": method,
                "auth_type": auth,
                "exec_as_user_id": self.api_user.id if auth == "public" or i % 4 == 0 else False,
                "company_id": company.id if i % 3 == 1 else False,
                "request_content_type": content_type,
                "request_content_schema": SCHEMAS.get(content_type) or False,
                "response_schema": "type: object\n" if i % 5 == 0 else False,
                "code_snippet": f"# generated {i}\nresult = {{'payload': {{'i': {i}}}}}\n",
                "cors": ("", "*", "https://app.example.com, https://b.example.com")[i % 3] or False,
                "csrf": auth == "user_endpoint" and i % 2 == 0,
                "readonly": method == "GET" and i % 2 == 1,
                "api_key_scope": "mobile" if auth == "bearer" and i % 2 else False,
                "rate_limit": (0, 10, 500)[i % 3],
                "rate_limit_period": (60, 1, 3600)[i % 3],
                "log_requests": ("errors", "all", "none")[i % 3],
                "log_bodies": i % 5 == 2,
                "idempotency_put_delete": i % 3 == 2,
                "allowed_group_ids": [(6, 0, [self.env.ref("base.group_user").id])]
                if auth != "public" and i % 2
                else [],
                "registry_sync": i % 4 == 1,
            }
            records |= self.Endpoint.create(vals)
        records.filtered(lambda r: r.id % 7 == 3).write({"active": False})
        return records

    def snapshot(self):
        records = self.all.search([])
        return {
            (rec.route, rec.request_method): {
                key: value for key, value in rec.read(COMPARED_FIELDS)[0].items() if key != "id"
            }
            for rec in records
        }

    def export_all(self):
        return self.Endpoint._as_code_export_search(include_archived=True)._as_code_export()

    def test_round_trip_demo_and_generated(self):
        self.generate()
        self.assertGreaterEqual(self.all.search_count([("route", "=like", "/api/mobile/%")]), 5)
        before = self.snapshot()
        text = self.export_all()
        self.assertEqual(self.export_all(), text, "two exports give identical bytes")
        self.all.search([]).unlink()
        result, report = self.Endpoint._as_code_import(text)
        self.assertEqual(len(result.create), len(before), report)
        self.assertEqual(self.snapshot(), before, "identical records after the import")
        self.assertEqual(self.export_all(), text, "identical bytes on a second export")
        again, report = self.Endpoint._as_code_import(text)
        self.assertTrue(again.empty, report)
        self.assertEqual(len(again.unchanged), len(before))

    def test_resource_settings_round_trip(self):
        ids = self.env["ir.model.fields"]._get_ids("res.partner")
        self.make_endpoint(
            name="Companies as code",
            route="/api/ascode/companies",
            exec_mode="resource",
            code_snippet=False,
            resource_model_id=self.env["ir.model"]._get_id("res.partner"),
            resource_field_ids=[(6, 0, [ids["name"], ids["child_ids"], ids["parent_id"]])],
            resource_writable_field_ids=[(6, 0, [ids["name"]])],
            resource_create=True,
            resource_expand="child_ids(name, email), parent_id(name)",
            resource_max_batch=7,
            idempotency_put_delete=True,
        )
        text = self.export_all()
        self.assertIn("expand: child_ids(name, email), parent_id(name)", text)
        self.assertIn("max_batch: 7", text)
        self.all.search([]).unlink()
        self.Endpoint._as_code_import(text)
        record = self.all.search([("route", "=", "/api/ascode/companies")])
        self.assertEqual(record.resource_expand, "child_ids(name, email), parent_id(name)")
        self.assertEqual(record.resource_max_batch, 7)
        self.assertTrue(record.idempotency_put_delete)
        self.assertEqual(self.export_all(), text)

    def test_dry_run_changes_nothing(self):
        self.generate()
        text = self.export_all()
        edited = text.replace("# generated 3\n", "# generated three\n").replace(
            "name: 'Generated 3: public PATCH'", "name: Renamed"
        )
        edited = edited.replace(
            "endpoints:\n",
            "endpoints:\n- route: /api/ascode/new\n  method: GET\n  name: New\n  auth: bearer\n"
            "  code: result = {}\n",
            1,
        )
        self.assertNotEqual(edited, text)
        before, states = self.snapshot(), self.all.search([]).read(["registry_sync"])
        result, report = self.Endpoint._as_code_import(edited, dry_run=True, prune=True)
        self.assertEqual([d["route"] for d in result.create], ["/api/ascode/new"])
        self.assertIn("~ change  PATCH /api/ascode/gen3/<int:item_id>: name, code", report)
        self.assertIn("name: 'Generated 3: public PATCH' -> 'Renamed'", report)
        self.assertIn("-# generated 3", report)
        self.assertIn("+# generated three", report)
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(self.all.search([]).read(["registry_sync"]), states)
        # The real import applies what the dry run announced, and nothing else.
        applied, _report = self.Endpoint._as_code_import(edited)
        self.assertEqual(applied.counts(), result.counts())
        renamed = self.all.search([("route", "=", "/api/ascode/gen3/<int:item_id>")])
        self.assertEqual(renamed.name, "Renamed")
        self.assertEqual(self.all.search_count([("route", "=", "/api/ascode/new")]), 1)
        self.assertTrue(self.Endpoint._as_code_import(edited)[0].empty)

    def test_changes_wait_for_publish(self):
        endpoint = self.make_endpoint(
            route="/api/ascode/pub", summary="Old", code_snippet="x = 1\nresult = {}\n"
        )
        text = endpoint._as_code_export().replace("x = 1\n", "x = 2\n")
        self.Endpoint._as_code_import(text)
        self.assertEqual(endpoint.code_snippet, "x = 2\nresult = {}\n")
        self.assertFalse(endpoint.registry_sync, "changed endpoints wait for a sync")
        self.assertEqual(endpoint.published_config["code"], "x = 1\nresult = {}\n")
        # A change of a field outside SERVING_FIELDS (the summary is in the
        # published snapshot's OpenAPI part) waits too.
        endpoint.action_sync_registry()
        text = endpoint._as_code_export().replace("summary: Old", "summary: New")
        _result, report = self.Endpoint._as_code_import(text)
        self.assertIn("summary: 'Old' -> 'New'", report)
        self.assertFalse(endpoint.registry_sync)
        _result, report = self.Endpoint._as_code_import(text, publish=True)
        self.assertIn("Published 1 endpoint(s).", report)
        self.assertTrue(endpoint.registry_sync)
        self.assertEqual(endpoint.published_config["summary"], "New")
        _result, report = self.Endpoint._as_code_import(text, publish=True)
        self.assertNotIn("Published", report)

    def test_invalid_file_is_refused_whole_with_lines(self):
        count = self.all.search_count([])
        text = (
            f"format: {core_yaml.FORMAT}\n"
            "endpoints:\n"
            "- route: /api/ascode/fine\n"
            "  method: GET\n"
            "  name: Fine\n"
            "- route: /api/ascode/bad\n"
            "  method: FETCH\n"  # line 7
            "  name: Bad\n"
            "  readonly: 3\n"  # line 9
        )
        with self.assertRaisesText(UserError, r"line 7: endpoints\[1\]\.method"):
            self.Endpoint._as_code_import(text)
        with self.assertRaisesText(UserError, r"line 9: endpoints\[1\]\.readonly"):
            self.Endpoint._as_code_import(text)
        # Files valid in form but refused by the database: every problem at once.
        text = (
            f"format: {core_yaml.FORMAT}\n"
            "endpoints:\n"
            "- {route: /api/ascode/fine, method: GET, name: Fine, code: x = 1}\n"
            "- {route: /web/ascode, method: GET, name: Reserved, code: x = 1}\n"  # 4
            "- {route: /api/ascode/u, method: GET, name: U, auth: public, exec_as: nobody}\n"
            "- {route: /api/ascode/g, method: GET, name: G, groups: [base.no_such_group]}\n"
            "- {route: /api/ascode/p, method: POST, name: P, code: x = 1}\n"  # 7
        )
        with self.assertRaises(UserError) as caught:
            self.Endpoint._as_code_import(text)
        message = str(caught.exception)
        self.assertIn("(4 problems)", message)
        self.assertIn("line 4: GET /web/ascode: Route /web/ascode is reserved", message)
        self.assertIn("line 5: GET /api/ascode/u: no user with login 'nobody'", message)
        self.assertIn("line 6: GET /api/ascode/g: no group 'base.no_such_group'", message)
        self.assertIn("line 7: POST /api/ascode/p: POST endpoints need a request content", message)
        self.assertEqual(self.all.search_count([]), count, "nothing applied")
        self.assertFalse(self.env["res.users"].search([("login", "=", "nobody")]))

    def test_prune_archives_only_in_the_file_groups(self):
        keep = self.make_endpoint(route="/api/ascode/a", route_group="ascode")
        gone = self.make_endpoint(route="/api/ascode/b", route_group="ascode")
        other = self.make_endpoint(route="/api/ascode/c", route_group="elsewhere")
        text = keep._as_code_export()
        self.assertTrue(self.Endpoint._as_code_import(text)[0].empty, "no prune by default")
        result, report = self.Endpoint._as_code_import(text, prune=True, publish=True)
        self.assertIn("- archive GET /api/ascode/b", report)
        self.assertFalse(gone.active)
        self.assertFalse(gone.published_config, "published archive = unpublished")
        self.assertTrue(other.active and keep.active)
        self.assertTrue(self.Endpoint._as_code_import(text, prune=True)[0].empty)
        self.assertEqual(len(result.archive), 1)

    def test_export_refuses_groups_without_xml_id(self):
        group = self.env["res.groups"].create({"name": "Ascode no xmlid"})
        endpoint = self.make_endpoint(
            route="/api/ascode/g", auth_type="bearer", exec_as_user_id=False
        )
        endpoint.allowed_group_ids = group
        with self.assertRaisesText(UserError, "has no XML id"):
            endpoint._as_code_export()

    def test_wizard_previews_then_applies(self):
        endpoint = self.make_endpoint(route="/api/ascode/w", summary="Before")
        text = endpoint._as_code_export().replace("summary: Before", "summary: After")
        wizard = self.env["endpoint.import.wizard"].create(
            {"file": base64.b64encode(text.encode()), "filename": "e.yaml", "publish": True}
        )
        wizard.action_preview()
        self.assertEqual(wizard.state, "preview")
        self.assertIn("summary: 'Before' -> 'After'", wizard.report)
        self.assertEqual(endpoint.summary, "Before")
        wizard.action_apply()
        self.assertEqual((wizard.state, endpoint.summary), ("done", "After"))
        self.assertTrue(endpoint.registry_sync)

    def test_wizard_refuses_alias_bombs_and_huge_files(self):
        """The issue's 443-byte file (5 levels of 10 aliases) made a 5.7 MB
        error; 8 levels would exhaust a worker. The wizard and the CLI both
        go through _as_code_import."""
        lines = ['format: "rest_endpoint.endpoints/1"', 'l0: &l0 ["xxxxxxxxxxxxxxxxxxxxxxx"]']
        lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 9)]
        bomb = "\n".join([*lines, "endpoints: *l8"]) + "\n"
        wizard = self.env["endpoint.import.wizard"].create(
            {"file": base64.b64encode(bomb.encode()), "filename": "bomb.yaml"}
        )
        with self.assertRaisesText(UserError, "YAML aliases are not allowed"):
            wizard.action_preview()
        with self.assertRaises(UserError) as caught:
            self.Endpoint._as_code_import(bomb, dry_run=True)
        self.assertLess(len(str(caught.exception)), 300)
        huge = 'format: "rest_endpoint.endpoints/1"\nendpoints: []\n' + "#" * (3 << 20)
        with self.assertRaisesText(UserError, "the file is too large"):
            self.Endpoint._as_code_import(huge, dry_run=True)

    def test_export_download_and_action(self):
        endpoints = self.make_endpoint(route="/api/ascode/d1") | self.make_endpoint(
            route="/api/ascode/d2", route_group="ascode"
        )
        action = endpoints.action_export_as_code()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.authenticate("admin", "admin")
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.text, endpoints._as_code_export())
        self.assertIn("attachment", response.headers["Content-Disposition"])
        by_group = self.url_open("/rest_endpoint/export.yaml?route_group=ascode")
        self.assertIn("/api/ascode/d2", by_group.text)
        self.assertNotIn("/api/ascode/d1", by_group.text)
        self.authenticate(self.api_user.login, self.api_user.login)
        self.assertJsonError(self.url_open(action["url"]), 403)

    def test_postman_collection_download(self):
        self.assertJsonError(self.request("GET", "/rest_endpoint/postman.json"), 401)
        response = self.request("GET", "/rest_endpoint/postman.json", key=self.api_key)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertIn("postman_collection.json", response.headers["Content-Disposition"])
        collection = response.json()
        validator = Draft7Validator(json.loads(POSTMAN_SCHEMA.read_text()))
        errors = [e.message for e in validator.iter_errors(collection)]
        self.assertEqual(errors, [])
        mobile = next(item for item in collection["item"] if item["name"] == "mobile")
        names = {item["request"]["method"] for item in mobile["item"]}
        self.assertEqual(names, {"GET", "PUT", "DELETE", "POST"})
        variables = {v["key"]: v["value"] for v in collection["variable"]}
        self.assertEqual(variables["baseUrl"], self.base_url().rstrip("/"))
        self.assertIn("bearerKey", variables)
