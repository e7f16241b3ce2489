# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Odoo runs a request again after a serialization failure and when a
read-only cursor meets a write: every pass must see the same body, and the
request is logged once, with what the client finally got."""

import json
import logging
from unittest.mock import patch

from odoo.exceptions import ConcurrencyError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..serving import request_log
from .common import EndpointCase, serialization_failure_after_first_pass

SCHEMA = json.dumps(
    {
        "type": "object",
        "required": ["phone"],
        "properties": {"phone": {"type": "string"}},
    }
)
WRITE_PHONE = """
partner = env["res.partner"].browse(params["pid"])
partner.write({"phone": payload["phone"]})
result = {"payload": {"phone": partner.phone, "seen": payload}}
"""
LOGGER = "odoo.addons.rest_endpoint.serving.dispatcher"


@tagged("post_install", "-at_install")
class TestRetriedRequests(EndpointCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.env["res.partner"].create({"name": "Retried customer"})

    def _put(self, route, phone):
        return self.request(
            "PUT",
            route.replace("<int:pid>", str(self.partner.id)),
            data=json.dumps({"phone": phone}),
            headers={"Content-Type": "application/json"},
        )

    def _endpoint(self, route, **vals):
        return self.make_endpoint(
            route=route,
            request_method="PUT",
            request_content_type="application/json",
            code_snippet=WRITE_PHONE,
            **vals,
        )

    def _dispatcher_lines(self, logs, path):
        """The request's log lines. The line is written when the server has
        closed the response, which may be just after the client has it:
        wait for that (request_log.settle), then read."""
        request_log.settle()
        return [line for line in logs.output if f"PUT {path} ->" in line]

    def test_serialization_failure_retry_sees_the_same_body_and_logs_once(self):
        route = "/api/retry/<int:pid>"
        self._endpoint(route, request_content_schema=SCHEMA)
        path = route.replace("<int:pid>", str(self.partner.id))
        with (
            serialization_failure_after_first_pass() as passes,
            self.assertLogs(LOGGER, logging.INFO) as logs,
        ):
            response = self._put(route, "+1 555 0199")
            lines = self._dispatcher_lines(logs, path)
        self.assertEqual(passes, [200, 200])
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(
            response.json(), {"phone": "+1 555 0199", "seen": {"phone": "+1 555 0199"}}
        )
        self.assertEqual(len(lines), 1, logs.output)
        self.assertIn(f"PUT {path} -> 200", lines[0])
        self.assertIn("(2 attempts)", lines[0])

    def test_retry_without_schema_runs_the_snippet_with_the_payload(self):
        route = "/api/retry-noschema/<int:pid>"
        self._endpoint(route)
        calls = []
        Endpoint = type(self.env["endpoint.endpoint"])
        original = Endpoint._handle_exec__code

        def fail_once(model, compiled, context):
            calls.append(context["payload"])
            if len(calls) == 1:
                raise ConcurrencyError("could not serialize access due to concurrent update")
            return original(model, compiled, context)

        with (
            patch.object(Endpoint, "_handle_exec__code", fail_once),
            patch("odoo.service.model.random.uniform", return_value=0),
        ):
            response = self._put(route, "+1 555 0142")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(calls, [{"phone": "+1 555 0142"}] * 2)

    def test_readonly_endpoint_that_writes_is_served_on_the_second_pass(self):
        route = "/api/retry-ro/<int:pid>"
        self._endpoint(route, readonly=True, request_content_schema=SCHEMA)
        path = route.replace("<int:pid>", str(self.partner.id))
        with (
            # Odoo logs the write on the read-only cursor, then retries
            mute_logger("odoo.sql_db", "odoo.http"),
            self.assertLogs(LOGGER, logging.INFO) as logs,
        ):
            response = self._put(route, "+1 555 0123")
            lines = self._dispatcher_lines(logs, path)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["phone"], "+1 555 0123")
        self.partner.invalidate_recordset(["phone"])
        self.assertEqual(self.partner.phone, "+1 555 0123")
        self.assertEqual(len(lines), 1, logs.output)
        self.assertIn(f"PUT {path} -> 200", lines[0])
        self.assertIn("(2 attempts)", lines[0])

    def test_failed_request_is_logged_once_with_its_error(self):
        route = "/api/retry-bad/<int:pid>"
        self._endpoint(route, request_content_schema=SCHEMA)
        path = route.replace("<int:pid>", str(self.partner.id))
        with self.assertLogs(LOGGER, logging.INFO) as logs:
            response = self.request(
                "PUT",
                path,
                data=json.dumps({"phone": 5}),
                headers={"Content-Type": "application/json"},
            )
            lines = self._dispatcher_lines(logs, path)
        self.assertJsonError(response, 400)
        self.assertEqual(len(lines), 1, logs.output)
        self.assertIn("-> 400", lines[0])
