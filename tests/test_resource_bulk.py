# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Model resources over HTTP: bulk creates (a JSON array body, all or
nothing, each invalid item named by its index, ``resource_max_batch``) and
``Prefer`` (``return=minimal`` on create and update, ``count=none`` on
lists)."""

import json

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import EndpointCase

QUIET = ("odoo.http", "odoo.addons.rest_endpoint.serving.dispatcher")
ROUTE = "/api/test/rzb"


@tagged("post_install", "-at_install")
class TestResourceBulk(EndpointCase):
    def make_resource(self, **vals):
        ids = self.env["ir.model.fields"]._get_ids("res.partner")
        values = {
            "name": "RZB",
            "route": ROUTE,
            "auth_type": "bearer",
            "exec_mode": "resource",
            "exec_as_user_id": False,
            "code_snippet": False,
            "resource_model_id": self.env["ir.model"]._get_id("res.partner"),
            "resource_field_ids": [Command.set([ids["name"], ids["email"], ids["color"]])],
            "resource_writable_field_ids": [Command.set([ids["name"], ids["email"], ids["color"]])],
            "resource_domain": "[('is_company', '=', True), ('name', '=like', 'RZB%')]",
            "resource_create": True,
            "resource_update": True,
            "resource_page_size": 2,
            "resource_max_batch": 3,
        }
        values.update(vals)
        return self.make_endpoint(**values)

    def call(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if body is not None:
            headers["Content-Type"] = "application/json"
        data = None if body is None else json.dumps(body)
        return self.request(method, path, key=self.api_key, headers=headers, data=data)

    def created(self):
        return self.env["res.partner"].search([("name", "=like", "RZB%")], order="id")

    def test_bulk_create(self):
        self.make_resource()
        body = [{"name": "RZB 1", "email": "1@example.com"}, {"name": "RZB 2", "color": 4}]
        response = self.call("POST", ROUTE, body)
        self.assertEqual(response.status_code, 201, response.text)
        data = response.json()["data"]
        records = self.created()
        self.assertEqual([row["id"] for row in data], records.ids)
        self.assertEqual([row["name"] for row in data], ["RZB 1", "RZB 2"])
        self.assertEqual(data[1]["color"], 4)
        self.assertTrue(all(records.mapped("is_company")))  # the domain's defaults

    @mute_logger(*QUIET)
    def test_bulk_create_is_all_or_nothing(self):
        self.make_resource()
        body = [
            {"name": "RZB ok"},
            {"name": "RZB bad", "color": "red", "nope": 1},
            {"name": "RZB ok too"},
            "not an object",
            {"email": 5},
        ]
        error = self.assertJsonError(self.call("POST", ROUTE, body[:3]), 400)
        self.assertEqual(
            [(e["path"], e["validator"]) for e in error["errors"]],
            [("/1/color", "type"), ("/1/nope", "writable")],
        )
        error = self.assertJsonError(self.call("POST", ROUTE, [*body[3:], {"name": "RZB x"}]), 400)
        self.assertEqual([e["path"][:2] for e in error["errors"]], ["/0", "/1"])
        self.assertFalse(self.created())
        # a record leaving the domain, found after create(): every record undone
        outside = [{"name": "RZB in"}, {"name": "Not RZB"}]
        error = self.assertJsonError(self.call("POST", ROUTE, outside), 400)
        self.assertEqual(error["errors"][0]["path"], "/1")
        self.assertFalse(self.env["res.partner"].search([("name", "in", ["RZB in", "Not RZB"])]))
        # too many, none
        error = self.assertJsonError(self.call("POST", ROUTE, [{"name": "RZB"}] * 4), 400)
        self.assertIn("at most 3 records", error["message"])
        self.assertIn("empty", self.assertJsonError(self.call("POST", ROUTE, []), 400)["message"])
        self.assertFalse(self.created())

    def test_max_batch_is_checked(self):
        with self.assertRaisesText(ValidationError, "from 1 to 1000"):
            self.make_resource(resource_max_batch=1001)

    def test_prefer_return_minimal(self):
        self.make_resource()
        prefer = {"Prefer": "return=minimal"}
        response = self.call("POST", ROUTE, {"name": "RZB min"}, headers=prefer)
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(response.content, b"")
        self.assertNotIn("Content-Type", response.headers)
        self.assertEqual(response.headers["Preference-Applied"], "return=minimal")
        record = self.created()
        self.assertEqual(response.headers["Location"], f"{ROUTE}/{record.id}")
        read = self.call("GET", response.headers["Location"])
        self.assertEqual(response.headers["ETag"], read.headers["ETag"])
        update = self.call("PATCH", f"{ROUTE}/{record.id}", {"color": 2}, headers=prefer)
        self.assertEqual(update.status_code, 204, update.text)
        self.assertEqual(update.content, b"")
        self.assertEqual(
            update.headers["ETag"], self.call("GET", f"{ROUTE}/{record.id}").headers["ETag"]
        )
        self.assertEqual(record.color, 2)
        bulk = self.call("POST", ROUTE, [{"name": "RZB b1"}, {"name": "RZB b2"}], headers=prefer)
        self.assertEqual((bulk.status_code, bulk.content), (201, b""))
        self.assertEqual(len(self.created()), 3)
        # without the preference: the representation
        full = self.call("PATCH", f"{ROUTE}/{record.id}", {"color": 3})
        self.assertEqual(full.json()["data"]["color"], 3)
        self.assertNotIn("Preference-Applied", full.headers)

    def test_prefer_count_none(self):
        self.make_resource()
        self.env["res.partner"].create([{"name": f"RZB {i}", "is_company": True} for i in range(5)])
        none = {"Prefer": "count=none"}
        pages = []
        for offset in (0, 2, 4):
            response = self.call("GET", f"{ROUTE}?order=name&offset={offset}", headers=none)
            self.assertEqual(response.status_code, 200, response.text)
            body = response.json()
            self.assertEqual(body["meta"], {"limit": 2, "offset": offset})
            self.assertEqual(response.headers["Preference-Applied"], "count=none")
            counted = self.call("GET", f"{ROUTE}?order=name&offset={offset}")
            self.assertEqual(counted.json()["meta"]["total"], 5)
            # the same links as with the count
            self.assertEqual(response.headers.get("Link"), counted.headers.get("Link"))
            pages.append(response.headers.get("Link") or "")
        self.assertIn('rel="next"', pages[1])
        self.assertNotIn('rel="next"', pages[2])
        # exactly a full last page: no next link either
        exact = self.call("GET", f"{ROUTE}?order=name&offset=3", headers=none)
        self.assertNotIn('rel="next"', exact.headers.get("Link", ""))
