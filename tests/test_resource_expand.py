# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Model resources over HTTP: related records embedded with
``fields=relation(...)`` (many2one, one2many, many2many; one query per
relation per page; the related model's access rights and record rules of
the user the resource runs as), ``fields`` on the item path, and the
filters on empty values (``__isnull``, ``field=``)."""

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import EndpointCase

QUIET = ("odoo.http", "odoo.addons.rest_endpoint.serving.dispatcher")
ROUTE = "/api/test/rzx"
EXPAND = "parent_id(name, email), child_ids(name, email), category_id(name)"
ALL = "name,parent_id(name),child_ids(name,email),category_id(name)"


def field_ids(env, names):
    ids = env["ir.model.fields"]._get_ids("res.partner")
    return [ids[name] for name in names]


@tagged("post_install", "-at_install")
class TestResourceExpand(EndpointCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.tag = cls.env["res.partner.category"].create({"name": "RZX tag"})
        cls.b, cls.c = Partner.create(
            [{"name": "RZX B", "is_company": True}, {"name": "RZX C", "is_company": True}]
        )
        cls.a = Partner.create(
            {
                "name": "RZX A",
                "is_company": True,
                "email": "a@example.com",
                "parent_id": cls.b.id,
                "category_id": [Command.set(cls.tag.ids)],
            }
        )
        cls.a1, cls.a2, cls.b1 = Partner.create(
            [
                {"name": "a1", "email": "a1@example.com", "parent_id": cls.a.id},
                {"name": "a2", "email": "a2@example.com", "parent_id": cls.a.id},
                {"name": "b1", "email": "b1@example.com", "parent_id": cls.b.id},
            ]
        )

    def make_resource(self, **vals):
        values = {
            "name": "RZX",
            "route": ROUTE,
            "auth_type": "bearer",
            "exec_mode": "resource",
            "exec_as_user_id": False,
            "code_snippet": False,
            "resource_model_id": self.env["ir.model"]._get_id("res.partner"),
            "resource_field_ids": [
                Command.set(
                    field_ids(self.env, ["name", "email", "parent_id", "child_ids", "category_id"])
                )
            ],
            "resource_domain": "[('is_company', '=', True), ('name', '=like', 'RZX%')]",
            "resource_expand": EXPAND,
        }
        values.update(vals)
        return self.make_endpoint(**values)

    def get(self, query, path=ROUTE, key=True, headers=None):
        return self.request(
            "GET", f"{path}?{query}", key=self.api_key if key else None, headers=headers
        )

    def rows(self, query, **kw):
        response = self.get(query, **kw)
        self.assertEqual(response.status_code, 200, response.text)
        return {row["id"]: row for row in response.json()["data"]}

    def test_expand_many2one_one2many_many2many(self):
        self.make_resource()
        rows = self.rows(f"fields={ALL}&order=name")
        a, b, c = self.a, self.b, self.c
        self.assertEqual(list(rows), [a.id, b.id, c.id])
        self.assertEqual(
            rows[a.id],
            {
                "id": a.id,
                "name": "RZX A",
                "parent_id": {"id": b.id, "name": "RZX B"},
                "child_ids": [
                    {"id": self.a1.id, "name": "a1", "email": "a1@example.com"},
                    {"id": self.a2.id, "name": "a2", "email": "a2@example.com"},
                ],
                "category_id": [{"id": self.tag.id, "name": "RZX tag"}],
            },
        )
        self.assertIsNone(rows[b.id]["parent_id"])
        self.assertEqual(rows[c.id]["child_ids"], [])
        self.assertEqual(rows[c.id]["category_id"], [])
        # not expanded, a relation stays as it is
        plain = self.rows(f"fields=parent_id,child_ids&id={a.id}")[a.id]
        self.assertEqual(plain["parent_id"], {"id": b.id, "display_name": "RZX B"})
        self.assertEqual(plain["child_ids"], [self.a1.id, self.a2.id])
        # archived related records are still related
        self.a2.active = False
        self.b.active = False
        row = self.rows(f"fields=parent_id(email)&id={a.id}")[a.id]
        self.assertEqual(row, {"id": a.id, "parent_id": {"id": b.id, "email": None}})

    def test_fields_on_the_item_path(self):
        self.make_resource()
        path = f"{ROUTE}/{self.a.id}"
        response = self.get("fields=name,child_ids(email)", path=path)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(
            response.json()["data"],
            {
                "id": self.a.id,
                "name": "RZX A",
                "child_ids": [
                    {"id": self.a1.id, "email": "a1@example.com"},
                    {"id": self.a2.id, "email": "a2@example.com"},
                ],
            },
        )
        tag = response.headers["ETag"]
        again = self.get("fields=name,child_ids(email)", path=path, headers={"If-None-Match": tag})
        self.assertEqual(again.status_code, 304)
        full = self.request("GET", path, key=self.api_key)
        self.assertNotEqual(full.headers["ETag"], tag)  # another representation
        every = {"id", "name", "email", "parent_id", "child_ids", "category_id"}
        self.assertEqual(set(full.json()["data"]), every)
        self.a1.email = "new@example.com"
        changed = self.get(
            "fields=name,child_ids(email)", path=path, headers={"If-None-Match": tag}
        )
        self.assertEqual(changed.status_code, 200)

    @mute_logger(*QUIET)
    def test_bad_fields_are_400(self):
        self.make_resource()
        cases = {
            "fields=category_id(color)": "not 'color'",
            "fields=email(name)": "email cannot be expanded",
            "fields=name,": "expected a field name",
            "fields=parent_id(name),parent_id(email)": "more than once",
        }
        for query, needle in cases.items():
            for path in (ROUTE, f"{ROUTE}/{self.a.id}"):
                with self.subTest(query=query, path=path):
                    body = self.assertJsonError(self.get(query, path=path), 400)
                    self.assertIn(needle, body["message"])
        body = self.assertJsonError(self.get("limit=1", path=f"{ROUTE}/{self.a.id}"), 400)
        self.assertIn("no query parameter but fields", body["message"])

    def test_one_query_per_relation_per_page(self):
        """Embedding costs the same queries for one record as for three: one
        per relation, never one per record."""
        self.make_resource()
        counts = {}
        for limit in (1, 3, 1, 3):  # twice: the first round warms the caches
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            response = self.get(f"fields={ALL}&order=name&limit={limit}")
            counts[limit] = self.cr.sql_log_count - before
            self.assertEqual(len(response.json()["data"]), limit)
        self.assertEqual(counts[1], counts[3], counts)
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        self.get("fields=name,parent_id,child_ids,category_id&order=name&limit=3")
        plain = self.cr.sql_log_count - before
        # three expanded relations: three more queries than the plain read at most
        self.assertLessEqual(counts[3] - plain, 3, (counts, plain))

    @mute_logger(*QUIET, "odoo.models")
    def test_access_rights_and_record_rules_of_the_related_model(self):
        """A portal user reads its own company and its contacts (record rule:
        child_of its commercial partner), not the parent company; and may
        not read partner tags at all (no access right): refused."""
        portal = self.env["res.users"].create(
            {
                "name": "a1",  # the user's partner is a1
                "login": "rzx_portal",
                "partner_id": self.a1.id,
                "group_ids": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        self.make_resource(auth_type="public", exec_as_user_id=portal.id)
        rows = self.rows("fields=name,parent_id(name),child_ids(name)", key=False)
        self.assertEqual(list(rows), [self.a.id])
        self.assertIsNone(rows[self.a.id]["parent_id"])  # the rules hide RZX B
        self.assertEqual([c["name"] for c in rows[self.a.id]["child_ids"]], ["a1", "a2"])
        for path in (ROUTE, f"{ROUTE}/{self.a.id}"):
            with self.subTest(path=path):
                response = self.get("fields=name,category_id(name)", path=path, key=False)
                self.assertJsonError(response, 403)
        # refused even when no record of the page has a tag
        self.a.category_id = False
        self.assertJsonError(self.get("fields=category_id(name)", key=False), 403)

    def test_save_time_checks(self):
        for setting, needle in (
            ("email(name)", "not a readable relational field"),
            ("user_ids(name)", "not a readable relational field"),
            ("parent_id(image_1920)", "image_1920 is not a field"),
            ("parent_id(nope)", "nope is not a field"),
            ("parent_id", "name the related fields"),
        ):
            with self.subTest(setting=setting), self.assertRaisesText(ValidationError, needle):
                self.make_resource(resource_expand=setting)

    def test_null_filters(self):
        self.make_resource()
        a, b, c = self.a, self.b, self.c
        cases = {
            "email__isnull=true": b | c,
            "email__isnull=false": a,
            "email=": b | c,  # text: empty and null alike
            "email__ne=": a,
            "parent_id__isnull=false": a,
            "child_ids__isnull=true": c,
            "category_id__isnull=false": a,
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                self.assertEqual(set(self.rows(f"{query}&fields=name")), set(expected.ids))
        with mute_logger(*QUIET):
            body = self.assertJsonError(self.get("parent_id="), 400)
        self.assertIn("parent_id__isnull=true", body["message"])

    def test_openapi_documents_expansion(self):
        self.make_resource()
        response = self.request("GET", "/rest_endpoint/openapi.json", key=self.api_key)
        self.assertEqual(response.status_code, 200, response.text)
        document = response.json()
        get = document["paths"][ROUTE]["get"]
        params = {p["name"]: p for p in get["parameters"]}
        self.assertIn("child_ids(id, name, email)", params["fields"]["description"])
        self.assertEqual(params["email__isnull"]["schema"], {"type": "boolean"})
        item = document["paths"][ROUTE + "/{id}"]["get"]
        self.assertIn("fields", [p["name"] for p in item["parameters"]])
