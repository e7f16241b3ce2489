# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""App developers generate clients from the document: do it here, with
openapi-python-client, from the document the server serves, and call every
demo operation through the generated code. Every answer, success and error,
must come back parsed into the generated types (a client that gets None or a
raw dict back has nothing typed to offer)."""

import importlib
import io
import json
import os
import subprocess
import sys
import tempfile
import typing
from pathlib import Path

import attrs

from odoo.tests import tagged
from odoo.tests.common import TEST_CURSOR_COOKIE_NAME
from odoo.tools import mute_logger

from .common import EndpointCase

QUIET = ("odoo.http", "odoo.addons.rest_endpoint.serving.dispatcher")
PACKAGE = "rest_endpoint_demo_client"
#: What integrators add for XML bodies: openapi-python-client sends
#: ``format: binary`` bodies of the octet-stream kind as they are.
GENERATOR_CONFIG = "content_type_overrides:\n  application/xml: application/octet-stream\n"
SHIPMENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<shipmentNotice reference="PO-2026-0001"><carrier>ACME</carrier>'
    "<trackingNumber>1Z9</trackingNumber><shippedAt>2026-03-01T08:30:00Z</shippedAt>"
    '<package sku="CHAIR-01" qty="4"/><package sku="DESK-02" qty="1"/></shipmentNotice>'
)
ORDER = {
    "reference": "PO-2026-0001",
    "customer": {"email": "buyer@example.com"},
    "lines": [{"sku": "CHAIR-01", "qty": 4, "unit_price": 89.5}],
}


@tagged("post_install", "-at_install")
class TestOpenApiGeneratedClient(EndpointCase):
    def generate(self, tmp):
        """Generate the client package from the served document into ``tmp``
        (failing on any generator warning: a dropped schema or operation)."""
        response = self.url_open(
            "/rest_endpoint/openapi.json", headers={"Authorization": f"Bearer {self.api_key}"}
        )
        self.assertEqual(response.status_code, 200, response.text)
        Path(tmp, "openapi.json").write_bytes(response.content)
        Path(tmp, "config.yaml").write_text(GENERATOR_CONFIG)
        bindir = str(Path(sys.executable).parent)
        run = subprocess.run(
            [
                str(Path(bindir, "openapi-python-client")),
                "generate",
                "--path",
                "openapi.json",
                "--config",
                "config.yaml",
                "--meta",
                "none",
                "--output-path",
                PACKAGE,
                "--fail-on-warning",
            ],
            capture_output=True,
            text=True,
            cwd=tmp,
            timeout=300,
            # Its post-generation hooks run ruff, from the same virtualenv.
            env={**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")},
            check=False,
        )
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        sys.path.insert(0, tmp)
        self.addCleanup(sys.path.remove, tmp)
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]
        return importlib.import_module(PACKAGE)

    def document_operations(self, document):
        """``{operationId: (module, method, path)}`` of every operation of the served
        document, named as the generator names them (tag package, then the
        operationId as a Python identifier)."""
        from openapi_python_client.strings import PythonIdentifier  # noqa: PLC0415

        operations = {}
        for path, item in document["paths"].items():
            for method, operation in item.items():
                if method not in ("get", "put", "post", "patch", "delete"):
                    continue
                tag = PythonIdentifier((operation.get("tags") or ["default"])[0], prefix="tag")
                name = PythonIdentifier(operation["operationId"], prefix="field_")
                module = f"{PACKAGE}.api.{tag}.{name}"
                operations[operation["operationId"]] = (module, method, path)
        return operations

    @mute_logger(*QUIET)
    def test_generated_client_parses_every_demo_answer(self):
        customer = self.env["res.partner"].create(
            {"name": "Client customer", "email": "client@example.com"}
        )
        with tempfile.TemporaryDirectory() as tmp:
            self.generate(tmp)
            document = json.loads(Path(tmp, "openapi.json").read_text())
            operations = self.document_operations(document)
            # the demo's 8 snippet operations (the mobile profile is scoped) and
            # the 6 of its resource
            self.assertEqual(len(operations), 14, sorted(operations))
            mod = importlib.import_module
            client_mod = mod(f"{PACKAGE}.client")
            models = mod(f"{PACKAGE}.models")
            types = mod(f"{PACKAGE}.types")
            api = {op_id: mod(module) for op_id, (module, *_) in operations.items()}
            with self.allow_requests():
                cookies = {TEST_CURSOR_COOKIE_NAME: self.opener.cookies[TEST_CURSOR_COOKIE_NAME]}
                client = client_mod.AuthenticatedClient(
                    base_url=self.base_url(), token=self.api_key, cookies=cookies
                )
                anonymous = client_mod.Client(base_url=self.base_url(), cookies=cookies)
                seen = self._call_every_operation(api, models, types, client, anonymous, customer)
                seen |= self._call_the_resource(api, operations, models, client)
        # every operation of the document was called, and only those
        self.assertEqual({name for name, _status in seen}, set(operations))

    def _call_every_operation(self, api, models, types, client, anonymous, customer):
        seen = set()

        def call(name, status, expected_type, **kw):
            response = api[name].sync_detailed(client=kw.pop("client", client), **kw)
            self.assertEqual(response.status_code, status, response.content)
            parsed = response.parsed
            self.assertIsInstance(parsed, expected_type, response.content)
            seen.add((name, status))
            return parsed

        get = "get_api_mobile_customer_customer_id"
        found = call(
            get, 200, models.GetApiMobileCustomerCustomerIdResponse, customer_id=customer.id
        )
        self.assertEqual((found.data.id, found.data.name), (customer.id, "Client customer"))
        missing = call(get, 404, models.Error, customer_id=customer.id + 10**6)
        self.assertIn("not found", missing.message)
        self.assertEqual(missing.arguments[-1], 404)
        unauthorized = call(get, 401, models.Error, customer_id=customer.id, client=anonymous)
        self.assertEqual(unauthorized.name, "rest_endpoint.errors.Unauthorized")

        put = "put_api_mobile_customer_customer_id"
        body = models.PutApiMobileCustomerCustomerIdRequest.from_dict({"phone": "+1 555 0100"})
        updated = call(put, 200, models.PutApiMobileCustomerCustomerIdResponse,
                       customer_id=customer.id, body=body)  # fmt: skip
        self.assertEqual(updated.data.phone, "+1 555 0100")
        bad = models.PutApiMobileCustomerCustomerIdRequest.from_dict({"phone": "letters"})
        refused = call(put, 400, models.Error, customer_id=customer.id, body=bad)
        self.assertIsInstance(refused.errors[0], models.ValidationViolation)
        self.assertEqual(refused.errors[0].path, "/phone")

        post = "post_api_mobile_customer"
        new = models.PostApiMobileCustomerRequest.from_dict({"name": "Generated", "phone": "123"})
        created = call(post, 201, models.PostApiMobileCustomerResponse, body=new)
        self.assertEqual(created.data.name, "Generated")

        delete = "delete_api_mobile_customer_customer_id"
        deleted = call(delete, 200, models.DeleteApiMobileCustomerCustomerIdResponse,
                       customer_id=created.data.id)  # fmt: skip
        self.assertEqual(deleted.data.id, created.data.id)
        in_use = call(delete, 409, models.Error, customer_id=self.api_user.partner_id.id)
        self.assertIn("cannot be deleted", in_use.message)

        search = "post_api_mobile_customer_search"
        envelope = {"jsonrpc": "2.0", "method": "call", "id": 7}
        query = models.PostApiMobileCustomerSearchBody.from_dict(
            {**envelope, "params": {"query": "Client customer"}}
        )
        result = call(search, 200, models.PostApiMobileCustomerSearchResponse200, body=query)
        self.assertEqual(result.result.count, 1)
        self.assertEqual(result.result.customers[0].id, customer.id)
        invalid = models.PostApiMobileCustomerSearchBody.from_dict(
            {**envelope, "params": {"query": ""}}  # minLength 1
        )
        rpc_error = call(search, 400, models.JsonRpcError, body=invalid)
        self.assertIsInstance(rpc_error.error.data, models.Error)
        self.assertEqual(rpc_error.id, 7)

        orders = "post_api_orders"
        accepted = call(orders, 202, models.PostApiOrdersResponse,
                        body=models.PostApiOrdersRequest.from_dict(ORDER))  # fmt: skip
        self.assertEqual(accepted.data.amount_total, 358.0)
        no_lines = models.PostApiOrdersRequest.from_dict({**ORDER, "lines": []})
        self.assertIsInstance(call(orders, 400, models.Error, body=no_lines).errors, list)

        profile = "get_api_mobile_profile"
        mobile_key = (
            self.env["res.users.apikeys"]
            .with_user(self.api_user)
            .sudo()
            ._generate("rest_endpoint:mobile", "mobile key", None)
        )
        scoped = attrs.evolve(client, token=mobile_key)
        # no response schema: the generated client does not type its 200
        me = api[profile].sync_detailed(client=scoped)
        self.assertEqual(me.status_code, 200, me.content)
        self.assertEqual(json.loads(me.content)["login"], self.api_user.login)
        seen.add((profile, 200))
        wrong_scope = call(profile, 403, models.Error)  # a global key
        self.assertEqual(wrong_scope.name, "rest_endpoint.errors.Forbidden")

        notice = "post_api_shipments_notice"
        xml = types.File(payload=io.BytesIO(SHIPMENT.encode()))
        ack = call(notice, 200, models.PostApiShipmentsNoticeResponse, body=xml)
        self.assertEqual((ack.data.packages, ack.data.units), (2, 5))
        broken = types.File(payload=io.BytesIO(b"<shipmentNotice/>"))
        self.assertEqual(call(notice, 400, models.Error, body=broken).errors[0].validator, "xsd")

        return seen

    def _call_the_resource(self, api, operations, models, client):
        """The six operations of the demo's /api/v1/customers resource,
        bodies built with the generated request types."""
        seen = set()

        def call(name, status, *args, **kw):
            response = api[name].sync_detailed(*args, client=client, **kw)
            self.assertEqual(response.status_code, status, response.content)
            parsed = response.parsed
            if status != 204:  # a 204 has no content to parse
                self.assertTrue(type(parsed).__module__.startswith(f"{PACKAGE}.models."), parsed)
            seen.add((name, status))
            return parsed

        def body(name, values):
            hint = typing.get_type_hints(api[name].sync_detailed)["body"]
            # a union when the operation takes several content types
            model = next(k for k in typing.get_args(hint) or (hint,) if hasattr(k, "from_dict"))
            return model.from_dict(values)

        ops = {
            (method, path != "/api/v1/customers"): op_id
            for op_id, (_module, method, path) in operations.items()
            if path.startswith("/api/v1/customers")
        }
        self.assertEqual(len(ops), 6, sorted(operations))
        values = {"name": "Generated Co", "city": "Lyon"}
        created = call(ops["post", False], 201, body=body(ops["post", False], values))
        new_id = created.data.id
        self.assertEqual((created.data.name, created.data.city), ("Generated Co", "Lyon"))
        page = call(ops["get", False], 200, limit=100, order="id desc")
        self.assertIn(new_id, [record.id for record in page.data])
        self.assertEqual(page.meta.limit, 100)
        read = call(ops["get", True], 200, new_id)
        self.assertEqual(read.data.name, "Generated Co")
        put = call(ops["put", True], 200, new_id,
                   body=body(ops["put", True], {"phone": "+1 555 0111"}))  # fmt: skip
        self.assertEqual(put.data.phone, "+1 555 0111")
        patched = call(ops["patch", True], 200, new_id,
                       body=body(ops["patch", True], {"email": "co@example.com"}))  # fmt: skip
        self.assertEqual(
            (patched.data.email, patched.data.phone), ("co@example.com", "+1 555 0111")
        )
        call(ops["delete", True], 204, new_id)
        gone = call(ops["get", True], 404, new_id)
        self.assertIsInstance(gone, models.Error)
        self.assertFalse(self.env["res.partner"].browse(new_id).exists())
        return seen
