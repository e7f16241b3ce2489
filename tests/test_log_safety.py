# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""What the logs keep: the request log redacts every secret it is sent
(schema errors quoting values, credential headers, CSV and form bodies)
and no caller can forge a line of the server log or of endpoint.log."""

import json
import logging
import time

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..serving import dispatcher, request_log
from .common import OperationsCase

SCHEMA = "type: object\nproperties:\n  password: {type: string, minLength: 12}\n"
CREDENTIAL_HEADERS = {
    "X-Auth-Token": "hdr-auth-s3cret",
    "X-Access-Token": "hdr-access-s3cret",
    "Api-Key": "hdr-apikey-s3cret",
    "X-Amz-Security-Token": "hdr-amz-s3cret",
}
FORGED = "\r\n2026-12-06 02:50:00,000 99999 CRITICAL forged"


@tagged("post_install", "-at_install")
class TestLogRedaction(OperationsCase):
    def logged_endpoint(self, route, content_type, **vals):
        return self.make_endpoint(
            route=route,
            request_method="POST",
            request_content_type=content_type,
            code_snippet="result = {'payload': {'ok': True}}",
            log_requests="all",
            log_bodies=True,
            **vals,
        )

    def stored(self, row):
        return " ".join(
            filter(
                None,
                [
                    row.request_headers,
                    row.request_body,
                    row.response_headers,
                    row.response_body,
                    row.error_message,
                ],
            )
        )

    @mute_logger("odoo.http")
    def test_schema_errors_quoting_secrets_not_logged(self):
        endpoint = self.logged_endpoint(
            "/api/log/schema", "application/json", request_content_schema=SCHEMA
        )
        for value, secret in (("hunter2", "hunter2"), (["Arr4ySecret"], "Arr4ySecret")):
            with self.subTest(value=value):
                response = self.request(
                    "POST",
                    "/api/log/schema",
                    data=json.dumps({"login": "bob", "password": value}),
                    headers={"Content-Type": "application/json", **CREDENTIAL_HEADERS},
                )
                self.assertEqual(response.status_code, 400, response.text)
                self.assertIn(secret, response.text)  # the caller's own answer may
                row = self.logs(endpoint, 1)[-1]
                stored = self.stored(row)
                self.assertIn('"path": "/password"', stored)
                self.assertNotIn(secret, stored)
                for header, header_secret in CREDENTIAL_HEADERS.items():
                    self.assertIn(f"{header}: [redacted]", row.request_headers)
                    self.assertNotIn(header_secret, stored)

    def test_csv_form_and_pass_redacted_by_name(self):
        cases = [
            ("/api/log/csv", "text/csv", "login,password\nbob,S3cret-csv\n", "S3cret-csv"),
            (
                "/api/log/form",
                "application/x-www-form-urlencoded",
                "login=bob&pass=S3cret-form",
                "S3cret-form",
            ),
            (
                "/api/log/json",
                "application/json",
                json.dumps({"login": "bob", "pass": "S3cret-json"}),
                "S3cret-json",
            ),
        ]
        for route, content_type, body, secret in cases:
            with self.subTest(content_type=content_type):
                endpoint = self.logged_endpoint(route, content_type)
                response = self.request(
                    "POST", route, data=body, headers={"Content-Type": content_type}
                )
                self.assertEqual(response.status_code, 200, response.text)
                (row,) = self.logs(endpoint, 1)
                self.assertIn("bob", row.request_body)
                self.assertNotIn(secret, self.stored(row))

    def test_extra_names_from_system_parameter(self):
        endpoint = self.logged_endpoint("/api/log/extra", "application/json")
        self.env["ir.config_parameter"].sudo().set_param(
            request_log.REDACT_NAMES_PARAM, "iban, Routing"
        )
        body = {"iban": "FR7630006000011234567890189", "routing_no": "021000021", "x": "y"}
        self.request(
            "POST",
            "/api/log/extra",
            data=json.dumps(body),
            headers={"Content-Type": "application/json", "X-Routing": "hdr-routing"},
        )
        (row,) = self.logs(endpoint, 1)
        stored = self.stored(row)
        for secret in ("FR7630006000011234567890189", "021000021", "hdr-routing"):
            self.assertNotIn(secret, stored)
        self.assertIn('"x": "y"', row.request_body)


@tagged("post_install", "-at_install")
class TestLogInjection(OperationsCase):
    def test_forged_lines_escaped_in_server_log_and_request_log(self):
        endpoint = self.make_endpoint(
            route="/api/log/inject/<string:word>",
            code_snippet="raise exceptions.UserError('unknown word ' + params['word'])",
            log_requests="all",
        )
        # the dispatcher logs once the response is sent: collect, then wait
        records = []
        collector = logging.Handler()
        collector.emit = records.append
        dispatcher_logger = logging.getLogger(dispatcher.__name__)
        dispatcher_logger.addHandler(collector)
        self.addCleanup(dispatcher_logger.removeHandler, collector)
        with self.assertLogs("odoo.http", "INFO") as odoo_http:
            response = self.request("GET", "/api/log/inject/x%0d%0a2026%20CRITICAL%1b%c2%85y")
            self.assertEqual(response.status_code, 400, response.text)
            response = self.request("GET", "/api/nope%0d%0a2026-12-06%20CRITICAL%20forged")
            self.assertEqual(response.status_code, 404, response.text)
        (row,) = self.logs(endpoint, 1)
        deadline = time.monotonic() + 5
        while len(records) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(len(records), 2)
        lines = [record.getMessage() for record in records + odoo_http.records]
        self.assertTrue(any("unknown word x\\r\\n2026 CRITICAL" in line for line in lines), lines)
        self.assertTrue(any("/api/nope\\r\\n2026-12-06" in line for line in lines), lines)
        for text in [*lines, row.path, row.error_message]:
            for char in ("\r", "\n", "\x1b", "\x85"):
                self.assertNotIn(char, text)
        self.assertIn("\\r\\n2026 CRITICAL\\x1b\\x85y", row.path)
        self.assertIn("unknown word x\\r\\n", row.error_message)

    def test_api_key_name_escaped_in_request_log(self):
        endpoint = self.make_endpoint(
            route="/api/log/keyname", auth_type="bearer", log_requests="all"
        )
        key = (
            self.env["res.users.apikeys"]
            .with_user(self.api_user)
            .sudo()
            ._generate(None, f"mine{FORGED}", None)
        )
        self.assertEqual(self.request("GET", "/api/log/keyname", key=key).status_code, 200)
        (row,) = self.logs(endpoint, 1)
        self.assertTrue(row.api_key_name.startswith("mine"))
        self.assertNotIn("\n", row.api_key_name)
        self.assertNotIn("\r", row.api_key_name)
