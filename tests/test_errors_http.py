# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""What error responses may tell a caller, through the real HTTP stack."""

import json
from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged
from odoo.tools import config, mute_logger

from ..core.request import errors as core_errors
from ..serving.dispatcher import TRACEBACKS_DEV_MODE
from .common import EndpointCase

JSON = {"Content-Type": "application/json"}
QUIET = ("odoo.http", "odoo.addons.rest_endpoint.serving.dispatcher")
DB_QUIET = (*QUIET, "odoo.sql_db")  # "bad query" lines of the refused INSERTs
CRASH = "result = {'payload': 1 / 0}"
GENERIC_500 = {
    "name": "rest_endpoint.errors.InternalError",
    "message": "Internal Server Error",
    "arguments": ["Internal Server Error", 500],
    "context": {},
}
READ_PARTNER = (
    "p = env['res.partner'].browse(params['pid'])\nresult = {'payload': {'name': p.name}}"
)


def dev_mode(*features):
    return patch.dict(config.options, {"dev_mode": list(features)})


@tagged("post_install", "-at_install")
class TestServerErrors(EndpointCase):
    def setUp(self):
        super().setUp()
        self.make_endpoint(route="/api/e/crash", code_snippet=CRASH)
        self.make_endpoint(
            route="/api/e/rpc",
            route_type="json",
            request_method="POST",
            request_content_type="application/json",
            code_snippet=CRASH,
        )

    def _crash(self):
        with mute_logger(*QUIET):
            return self.request("GET", "/api/e/crash")

    def _crash_rpc(self):
        envelope = {"jsonrpc": "2.0", "method": "call", "params": {}, "id": 9}
        with mute_logger(*QUIET):
            return self.request(
                "POST", "/api/e/rpc", data=json.dumps(envelope).encode(), headers=JSON
            )

    def test_5xx_is_generic(self):
        response = self._crash()
        self.assertJsonError(response, 500)
        self.assertEqual(response.json(), GENERIC_500)
        for leak in ("builtins", "ZeroDivision", "division by zero"):
            self.assertNotIn(leak, response.text)
        body = self._crash_rpc().json()
        self.assertEqual(body["id"], 9)
        self.assertEqual(body["error"]["code"], core_errors.JSONRPC_INTERNAL_ERROR)
        self.assertEqual(body["error"]["data"], GENERIC_500)

    def test_the_real_exception_goes_to_the_log(self):
        with self.assertLogs("odoo.http", "ERROR") as logs:
            self.request("GET", "/api/e/crash")
        self.assertIn("ZeroDivisionError: division by zero", "\n".join(logs.output))

    def test_no_traceback_in_any_other_dev_mode(self):
        # "all" is what odoo-bin expands --dev=all to; "werkzeug" also lets
        # the exception bubble past ir.http to odoo.http's WSGI entry point,
        # which then calls our handler after the cursor is closed.
        for features in (["reload"], ["all", "access", "qweb", "reload", "xml"], ["werkzeug"]):
            with self.subTest(features=features), dev_mode(*features):
                response = self._crash()
                self.assertJsonError(response, 500)
                self.assertEqual(response.json(), GENERIC_500)
                rpc = self._crash_rpc()
                self.assertEqual(rpc.status_code, 500)
                self.assertEqual(rpc.json()["error"]["data"], GENERIC_500)

    def test_traceback_on_explicit_opt_in(self):
        with dev_mode("reload", TRACEBACKS_DEV_MODE):
            body = self._crash().json()
            rpc = self._crash_rpc().json()
        self.assertIn("ZeroDivisionError: division by zero", body["debug"])
        self.assertEqual(body["name"], GENERIC_500["name"])
        self.assertIn("ZeroDivisionError", rpc["error"]["data"]["debug"])


