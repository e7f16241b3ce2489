# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The demo endpoints, over HTTP with real API keys, as installed: they are
published by the demo data itself, no sync is run here."""

import json
import tempfile

import odoo
from odoo import Command
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import file_open, mute_logger

from .common import EndpointCase
from .test_multiprocess import OdooServer

QUIET = ("odoo.http", "odoo.addons.rest_endpoint.serving.dispatcher")
DEMO = (
    "endpoint_demo_customer_get",
    "endpoint_demo_customer_update",
    "endpoint_demo_customer_delete",
    "endpoint_demo_customer_create",
    "endpoint_demo_customer_search",
    "endpoint_demo_order_intake",
    "endpoint_demo_shipment_notice",
)
JSON = {"Content-Type": "application/json"}
XML = {"Content-Type": "application/xml"}
SHIPMENT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<shipmentNotice reference="PO-2026-0001">'
    "<carrier>ACME Freight</carrier><trackingNumber>1Z999</trackingNumber>"
    "<shippedAt>2026-03-01T08:30:00Z</shippedAt>"
    '<package sku="CHAIR-01" qty="4"/><package sku="DESK-02" qty="1"/>'
    "</shipmentNotice>"
)


@tagged("post_install", "-at_install")
class TestDemoEndpoints(EndpointCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Demo Customer", "email": "demo.customer@example.com", "phone": "+32 2 555"}
        )
        # Reads contacts, may not write them: access rights apply to the caller.
        cls.reader = cls.env["res.users"].create(
            {
                "name": "Reader",
                "login": "rest_endpoint_reader",
                "group_ids": [Command.set([cls.env.ref("base.group_user").id])],
            }
        )
        cls.reader_key = (
            cls.env["res.users.apikeys"].with_user(cls.reader).sudo()._generate(None, "r", None)
        )

    def url(self, customer_id=None):
        base = "/api/mobile/customer"
        return base if customer_id is None else f"{base}/{customer_id}"

    def call(self, method, path, key=None, **kw):
        return self.request(method, path, key=key or self.api_key, **kw)

    def test_published_at_install(self):
        for xmlid in DEMO:
            with self.subTest(xmlid=xmlid):
                endpoint = self.env.ref(f"rest_endpoint.{xmlid}")
                self.assertTrue(endpoint.registry_sync)
                self.assertEqual(endpoint.sync_state, "published")
                self.assertEqual(endpoint.auth_type, "bearer")
                self.assertFalse(endpoint.exec_as_user_id)  # runs as the caller
                self.assertEqual(endpoint.published_config["route"], endpoint.route)
                self.assertEqual(endpoint.published_config["code"], endpoint.code_snippet)
        # Served with no sync in this test: what the install published.
        response = self.call("GET", self.url(self.customer.id))
        self.assertEqual(response.status_code, 200, response.text)

    def test_schemas_loaded_from_files(self):
        cases = [
            ("endpoint_demo_order_intake", "order_intake_schema.yaml"),
            ("endpoint_demo_shipment_notice", "shipment_notice.xsd"),
        ]
        for xmlid, filename in cases:
            with self.subTest(filename=filename):
                with file_open(f"rest_endpoint/demo/{filename}") as file:
                    expected = file.read()
                endpoint = self.env.ref(f"rest_endpoint.{xmlid}")
                self.assertEqual(endpoint.request_content_schema, expected)
                self.assertEqual(endpoint.published_config["schema"], expected)

    def test_get_customer(self):
        response = self.call("GET", self.url(self.customer.id))
        self.assertEqual(response.headers["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(
            response.json(),
            {
                "status": "success",
                "data": {
                    "id": self.customer.id,
                    "name": "Demo Customer",
                    "email": "demo.customer@example.com",
                    "phone": "+32 2 555",
                },
            },
        )

    @mute_logger(*QUIET)
    def test_get_refusals(self):
        body = self.assertJsonError(self.call("GET", self.url(999999999)), 404)
        self.assertEqual(body["message"], "Customer 999999999 not found.")
        self.assertJsonError(self.request("GET", self.url(self.customer.id)), 401)
        self.assertJsonError(self.call("GET", self.url(self.customer.id), key="x" * 40), 401)
        self.assertJsonError(self.call("GET", self.url("abc")), 404)
        response = self.call("PATCH", self.url(self.customer.id))
        self.assertJsonError(response, 405)
        self.assertEqual(set(response.headers["Allow"].split(", ")), {"GET", "PUT", "DELETE"})

    def test_update_customer(self):
        response = self.call(
            "PUT",
            self.url(self.customer.id),
            json={"phone": "+1 555 0100", "email": "new@example.com"},
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["data"]["phone"], "+1 555 0100")
        self.customer.invalidate_recordset()
        self.assertEqual(
            (self.customer.phone, self.customer.email), ("+1 555 0100", "new@example.com")
        )
        response = self.call("PUT", self.url(self.customer.id), json={"email": "only@example.com"})
        self.assertEqual(response.json()["data"]["email"], "only@example.com")
        self.assertEqual(response.json()["data"]["phone"], "+1 555 0100")

    @mute_logger(*QUIET)
    def test_update_refusals(self):
        url = self.url(self.customer.id)
        body = self.assertJsonError(
            self.call("PUT", url, json={"phone": "call me", "name": "Renamed"}), 400
        )
        self.assertEqual(
            {(e["path"], e["validator"]) for e in body["errors"]},
            {("", "additionalProperties"), ("/phone", "pattern")},
        )
        body = self.assertJsonError(self.call("PUT", url, json={}), 400)
        self.assertEqual([e["validator"] for e in body["errors"]], ["minProperties"])
        self.assertJsonError(self.call("PUT", url, data="phone=1", headers=JSON), 400)
        self.assertJsonError(self.call("PUT", url, data="{}", headers=XML), 415)
        self.assertJsonError(self.call("PUT", self.url(999999999), json={"phone": "123"}), 404)
        # the snippet runs as the caller: a user who may not edit contacts gets 403
        self.assertJsonError(self.call("PUT", url, key=self.reader_key, json={"phone": "123"}), 403)
        self.assertEqual(self.call("GET", url, key=self.reader_key).status_code, 200)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.phone, "+32 2 555")

    @mute_logger(*QUIET)
    def test_delete_customer(self):
        partner = self.env["res.partner"].create({"name": "To delete"})
        self.assertJsonError(self.call("DELETE", self.url(partner.id), key=self.reader_key), 403)
        response = self.call("DELETE", self.url(partner.id))
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json(), {"status": "success", "data": {"id": partner.id}})
        self.assertFalse(partner.exists())
        self.assertJsonError(self.call("DELETE", self.url(partner.id)), 404)

    @mute_logger(*QUIET)
    def test_create_customer(self):
        response = self.call(
            "POST", self.url(), json={"name": "Jane Doe", "email": "jane@example.com"}
        )
        self.assertEqual(response.status_code, 201, response.text)
        data = response.json()["data"]
        self.assertEqual(response.headers["Location"], self.url(data["id"]))
        partner = self.env["res.partner"].browse(data["id"])
        self.assertEqual(
            (partner.name, partner.email, partner.phone), ("Jane Doe", "jane@example.com", False)
        )
        self.assertEqual(
            data, {"id": partner.id, "name": "Jane Doe", "email": "jane@example.com", "phone": None}
        )
        body = self.assertJsonError(self.call("POST", self.url(), json={"email": "no name"}), 400)
        self.assertEqual(
            {(e["path"], e["validator"]) for e in body["errors"]},
            {("", "required"), ("/email", "pattern")},
        )
        self.assertJsonError(
            self.call("POST", self.url(), key=self.reader_key, json={"name": "X"}), 403
        )

    @mute_logger(*QUIET)
    def test_search_jsonrpc(self):
        self.env["res.partner"].create({"name": "Zyxwv Alpha", "email": "a@zyxwv.example"})
        self.env["res.partner"].create({"name": "Zyxwv Beta"})
        path = "/api/mobile/customer/search"
        envelope = {"jsonrpc": "2.0", "method": "call", "params": {"query": "zyxwv"}, "id": 7}
        response = self.call("POST", path, json=envelope)
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        self.assertEqual((body["jsonrpc"], body["id"]), ("2.0", 7))
        self.assertEqual(body["result"]["count"], 2)
        self.assertEqual(
            [(c["name"], c["email"]) for c in body["result"]["customers"]],
            [("Zyxwv Alpha", "a@zyxwv.example"), ("Zyxwv Beta", None)],
        )
        envelope["params"]["limit"] = 1
        self.assertEqual(self.call("POST", path, json=envelope).json()["result"]["count"], 1)
        # schema failures and a raw body without the envelope: JSON-RPC errors
        envelope["params"] = {"limit": 0}
        error = self.call("POST", path, json=envelope).json()["error"]
        self.assertEqual(
            {(e["path"], e["validator"]) for e in error["data"]["errors"]},
            {("", "required"), ("/limit", "minimum")},
        )
        error = self.call("POST", path, json={"query": "zyxwv"}).json()["error"]
        self.assertIn('"params"', error["message"])
        self.assertEqual(self.call("GET", path).status_code, 405)

    def test_order_intake(self):
        buyer = self.env["res.partner"].create({"name": "Buyer", "email": "buyer@example.com"})
        order = {
            "reference": "PO-2026-0001",
            "customer": {"email": "BUYER@example.com", "name": "Buyer Ltd"},
            "lines": [
                {"sku": "CHAIR-01", "qty": 4, "unit_price": 89.5},
                {"sku": "DESK-02", "qty": 1, "unit_price": 420},
            ],
        }
        response = self.call("POST", "/api/orders", json=order)
        self.assertEqual(response.status_code, 202, response.text)
        self.assertEqual(
            response.json(),
            {
                "status": "accepted",
                "data": {
                    "reference": "PO-2026-0001",
                    "customer_id": buyer.id,
                    "lines": 2,
                    "amount_total": 778.0,
                    "currency": "EUR",
                },
            },
        )
        logged = self.env["ir.logging"].search([("path", "=", "/api/orders")], limit=1)
        self.assertIn("Order PO-2026-0001 received: 2 line(s), 778.00 EUR", logged.message)

    @mute_logger(*QUIET)
    def test_order_intake_schema_failures(self):
        order = {
            "reference": "po 1",
            "customer": {"email": "nobody"},
            "currency": "euro",
            "lines": [{"sku": "A", "qty": 0, "unit_price": -1, "color": "red"}],
        }
        body = self.assertJsonError(self.call("POST", "/api/orders", json=order), 400)
        self.assertEqual(
            {(e["path"], e["validator"]) for e in body["errors"]},
            {
                ("/reference", "pattern"),
                ("/customer/email", "pattern"),
                ("/currency", "pattern"),
                ("/lines/0", "additionalProperties"),
                ("/lines/0/qty", "minimum"),
                ("/lines/0/unit_price", "minimum"),
            },
        )
        body = self.assertJsonError(self.call("POST", "/api/orders", json={"lines": []}), 400)
        self.assertEqual(
            {(e["path"], e["validator"]) for e in body["errors"]},
            {("", "required"), ("/lines", "minItems")},
        )

    def test_shipment_notice_xml(self):
        response = self.call("POST", "/api/shipments/notice", data=SHIPMENT, headers=XML)
        self.assertEqual(response.status_code, 200, response.text)
        # XML in, a typed JSON acknowledgement out (see its response_schema).
        self.assertEqual(response.headers["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(
            response.json(),
            {
                "status": "received",
                "data": {"reference": "PO-2026-0001", "packages": 2, "units": 5},
            },
        )

    @mute_logger(*QUIET)
    def test_shipment_notice_xsd_failures(self):
        bad = SHIPMENT.replace('reference="PO-2026-0001"', 'reference="po"').replace(
            'qty="1"', 'qty="0"'
        )
        body = self.assertJsonError(
            self.call("POST", "/api/shipments/notice", data=bad, headers=XML), 400
        )
        self.assertEqual({e["validator"] for e in body["errors"]}, {"xsd"})
        messages = " ".join(e["message"] for e in body["errors"])
        self.assertIn("reference", messages)
        self.assertIn("qty", messages)
        self.assertTrue(all(e["line"] for e in body["errors"]))
        missing = "<shipmentNotice reference='PO-1'><carrier>X</carrier></shipmentNotice>"
        body = self.assertJsonError(
            self.call("POST", "/api/shipments/notice", data=missing, headers=XML), 400
        )
        self.assertIn("trackingNumber", body["errors"][0]["message"])
        self.assertJsonError(
            self.call("POST", "/api/shipments/notice", data="<a>", headers=XML), 400
        )
        self.assertJsonError(
            self.call("POST", "/api/shipments/notice", data=SHIPMENT, headers=JSON), 415
        )


@tagged("post_install", "-at_install")
class TestDemoServedByAnotherProcess(BaseCase):
    """A server process that did not install the module serves the demo
    endpoints at once: nobody synced anything after the install."""

    def test_fresh_server_serves_demo_endpoints(self):
        registry = Registry(get_db_name())
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            admin = env.ref("base.user_admin")
            key = env["res.users.apikeys"].with_user(admin)._generate(None, "demo test", None)
            partner = admin.partner_id
            expected = {"id": partner.id, "name": partner.name}
        self.addCleanup(self._remove_key)
        server = OdooServer(get_db_name(), tempfile.mkdtemp(prefix="rest_endpoint_demo_"))
        self.addCleanup(server.stop)
        server.start().wait_ready()
        response = server.http.get(
            f"{server.base}/api/mobile/customer/{partner.id}",
            headers={"Authorization": f"Bearer {key}", "X-Odoo-Database": server.db},
            timeout=20,
        )
        self.assertEqual(response.status_code, 200, response.text)
        data = response.json()["data"]
        self.assertEqual({"id": data["id"], "name": data["name"]}, expected)

    def _remove_key(self):
        with Registry(get_db_name()).cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            env["res.users.apikeys"].search([("name", "=", "demo test")])._remove()


@tagged("post_install", "-at_install")
class TestResourceDemo(EndpointCase):
    """The demo resource, as the README shows it with curl."""

    ROUTE = "/api/v1/customers"

    def test_demo_resource(self):
        endpoint = self.env.ref("rest_endpoint.endpoint_demo_customers_resource")
        self.assertTrue(endpoint.registry_sync)
        auth = {"Authorization": f"Bearer {self.api_key}"}
        listing = self.url_open(f"{self.ROUTE}?order=name&limit=2", headers=auth)
        self.assertEqual(listing.status_code, 200, listing.text)
        body = listing.json()
        companies = self.env["res.partner"].search_count([("is_company", "=", True)])
        self.assertEqual(body["meta"], {"total": companies, "limit": 2, "offset": 0})
        self.assertTrue(all(row["is_company"] for row in body["data"]))
        self.assertEqual(
            set(body["data"][0]), {"id", "name", "email", "phone", "city", "is_company"}
        )
        person = self.env["res.partner"].create({"name": "Demo person"})
        self.assertEqual(self.url_open(f"{self.ROUTE}/{person.id}", headers=auth).status_code, 404)
        created = self.url_open(
            self.ROUTE,
            data=json.dumps({"name": "Demo Company", "phone": "+32 2 555 01 00"}),
            headers={**auth, "Content-Type": "application/json"},
        )
        self.assertEqual(created.status_code, 201, created.text)
        record = self.env["res.partner"].browse(created.json()["data"]["id"])
        self.assertTrue(record.is_company)
        filtered = self.url_open(f"{self.ROUTE}?name__ilike=demo%20comp", headers=auth)
        self.assertEqual([row["id"] for row in filtered.json()["data"]], record.ids)
        # reference 001's mobile client: PUT with only the phone
        put = self.url_open(
            f"{self.ROUTE}/{record.id}",
            method="PUT",
            data=json.dumps({"phone": "+32 2 555 01 01"}),
            headers={**auth, "Content-Type": "application/json"},
        )
        self.assertEqual(put.status_code, 200, put.text)
        self.assertEqual(record.phone, "+32 2 555 01 01")
        self.assertEqual(record.name, "Demo Company")
