# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""JSON-RPC endpoints (``route_type`` json) over HTTP."""

import json

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import EndpointCase
from .test_pipeline import JSON, QUIET


@tagged("post_install", "-at_install")
class TestJsonRoutes(EndpointCase):
    def setUp(self):
        super().setUp()
        self.make_endpoint(
            route="/api/j/sum",
            route_type="json",
            request_method="POST",
            request_content_type="application/json",
            code_snippet="result = {'payload': {'sum': payload['a'] + payload['b']}}",
        )

    def _call(self, body, method="POST"):
        return self.request(method, "/api/j/sum", data=json.dumps(body).encode(), headers=JSON)

    def test_success(self):
        response = self._call(
            {"jsonrpc": "2.0", "method": "call", "params": {"a": 1, "b": 2}, "id": 7}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"jsonrpc": "2.0", "id": 7, "result": {"sum": 3}})

    def test_bad_envelope(self):
        response = self._call({"name": "test"})
        self.assertEqual(response.status_code, 400)
        error = response.json()["error"]
        self.assertEqual(error["code"], -32600)
        self.assertIn('"jsonrpc": "2.0"', error["message"])
        self.assertIn("params", error["message"])
        self.assertEqual(error["data"]["name"], "rest_endpoint.errors.InvalidEnvelope")

    def test_envelope_member_types(self):
        for envelope in (
            {"jsonrpc": "2.0", "params": {"a": 1, "b": 2}, "id": [1]},
            {"jsonrpc": "2.0", "params": {"a": 1, "b": 2}, "id": 1, "method": ["call"]},
            {"jsonrpc": "2.0", "params": [1, 2], "id": 1},
            {"jsonrpc": "1.0", "params": {}, "id": 1},
            [{"jsonrpc": "2.0", "params": {}, "id": 1}],
            # the documented envelope is exact (client generators type it so)
            {"jsonrpc": "2.0", "params": {"a": 1, "b": 2}, "id": 1, "extra": True},
        ):
            with self.subTest(envelope=envelope):
                response = self._call(envelope)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.json()["error"]["code"], -32600)

    def test_get_is_405(self):
        response = self.request("GET", "/api/j/sum")
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response.headers["Allow"], "POST")
        self.assertEqual(response.json()["error"]["code"], 405)

    def test_application_error(self):
        with mute_logger(*QUIET):
            response = self._call({"jsonrpc": "2.0", "params": {"a": 1}, "id": "x"})
        self.assertEqual(response.status_code, 500)
        body = response.json()
        self.assertEqual(body["id"], "x")
        self.assertEqual(body["error"]["code"], -32603)
        self.assertEqual(body["error"]["data"]["message"], "Internal Server Error")
        self.assertNotIn("debug", body["error"]["data"])

    def test_auth_errors_use_the_envelope(self):
        self.make_endpoint(
            route="/api/j/secure",
            route_type="json",
            request_method="POST",
            request_content_type="application/json",
            auth_type="bearer",
            exec_as_user_id=False,
            code_snippet="result = {'payload': user.login}",
        )
        envelope = json.dumps({"jsonrpc": "2.0", "params": {}, "id": 3}).encode()
        response = self.request("POST", "/api/j/secure", data=envelope, headers=JSON)
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.headers["WWW-Authenticate"], "Bearer")
        body = response.json()
        self.assertEqual((body["id"], body["error"]["code"]), (3, 401))
        response = self.request(
            "POST", "/api/j/secure", data=envelope, headers=JSON, key=self.api_key
        )
        self.assertEqual(response.json()["result"], self.api_user.login)
        response = self.request(
            "POST",
            "/api/j/secure",
            data=b"x=1",
            key=self.api_key,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        self.assertEqual(response.status_code, 415)
        self.assertEqual(response.json()["error"]["code"], 415)

    def test_parse_error(self):
        response = self.request("POST", "/api/j/sum", data=b"{nope", headers=JSON)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"]["code"], -32700)