@tagged("post_install", "-at_install")
class TestAccessErrorDetails(EndpointCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        other = cls.env["res.company"].create({"name": "Other company (errors)"})
        # readable by nobody of the main company: res.partner's company rule
        cls.hidden = cls.env["res.partner"].create({"name": "Hidden", "company_id": other.id})
        cls.service_user = cls.env["res.users"].create(
            {
                "name": "Service user",
                "login": "rest_endpoint_service_user",
                "group_ids": [Command.set([cls.env.ref("base.group_user").id])],
            }
        )

    def _read_hidden(self, route, **vals):
        self.make_endpoint(route=route + "/<int:pid>", code_snippet=READ_PARTNER, **vals)
        with self.assertLogs("odoo.http", "WARNING") as logs:
            response = self.request("GET", f"{route}/{self.hidden.id}", key=self.api_key)
        return response, "\n".join(logs.output)

    def test_public_callers_get_a_generic_403(self):
        response, log = self._read_hidden("/api/a/public")
        body = self.assertJsonError(response, 403, "odoo.exceptions.AccessError")
        self.assertEqual(body["message"], core_errors.GENERIC_ACCESS_MESSAGE)
        self.assertEqual(body["arguments"], [core_errors.GENERIC_ACCESS_MESSAGE, 403])
        self.assertNotIn(self.api_user.name, response.text)
        self.assertNotIn("res.partner", response.text)
        # the server log keeps the whole story
        self.assertIn(self.api_user.name, log)
        self.assertIn("res.partner", log)

    def test_callers_running_as_another_user_get_a_generic_403(self):
        response, log = self._read_hidden(
            "/api/a/service", auth_type="bearer", exec_as_user_id=self.service_user.id
        )
        body = self.assertJsonError(response, 403)
        self.assertEqual(body["message"], core_errors.GENERIC_ACCESS_MESSAGE)
        self.assertNotIn("Service user", response.text)
        self.assertIn("Service user", log)

    def test_a_caller_running_as_itself_sees_the_detail(self):
        response, _log = self._read_hidden("/api/a/self", auth_type="bearer", exec_as_user_id=False)
        body = self.assertJsonError(response, 403, "odoo.exceptions.AccessError")
        self.assertIn(self.api_user.name, body["message"])

    def test_missing_records_are_generic_like_access_errors(self):
        """One rule for every ORM error naming records or users: a missing
        record's text names the model, the ids and the user's id."""
        missing = self.env["res.partner"].create({"name": "Gone soon"})
        missing.unlink()
        self.make_endpoint(route="/api/m/public/<int:pid>", code_snippet=READ_PARTNER)
        with self.assertLogs("odoo.http", "WARNING") as logs:
            response = self.request("GET", f"/api/m/public/{missing.id}")
        body = self.assertJsonError(response, 404, "odoo.exceptions.MissingError")
        self.assertEqual(body["message"], core_errors.GENERIC_MISSING_MESSAGE)
        self.assertEqual(body["arguments"], [core_errors.GENERIC_MISSING_MESSAGE, 404])
        for detail in (f"res.partner({missing.id},)", f"User: {self.api_user.id}"):
            self.assertNotIn(detail, response.text)
            self.assertIn(detail, "\n".join(logs.output))  # the server log keeps it
        # the user the code runs as sees the detail; an author's UserError passes
        self.make_endpoint(
            route="/api/m/self/<int:pid>",
            code_snippet=READ_PARTNER,
            auth_type="bearer",
            exec_as_user_id=False,
        )
        self.make_endpoint(
            route="/api/m/author", code_snippet="raise exceptions.UserError('No partner 42')"
        )
        with self.assertLogs("odoo.http", "WARNING"):
            response = self.request("GET", f"/api/m/self/{missing.id}", key=self.api_key)
            self.assertIn(f"res.partner({missing.id},)", response.json()["message"])
            response = self.request("GET", "/api/m/author")
        self.assertEqual(response.json()["message"], "No partner 42")


@tagged("post_install", "-at_install")
class TestCallerDataErrors(EndpointCase):
    def test_non_finite_json_numbers_are_400(self):
        self.make_endpoint(
            route="/api/d/echo",
            request_method="POST",
            request_content_type="application/json",
            code_snippet="result = {'payload': payload}",
        )
        self.make_endpoint(
            route="/api/d/rpc",
            route_type="json",
            request_method="POST",
            request_content_type="application/json",
            code_snippet="result = {'payload': params}",
        )
        for token in ("1e999", "-1e999", "NaN", "Infinity", "-Infinity"):
            with self.subTest(token=token):
                data = f'{{"x": {token}}}'.encode()
                response = self.request("POST", "/api/d/echo", data=data, headers=JSON)
                body = self.assertJsonError(response, 400, "rest_endpoint.errors.MalformedBody")
                self.assertIn(f"{token} is ", body["message"])
                self.assertIn("line 1, column 7 (char 6)", body["message"])
                envelope = f'{{"jsonrpc": "2.0", "params": {{"x": {token}}}, "id": 1}}'
                rpc = self.request("POST", "/api/d/rpc", data=envelope.encode(), headers=JSON)
                self.assertEqual(rpc.status_code, 400)
                error = rpc.json()["error"]
                self.assertEqual(error["code"], core_errors.JSONRPC_PARSE_ERROR)
                self.assertIn("column 36 (char 35)", error["message"])
        response = self.request("POST", "/api/d/echo", data=b'{"x": 1e308}', headers=JSON)
        self.assertEqual(response.json(), {"x": 1e308})

    def test_huge_int_in_path(self):
        self.make_endpoint(route="/api/d/item/<int:iid>", code_snippet=READ_PARTNER)
        self.make_endpoint(
            route="/api/d/wide/<int(max=99999999999999999999):pid>",
            code_snippet="env['res.partner'].create({'name': 'x', 'color': params['pid']})",
        )
        for huge in ("2147483648", "99999999999999999999", "9" * 5000):
            with self.subTest(digits=len(huge)):
                response = self.request("GET", f"/api/d/item/{huge}")
                self.assertJsonError(response, 404)
        # a route that lifts the bound reaches PostgreSQL, which refuses the
        # caller's value: 400, without the SQL
        with mute_logger(*DB_QUIET):
            response = self.request("GET", "/api/d/wide/99999999999999999999")
        body = self.assertJsonError(response, 400, "psycopg2.errors.NumericValueOutOfRange")
        self.assertEqual(body["message"], "A number is out of the range the database can store.")

    def test_integrity_errors(self):
        us = self.env.ref("base.us")
        ny = self.env["res.country.state"].search([("country_id", "=", us.id), ("code", "=", "NY")])
        self.assertTrue(ny)
        self.make_endpoint(
            route="/api/d/states",
            request_method="POST",
            request_content_type="application/json",
            code_snippet="state = env['res.country.state'].create(payload)\n"
            "result = {'payload': {'id': state.id}, 'status_code': 201}",
        )
        cases = [
            ({"name": "Dup", "code": "NY", "country_id": us.id}, 409, "must be unique"),
            ({"name": "No country", "code": "ZZ"}, 400, "Missing required value"),
            ({"name": "Bad country", "code": "ZZ", "country_id": 2**31 - 1}, 400, None),
        ]
        for values, status, needle in cases:
            with self.subTest(values=values), mute_logger(*DB_QUIET):
                response = self.request(
                    "POST", "/api/d/states", data=json.dumps(values).encode(), headers=JSON
                )
                body = self.assertJsonError(response, status, "odoo.exceptions.ValidationError")
                if needle:
                    self.assertIn(needle, body["message"])
        created = self.request(
            "POST",
            "/api/d/states",
            data=json.dumps({"name": "Fine", "code": "ZZ", "country_id": us.id}).encode(),
            headers=JSON,
        )
        self.assertEqual(created.status_code, 201, created.text)
