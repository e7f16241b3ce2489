# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Model resources (``exec_mode`` ``resource``) over real HTTP: every
operation, filter operator, pagination, ordering, the domain boundary,
access rights and record rules, ETags, and the 400s of bad queries and
bodies."""

import json
from urllib.parse import quote

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import EndpointCase

QUIET = ("odoo.http", "odoo.addons.rest_endpoint.serving.dispatcher")


def field_ids(env, model, names):
    ids = env["ir.model.fields"]._get_ids(model)
    return [ids[name] for name in names]


@tagged("post_install", "-at_install")
class TestResource(EndpointCase):
    ROUTE = "/api/test/companies"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"]
        cls.companies = cls.Partner.create(
            [
                {
                    "name": f"RZ Company {i:02d}",
                    "is_company": True,
                    "email": f"rz{i}@example.com",
                    "color": i,
                    "city": "Liège" if i % 2 else "Namur",
                }
                for i in range(7)
            ]
        )
        cls.person = cls.Partner.create({"name": "RZ Person", "is_company": False})
        cls.country = cls.env.ref("base.be")
        cls.tag = cls.env["res.partner.category"].create({"name": "RZ tag"})

    def make_resource(self, sync=True, **vals):
        readable = vals.pop(
            "readable",
            [
                "name",
                "email",
                "is_company",
                "color",
                "city",
                "country_id",
                "category_id",
                "type",
                "create_date",
                "partner_latitude",
            ],
        )
        writable = vals.pop(
            "writable",
            [
                "name",
                "email",
                "color",
                "city",
                "country_id",
                "category_id",
                "type",
                "partner_latitude",
            ],
        )
        values = {
            "name": "Companies",
            "route": self.ROUTE,
            "auth_type": "bearer",
            "exec_mode": "resource",
            "exec_as_user_id": False,
            "code_snippet": False,
            "resource_model_id": self.env["ir.model"]._get_id("res.partner"),
            "resource_field_ids": [Command.set(field_ids(self.env, "res.partner", readable))],
            "resource_writable_field_ids": [
                Command.set(field_ids(self.env, "res.partner", writable))
            ],
            "resource_domain": "[('is_company', '=', True), ('name', '=like', 'RZ%')]",
            "resource_create": True,
            "resource_update": True,
            "resource_delete": True,
            "resource_page_size": 3,
        }
        values.update(vals)
        return self.make_endpoint(sync=sync, **values)

    def call(self, method, path, body=None, headers=None, key=True):
        headers = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body)
            headers.setdefault("Content-Type", "application/json")
        return self.request(
            method, path, key=self.api_key if key else None, headers=headers, data=data
        )

    def item(self, record):
        return f"{self.ROUTE}/{record.id}"

    # --- list -------------------------------------------------------------

    def test_list_pages_and_links(self):
        self.make_resource()
        response = self.call("GET", self.ROUTE + "?order=name")
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        self.assertEqual(body["status"], "success")
        self.assertEqual(body["meta"], {"total": 7, "limit": 3, "offset": 0})
        self.assertEqual(
            [r["name"] for r in body["data"]], ["RZ Company 00", "RZ Company 01", "RZ Company 02"]
        )
        self.assertIn('rel="next"', response.headers["Link"])
        self.assertNotIn('rel="prev"', response.headers["Link"])
        next_url = response.headers["Link"].split(">")[0].lstrip("<")
        self.assertEqual(next_url, f"{self.ROUTE}?order=name&limit=3&offset=3")
        second = self.call("GET", next_url)
        self.assertEqual(
            [r["name"] for r in second.json()["data"]],
            ["RZ Company 03", "RZ Company 04", "RZ Company 05"],
        )
        self.assertIn('rel="prev"', second.headers["Link"])
        last = self.call("GET", self.ROUTE + "?order=name&offset=6&limit=3")
        self.assertEqual(last.json()["meta"], {"total": 7, "limit": 3, "offset": 6})
        self.assertNotIn('rel="next"', last.headers["Link"])
        beyond = self.call("GET", self.ROUTE + "?offset=50")
        self.assertEqual(beyond.json()["meta"]["total"], 7)
        self.assertEqual(beyond.json()["data"], [])

    def test_list_values_and_fields(self):
        self.make_resource()
        company = self.companies[0]
        company.write({"country_id": self.country.id, "category_id": [Command.set(self.tag.ids)]})
        response = self.call("GET", f"{self.ROUTE}?id={company.id}")
        [row] = response.json()["data"]
        self.assertEqual(row["id"], company.id)
        self.assertEqual(
            row["country_id"], {"id": self.country.id, "display_name": self.country.display_name}
        )
        self.assertEqual(row["category_id"], self.tag.ids)
        self.assertIs(row["is_company"], True)
        self.assertRegex(row["create_date"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(row["type"], "contact")
        self.assertEqual(row["partner_latitude"], 0.0)
        only = self.call("GET", f"{self.ROUTE}?id={company.id}&fields=name,city")
        self.assertEqual(
            only.json()["data"], [{"id": company.id, "name": company.name, "city": company.city}]
        )

    def test_filters_every_operator(self):
        self.make_resource()
        c = self.companies
        cases = {
            "color=2": c[2],
            "color__ne=2": c - c[2],
            "color__gt=4": c[5:],
            "color__gte=4": c[4:],
            "color__lt=2": c[:2],
            "color__lte=2": c[:3],
            "color__in=1,3,99999999999": c[1] | c[3],
            "color__not_in=0,1,2,3": c[4:],
            "name__like=Company 0": c,
            "name__ilike=company 06": c[6],
            "city=Namur": c.filtered(lambda p: p.city == "Namur"),
            "city__in=Namur,Nowhere": c.filtered(lambda p: p.city == "Namur"),
            "is_company=true": c,
            "is_company__ne=true": c.browse(),
            "type=contact": c,
            f"id__in={c[0].id},{c[1].id}": c[:2],
            "country_id__ne=" + str(self.country.id): c,
            "create_date__gte=2000-01-01T00:00:00Z": c,
            "create_date__lt=2000-01-01T00:00:00%2B02:00": c.browse(),
            "partner_latitude__gte=0.5e1": c.browse(),
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                response = self.call("GET", f"{self.ROUTE}?{query}&limit=100")
                self.assertEqual(response.status_code, 200, response.text)
                self.assertEqual(
                    sorted(r["id"] for r in response.json()["data"]), sorted(expected.ids)
                )

    def test_order(self):
        self.make_resource()
        response = self.call("GET", self.ROUTE + "?order=city desc,name desc&limit=100")
        names = [r["name"] for r in response.json()["data"]]
        self.assertEqual(names[:2], ["RZ Company 06", "RZ Company 04"])

    @mute_logger(*QUIET)
    def test_bad_queries_are_400_naming_the_problem(self):
        self.make_resource()
        cases = {
            "nope=1": "'nope'",
            "name__between=1": "Unknown operator 'between'",
            "is_company__gt=true": "Unknown operator 'gt'",
            "color=abc": "color: 'abc' is not an integer",
            "color=99999999999": "out of range",
            "partner_latitude=nan": "not a finite number",
            "is_company=yes": "not true or false",
            "type=robot": "'robot' is not one of",
            "create_date=2026-02-30T00:00:00Z": "not a valid date-time",
            "create_date__gt=2026-01-01": "not a date-time",
            "color__in=1,a": "comma-separated list",
            "order=password": "cannot sort by 'password'",
            "order=name sideways": "cannot sort by",
            "fields=name,password": "'password'",
            "limit=0": "limit",
            "limit=1001": "limit",
            "offset=-1": "offset",
            "limit=1&limit=2": "more than once",
        }
        for query, needle in cases.items():
            with self.subTest(query=query):
                response = self.call("GET", f"{self.ROUTE}?{query}")
                body = self.assertJsonError(response, 400)
                self.assertIn(needle, body["message"])

    # --- read, ETag ---------------------------------------------------------

    def test_read_etag_304(self):
        self.make_resource()
        company = self.companies[1]
        response = self.call("GET", self.item(company))
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["data"]["name"], company.name)
        tag = response.headers["ETag"]
        self.assertRegex(tag, r'^"[0-9a-f]{32}"$')
        again = self.call("GET", self.item(company), headers={"If-None-Match": tag})
        self.assertEqual(again.status_code, 304)
        self.assertEqual(again.content, b"")
        self.assertEqual(again.headers["ETag"], tag)
        self.assertEqual(
            self.call("GET", self.item(company), headers={"If-None-Match": '"x"'}).status_code,
            200,
        )
        company.city = "Elsewhere"
        changed = self.call("GET", self.item(company), headers={"If-None-Match": tag})
        self.assertEqual(changed.status_code, 200)
        self.assertNotEqual(changed.headers["ETag"], tag)

    @mute_logger(*QUIET)
    def test_domain_boundary(self):
        self.make_resource()
        outside = [self.person, self.env.ref("base.main_partner")]
        for record in outside:
            for method, body in (("GET", None), ("PATCH", {"city": "X"}), ("DELETE", None)):
                with self.subTest(record=record.name, method=method):
                    self.assertJsonError(self.call(method, self.item(record), body), 404)
        listed = self.call("GET", self.ROUTE + "?limit=1000").json()["data"]
        self.assertNotIn(self.person.id, [r["id"] for r in listed])
        self.assertJsonError(self.call("GET", f"{self.ROUTE}/99999999"), 404)
        # a create or update that would leave the domain is refused, and undone
        body = self.assertJsonError(self.call("POST", self.ROUTE, {"name": "Other name"}), 400)
        self.assertIn("outside this resource", body["message"])
        self.assertFalse(self.Partner.search([("name", "=", "Other name")]))
        company = self.companies[2]
        self.assertJsonError(self.call("PATCH", self.item(company), {"name": "Renamed"}), 400)
        self.assertEqual(company.name, "RZ Company 02")

    # --- create, update, delete ---------------------------------------------

    def test_create_update_delete(self):
        self.make_resource()
        response = self.call(
            "POST",
            self.ROUTE,
            {
                "name": "RZ New",
                "email": "new@example.com",
                "country_id": self.country.id,
                "category_id": self.tag.ids,
                "type": "invoice",
            },
        )
        self.assertEqual(response.status_code, 201, response.text)
        data = response.json()["data"]
        record = self.Partner.browse(data["id"])
        self.assertTrue(record.is_company)  # the domain's '=' term is the default
        self.assertEqual(response.headers["Location"], self.item(record))
        self.assertEqual(data["country_id"]["id"], self.country.id)
        self.assertEqual(record.category_id, self.tag)
        tag = self.call("GET", self.item(record)).headers["ETag"]
        # PUT with only some fields updates those (reference 001's mobile client)
        put = self.call("PUT", self.item(record), {"phone": None, "city": "Gent"})
        self.assertEqual(put.status_code, 400)  # phone is not writable
        put = self.call("PUT", self.item(record), {"city": "Gent"}, {"If-Match": tag})
        self.assertEqual(put.status_code, 200, put.text)
        self.assertEqual(put.json()["data"]["city"], "Gent")
        self.assertEqual(record.email, "new@example.com")
        new_tag = put.headers["ETag"]
        self.assertNotEqual(new_tag, tag)
        # a stale ETag: 412, nothing written
        stale = self.call("PATCH", self.item(record), {"city": "Brugge"}, {"If-Match": tag})
        self.assertJsonError(stale, 412)
        self.assertEqual(record.city, "Gent")
        patch = self.call("PATCH", self.item(record), {"email": None}, {"If-Match": new_tag})
        self.assertEqual(patch.status_code, 200, patch.text)
        self.assertIsNone(patch.json()["data"]["email"])
        self.assertJsonError(
            self.call("DELETE", self.item(record), headers={"If-Match": new_tag}), 412
        )
        deleted = self.call("DELETE", self.item(record))
        self.assertEqual(deleted.status_code, 204)
        self.assertEqual(deleted.content, b"")
        self.assertFalse(record.exists())

    @mute_logger(*QUIET)
    def test_bad_bodies_list_every_problem(self):
        self.make_resource()
        response = self.call(
            "POST",
            self.ROUTE,
            {
                "email": 5,
                "color": "red",
                "is_company": False,
                "nope": 1,
                "type": "robot",
                "country_id": 99999999,
            },
        )
        body = self.assertJsonError(response, 400, "rest_endpoint.errors.RequestValidationError")
        paths = {e["path"] for e in body["errors"]}
        self.assertEqual(paths, {"/email", "/color", "/is_company", "/nope", "/type"}, body)
        messages = " ".join(e["message"] for e in body["errors"])
        self.assertIn("'is_company' is read-only", messages)
        self.assertIn("'nope' is not a field", messages)
        # values the schema cannot judge: one more pass, same contract
        response = self.call(
            "POST",
            self.ROUTE,
            {"name": "RZ x", "country_id": 99999999, "category_id": [self.tag.id, 99999998]},
        )
        body = self.assertJsonError(response, 400, "rest_endpoint.errors.RequestValidationError")
        self.assertEqual([e["path"] for e in body["errors"]], ["/category_id", "/country_id"])
        self.assertJsonError(self.call("POST", self.ROUTE), 415)  # no body, no type
        for bad in ([1], "text", 3):
            with self.subTest(body=bad):
                self.assertJsonError(self.call("POST", self.ROUTE, bad), 400)
        self.assertJsonError(
            self.call("PATCH", self.item(self.companies[0]), {"name": "x" * 10, "color": 1.5}),
            400,
        )
        wrong_type = self.request(
            "POST",
            self.ROUTE,
            key=self.api_key,
            data="name=x",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        self.assertJsonError(wrong_type, 415)

    # --- operations, rights -------------------------------------------------

    @mute_logger(*QUIET)
    def test_unpublished_operations_are_405(self):
        self.make_resource(resource_create=False, resource_delete=False)
        response = self.call("POST", self.ROUTE, {"name": "RZ y"})
        self.assertJsonError(response, 405)
        self.assertEqual(response.headers["Allow"], "GET")
        response = self.call("DELETE", self.item(self.companies[0]))
        self.assertEqual(response.headers["Allow"], "GET, PATCH, PUT")

    @mute_logger(*QUIET)
    def test_resync_changes_the_published_methods(self):
        resource = self.make_resource()
        company = self.companies[0]
        self.assertEqual(self.call("GET", self.item(company)).status_code, 200)
        resource.write({"resource_read": False, "resource_update": False, "registry_sync": True})
        response = self.call("GET", self.item(company))
        self.assertJsonError(response, 405)
        self.assertEqual(response.headers["Allow"], "DELETE")
        resource.write({"resource_delete": False, "registry_sync": True})
        self.assertJsonError(self.call("DELETE", self.item(company)), 404)  # path gone
        self.assertEqual(self.call("GET", self.ROUTE).status_code, 200)
        resource.write({"active": False, "registry_sync": True})
        self.assertJsonError(self.call("GET", self.ROUTE), 404)

    @mute_logger(*QUIET, "odoo.models")
    def test_access_rights_and_record_rules_of_the_exec_as_user(self):
        reader = self.env["res.users"].create(
            {
                "name": "RZ reader",
                "login": "rz_reader",
                "group_ids": [Command.set([self.env.ref("base.group_user").id])],
            }
        )
        self.make_resource(auth_type="public", exec_as_user_id=reader.id)
        company = self.companies[0]
        # employees read partners, but may not create, write or delete them
        self.assertEqual(self.call("GET", self.item(company), key=False).status_code, 200)
        self.assertJsonError(self.call("POST", self.ROUTE, {"name": "RZ z"}, key=False), 403)
        self.assertJsonError(self.call("PATCH", self.item(company), {"city": "X"}, key=False), 403)
        self.assertJsonError(self.call("DELETE", self.item(company), key=False), 403)
        # a record rule hiding a record: it does not exist for the caller
        self.env["ir.rule"].create(
            {
                "name": "RZ hide one company",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "domain_force": f"[('id', '!=', {company.id})]",
                "groups": [Command.set([self.env.ref("base.group_user").id])],
            }
        )
        self.assertJsonError(self.call("GET", self.item(company), key=False), 404)
        listed = self.call("GET", self.ROUTE + "?limit=100", key=False).json()["data"]
        self.assertNotIn(company.id, [r["id"] for r in listed])
        self.assertEqual(len(listed), 6)

    # --- save time ------------------------------------------------------------

    def test_save_time_checks(self):
        with self.assertRaisesText(ValidationError, "binary"):
            self.make_resource(readable=["name", "image_1920"], writable=[])
        with self.assertRaisesText(ValidationError, "readable too"):
            self.make_resource(readable=["name"], writable=["name", "email"])
        with self.assertRaisesText(ValidationError, "computed"):
            self.make_resource(readable=["display_name"], writable=["display_name"])
        with self.assertRaisesText(ValidationError, "literal list"):
            self.make_resource(resource_domain="[('a', '=', uid)]")
        with self.assertRaisesText(ValidationError, "Invalid resource domain"):
            self.make_resource(resource_domain="[('no_such_field', '=', 1)]")
        with self.assertRaisesText(ValidationError, "without parameters"):
            self.make_resource(route="/api/test/<int:x>/companies")
        with self.assertRaisesText(ValidationError, "at least one operation"):
            self.make_resource(
                resource_list=False,
                resource_read=False,
                resource_create=False,
                resource_update=False,
                resource_delete=False,
            )
        self.make_endpoint(route=self.ROUTE + "/<int:partner_id>", request_method="DELETE")
        with self.assertRaisesText(
            ValidationError, "DELETE /api/test/companies/<int:id> is already served"
        ):
            self.make_resource()
        resource = self.make_resource(resource_delete=False)
        with self.assertRaisesText(ValidationError, "already served by endpoint Companies"):
            self.make_endpoint(
                route=self.ROUTE, request_method="POST", request_content_type="application/json"
            )
        resource.write({"resource_page_size": 10})
        self.assertFalse(resource.registry_sync)  # edits need a sync

    def test_item_read_is_one_query(self):
        """A record's GET finds it in the domain and reads its fields and its
        ``write_date`` (the ETag) in one query: one fewer than a snippet
        reading the same fields."""
        names = ["name", "email", "is_company", "color", "city"]
        self.make_resource(readable=names, writable=["name"])
        snippet = (
            "p = env['res.partner'].browse(params['pid']).exists()\n"
            "result = {'payload': {'data': {" + ", ".join(f"{n!r}: p.{n}" for n in names) + "}}}"
        )
        self.make_endpoint(
            route="/api/test/code_item/<int:pid>",
            auth_type="bearer",
            exec_as_user_id=False,
            code_snippet=snippet,
        )
        company = self.companies[2]
        paths = {"resource": self.item(company), "code": f"/api/test/code_item/{company.id}"}
        counts = {}
        for name, path in paths.items():
            self.assertEqual(self.call("GET", path).status_code, 200)  # warm the caches
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            response = self.call("GET", path)
            counts[name] = self.cr.sql_log_count - before
            self.assertEqual(response.status_code, 200, response.text)
        # the snippet checks the id (exists) then reads: two queries, and the
        # record rules applied to each; the resource: one query, rules once
        self.assertEqual(counts["resource"], counts["code"] - 1, counts)

    def test_try_it(self):
        resource = self.make_resource()
        command = resource.try_it_command
        self.assertEqual(command.count("curl -i"), 3)
        self.assertIn("name__ilike=a", command)
        self.assertIn("-X POST", command)
        self.assertIn(quote(self.ROUTE), command)
