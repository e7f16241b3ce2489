# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Production: the request log, scoped API keys and metrics, over HTTP (rate
limits are in test_rate_limit.py, the multi-process side in
test_operations_servers.py)."""

import json
import xmlrpc.client
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..serving import request_log
from .common import OperationsCase, serialization_failure_after_first_pass

FAIL_AFTER_WRITE = """
env["res.partner"].create({"name": "Rolled back partner"})
raise exceptions.UserError("refused on purpose")
"""
ECHO = "result = {'payload': {'ok': True, 'secret_token': 'resp-s3cret', 'got': payload}}"


@tagged("post_install", "-at_install")
class TestRequestLog(OperationsCase):
    def test_success_logged_with_caller_and_key(self):
        endpoint = self.make_endpoint(route="/api/log/ok", auth_type="bearer", log_requests="all")
        response = self.request("GET", "/api/log/ok?x=1", key=self.api_key)
        self.assertEqual(response.status_code, 200, response.text)
        (row,) = self.logs(endpoint)
        self.assertEqual((row.method, row.path, row.status), ("GET", "/api/log/ok", 200))
        self.assertEqual(row.status_class, "2xx")
        self.assertEqual(row.user_id, self.api_user)
        self.assertEqual(row.api_key_name, "rest_endpoint tests")
        self.assertEqual(row.remote_addr, "127.0.0.1")
        self.assertGreater(row.duration_ms, 0)
        self.assertFalse(row.error_message)
        self.assertFalse(row.request_body)  # bodies are off by default
        self.assertTrue(row.create_date)

    def test_errors_mode_logs_failures_only_and_none_nothing(self):
        errors = self.make_endpoint(route="/api/log/err", auth_type="bearer")
        self.assertEqual(errors.log_requests, "errors")  # the default
        self.assertEqual(self.request("GET", "/api/log/err", key=self.api_key).status_code, 200)
        self.assertJsonError(self.request("GET", "/api/log/err", key="x" * 40), 401)
        (row,) = self.logs(errors)
        self.assertEqual(row.status, 401)
        self.assertIn("Invalid API key", row.error_message)
        self.assertFalse(row.user_id)
        quiet = self.make_endpoint(route="/api/log/none", auth_type="bearer", log_requests="none")
        self.assertJsonError(self.request("GET", "/api/log/none"), 401)
        self.assertFalse(self.logs(quiet))

    @mute_logger("odoo.http")
    def test_rolled_back_failure_is_logged(self):
        endpoint = self.make_endpoint(
            route="/api/log/rollback", code_snippet=FAIL_AFTER_WRITE, log_requests="errors"
        )
        self.assertJsonError(self.request("GET", "/api/log/rollback"), 400)
        (row,) = self.logs(endpoint)
        self.assertEqual(row.status, 400)
        self.assertEqual(row.error_message, "refused on purpose")
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Rolled back partner")]))

    def test_retried_request_logged_once_with_final_outcome(self):
        endpoint = self.make_endpoint(route="/api/log/retry", log_requests="all", rate_limit=2)
        with serialization_failure_after_first_pass() as passes:
            response = self.request("GET", "/api/log/retry")
        self.assertEqual(passes, [200, 200])
        self.assertEqual(response.status_code, 200, response.text)
        # counted once for the rate limit too: one request left of two
        self.assertEqual(response.headers["RateLimit-Remaining"], "1")
        rows = self.logs(endpoint)
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows.status, 200)

    def test_bodies_redacted_and_truncated(self):
        endpoint = self.make_endpoint(
            route="/api/log/bodies",
            auth_type="bearer",
            request_method="POST",
            request_content_type="application/json",
            code_snippet=ECHO,
            log_requests="all",
            log_bodies=True,
        )
        body = {"login": "bob", "password": "hunter2", "nested": {"api_key": "k-s3cret"}}
        response = self.request(
            "POST",
            "/api/log/bodies",
            key=self.api_key,
            data=json.dumps(body),
            headers={"Content-Type": "application/json", "X-Api-Key": "header-s3cret"},
        )
        self.assertEqual(response.status_code, 200, response.text)
        (row,) = self.logs(endpoint)
        stored = " ".join(
            [row.request_headers, row.request_body, row.response_headers, row.response_body]
        )
        for secret in (self.api_key, "hunter2", "k-s3cret", "header-s3cret", "resp-s3cret"):
            self.assertNotIn(secret, stored)
        self.assertIn("Authorization: [redacted]", row.request_headers)
        self.assertIn("Cookie: [redacted]", row.request_headers)  # the test runner's cookie
        self.assertEqual(json.loads(row.request_body)["login"], "bob")
        self.assertIn('"ok": true', row.response_body)
        # truncated to the configured size
        self.env["ir.config_parameter"].sudo().set_param(request_log.BODY_SIZE_PARAM, "20")
        self.request(
            "POST",
            "/api/log/bodies",
            key=self.api_key,
            data=json.dumps({"pad": "x" * 200, "password": "hunter2"}),
            headers={"Content-Type": "application/json"},
        )
        row = self.logs(endpoint)[-1]
        self.assertIn("[truncated:", row.request_body)
        self.assertLess(len(row.request_body), 80)
        self.assertNotIn("hunter2", row.request_body)

    def test_retention_cron(self):
        endpoint = self.make_endpoint(route="/api/log/old", log_requests="all")
        self.request("GET", "/api/log/old")
        self.request("GET", "/api/log/old")
        old, recent = self.logs(endpoint)
        self.env.cr.execute(
            "UPDATE endpoint_log SET create_date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(days=31), old.id],
        )
        # the call counters go with the same retention
        old_hour = (fields.Datetime.now() - timedelta(days=31)).replace(minute=0, second=0)
        request_log.write_counts(self.env.cr, [(endpoint.id, old_hour, "2xx")])
        Stat = self.env["endpoint.stat"]
        self.assertEqual(Stat.search_count([("endpoint_id", "=", endpoint.id)]), 2)
        self.env["endpoint.log"]._cron_purge()
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())
        self.assertEqual(Stat.search_count([("endpoint_id", "=", endpoint.id)]), 1)
        self.env["ir.config_parameter"].sudo().set_param("rest_endpoint.log_retention_days", "0")
        self.env.cr.execute(
            "UPDATE endpoint_log SET create_date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(days=400), recent.id],
        )
        self.env["endpoint.log"]._cron_purge()  # 0: keep everything
        self.assertTrue(recent.exists())
        cron = self.env.ref("rest_endpoint.cron_purge_request_log")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))

    def test_smart_button_counts_last_24h(self):
        endpoint = self.make_endpoint(route="/api/log/button", auth_type="bearer")
        endpoint.log_requests = "all"
        endpoint.action_sync_registry()
        self.request("GET", "/api/log/button", key=self.api_key)
        self.request("GET", "/api/log/button")  # 401
        self.logs(endpoint)
        endpoint.invalidate_recordset(["calls_24h", "error_rate_24h"])
        self.assertEqual(endpoint.calls_24h, 2)
        self.assertEqual(endpoint.error_rate_24h, 50.0)
        action = endpoint.action_view_calls()
        self.assertEqual(action["domain"], [("endpoint_id", "=", endpoint.id)])
        self.assertTrue(action["view_mode"].startswith("graph"))


@tagged("post_install", "-at_install")
class TestScopedKeys(OperationsCase):
    def test_scoped_keys_open_exactly_their_endpoints(self):
        self.make_endpoint(route="/api/mobile/me", auth_type="bearer", api_key_scope="mobile")
        self.make_endpoint(route="/api/global/me", auth_type="bearer")
        mobile = self.scoped_key("rest_endpoint:mobile")
        other = self.scoped_key("rest_endpoint:backoffice")
        self.assertEqual(self.request("GET", "/api/mobile/me", key=mobile).status_code, 200)
        body = self.assertJsonError(self.request("GET", "/api/mobile/me", key=self.api_key), 403)
        self.assertIn("only API keys of scope 'rest_endpoint:mobile'", body["message"])
        self.assertJsonError(self.request("GET", "/api/mobile/me", key=other), 403)
        self.assertEqual(self.request("GET", "/api/global/me", key=self.api_key).status_code, 200)
        body = self.assertJsonError(self.request("GET", "/api/global/me", key=mobile), 403)
        self.assertIn("limited to scope 'rest_endpoint:mobile'", body["message"])
        # keys of other modules' scopes stay unknown here
        foreign = self.scoped_key("some_module")
        self.assertJsonError(self.request("GET", "/api/mobile/me", key=foreign), 401)

    @mute_logger("odoo.http")
    def test_json2_and_xmlrpc_refuse_scoped_keys(self):
        mobile = self.scoped_key("rest_endpoint:mobile")
        response = self.url_open(
            "/json/2/res.partner/search_count",
            json={"domain": []},
            headers={"Authorization": f"Bearer {mobile}"},
        )
        self.assertEqual(response.status_code, 401, response.text)
        response = self.url_open(
            "/json/2/res.partner/search_count",
            json={"domain": []},
            headers={"Authorization": f"Bearer {self.api_key}"},
        )
        self.assertEqual(response.status_code, 200, response.text)
        proxy = self.xmlrpc_object
        args = (self.env.cr.dbname, self.api_user.id)
        with self.assertRaises(xmlrpc.client.Fault):
            proxy.execute_kw(*args, mobile, "res.partner", "search_count", [[]])
        self.assertGreater(
            proxy.execute_kw(*args, self.api_key, "res.partner", "search_count", [[]]), 0
        )

    def test_wizard_creates_a_scoped_key_shown_once(self):
        self.make_endpoint(route="/api/mobile/wiz", auth_type="bearer", api_key_scope="mobile")
        admin = self.env.ref("base.user_admin")
        wizard = (
            self.env["endpoint.apikey.wizard"]
            .with_user(admin)
            .create({"user_id": self.api_user.id, "scope": "mobile", "name": "Phone app"})
        )
        self.assertEqual(wizard.full_scope, "rest_endpoint:mobile")
        action = wizard.action_generate()
        self.assertEqual(action["res_id"], wizard.id)
        key = wizard.key
        self.assertTrue(key)
        row = self.env["res.users.apikeys"].sudo().search([("name", "=", "Phone app")])
        self.assertEqual((row.user_id, row.scope), (self.api_user, "rest_endpoint:mobile"))
        response = self.request("GET", "/api/mobile/wiz", key=key)
        self.assertEqual(response.status_code, 200, response.text)
        with self.assertRaises(AccessError):
            self.env["endpoint.apikey.wizard"].with_user(self.api_user).create(
                {"user_id": self.api_user.id, "scope": "mobile"}
            )

    def test_scope_only_on_bearer_endpoints(self):
        with self.assertRaisesText(Exception, "bearer"):
            self.make_endpoint(route="/api/mobile/bad", auth_type="public", api_key_scope="mobile")


@tagged("post_install", "-at_install")
class TestMetrics(OperationsCase):
    def _scrape(self, key):
        return self.request("GET", "/rest_endpoint/metrics", key=key)

    def _requests(self, text, endpoint):
        # imported here: the addon's metrics.py sets up the multiprocess mode
        # before prometheus_client is first imported
        from prometheus_client.parser import text_string_to_metric_families  # noqa: PLC0415

        total = 0
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == "rest_endpoint_requests_total" and (
                    sample.labels.get("endpoint") == endpoint
                ):
                    total += sample.value
        return total

    def test_access_and_counts(self):
        self.assertJsonError(self._scrape(None), 401)
        self.assertJsonError(self._scrape(self.api_key), 403)  # not an administrator
        self.assertJsonError(self._scrape(self.scoped_key("rest_endpoint:mobile")), 403)
        key = self.scoped_key("rest_endpoint:metrics")
        self.make_endpoint(name="metrics probe", route="/api/metrics/probe")
        before = self._requests(self._scrape(key).text, "metrics probe")
        for _i in range(3):
            self.assertEqual(self.request("GET", "/api/metrics/probe").status_code, 200)
        request_log.settle()  # counted when each response is closed
        response = self._scrape(key)
        count = self._requests(response.text, "metrics probe")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertTrue(response.headers["Content-Type"].startswith("text/plain"))
        self.assertEqual(count, before + 3)
        from prometheus_client.parser import text_string_to_metric_families  # noqa: PLC0415

        names = {family.name for family in text_string_to_metric_families(response.text)}
        self.assertLessEqual(
            {
                "rest_endpoint_requests",
                "rest_endpoint_request_duration_seconds",
                "rest_endpoint_registry_version",
            },
            names,
        )
        # a JSON 404 under an endpoint prefix is counted too (no endpoint)
        before_404 = self._requests(self._scrape(key).text, "")
        self.assertJsonError(self.request("GET", "/api/metrics/nowhere"), 404)
        request_log.settle()
        after_404 = self._requests(self._scrape(key).text, "")
        self.assertEqual(after_404, before_404 + 1)
        # a settings administrator's global key opens it too
        admin = self.env.ref("base.user_admin")
        admin_key = self.env["res.users.apikeys"].with_user(admin).sudo()._generate(None, "a", None)
        self.assertEqual(self._scrape(admin_key).status_code, 200)
