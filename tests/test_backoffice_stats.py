# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The back office tells the truth: call counters (endpoint.stat) count every
call once, with its final status, whatever the log level; documentation
fields reach the OpenAPI document without a sync; the list shows what a
model resource serves."""

from unittest.mock import patch

from odoo.exceptions import ConcurrencyError
from odoo.tests import tagged

from ..serving import request_log
from ..serving.dispatcher import RestEndpointDispatcher
from .common import EndpointCase, OperationsCase, serialization_failure_after_first_pass

FAIL_ON_QUERY = """
if query.get("fail"):
    raise werkzeug.exceptions.BadRequest("refused")
result = {"payload": {"ok": True}}
"""


@tagged("post_install", "-at_install")
class TestCallCounters(OperationsCase):
    def counters(self, endpoint, calls):
        """(calls, errors) of ``endpoint`` once every request sent so far was
        closed (``calls`` of them counted at least: see request_log.settle)."""
        request_log.flush_pending(self.env.cr, calls=calls)
        stats = self.env["endpoint.stat"].search([("endpoint_id", "=", endpoint.id)])
        return sum(stats.mapped("calls")), sum(stats.mapped("errors"))

    def test_every_call_counted_with_the_default_log_level(self):
        endpoint = self.make_endpoint(route="/api/stats/default", code_snippet=FAIL_ON_QUERY)
        self.assertEqual(endpoint.log_requests, "errors")
        for _i in range(3):
            self.assertEqual(self.request("GET", "/api/stats/default").status_code, 200)
        self.assertEqual(self.request("GET", "/api/stats/default?fail=1").status_code, 400)
        self.assertEqual(self.counters(endpoint, 4), (4, 1))
        # the log keeps the error only; the smart button counts every call
        self.assertEqual(len(self.logs(endpoint, 1)), 1)
        endpoint.invalidate_recordset(["calls_24h", "error_rate_24h"])
        self.assertEqual((endpoint.calls_24h, endpoint.error_rate_24h), (4, 25.0))
        stat = self.env["endpoint.stat"].search([("endpoint_id", "=", endpoint.id)])
        self.assertEqual(sorted(stat.mapped("status_class")), ["2xx", "4xx"])
        self.assertEqual(set(stat.mapped("hour")), {stat[0].hour.replace(minute=0, second=0)})

    def test_log_level_none_still_counted(self):
        endpoint = self.make_endpoint(route="/api/stats/none", log_requests="none")
        self.request("GET", "/api/stats/none")
        self.request("GET", "/api/stats/none")
        self.assertEqual(self.counters(endpoint, 2), (2, 0))
        self.assertFalse(self.logs(endpoint, 0))

    def test_retried_request_counted_once(self):
        endpoint = self.make_endpoint(route="/api/stats/retry")
        with serialization_failure_after_first_pass() as passes:
            self.assertEqual(self.request("GET", "/api/stats/retry").status_code, 200)
        self.assertEqual(passes, [200, 200])
        self.assertEqual(self.counters(endpoint, 1), (1, 0))

    def test_retried_request_counted_with_its_final_status(self):
        # The first pass answered 503, then Odoo ran the request again: the
        # client got the second pass's 200, and that is what is counted.
        endpoint = self.make_endpoint(route="/api/stats/final")
        original = RestEndpointDispatcher.post_dispatch
        passes = []

        def fail_first_pass(dispatcher, response):
            result = original(dispatcher, response)
            passes.append(response.status_code)
            if len(passes) == 1:
                response.status_code = 503
                raise ConcurrencyError("could not serialize access due to concurrent update")
            return result

        with (
            patch.object(RestEndpointDispatcher, "post_dispatch", fail_first_pass),
            patch("odoo.service.model.random.uniform", return_value=0),
        ):
            self.assertEqual(self.request("GET", "/api/stats/final").status_code, 200)
        self.assertEqual(len(passes), 2)
        self.assertEqual(self.counters(endpoint, 1), (1, 0))

    def test_smart_button_opens_the_calls_graph(self):
        endpoint = self.make_endpoint(route="/api/stats/button")
        action = endpoint.action_view_calls()
        self.assertEqual(action["res_model"], "endpoint.stat")
        self.assertEqual(action["domain"], [("endpoint_id", "=", endpoint.id)])
        self.assertTrue(action["view_mode"].startswith("graph"))
        self.assertEqual(endpoint.action_view_logs()["res_model"], "endpoint.log")

    def test_deleted_endpoint_counts_are_skipped(self):
        endpoint = self.make_endpoint(route="/api/stats/deleted")
        self.request("GET", "/api/stats/deleted")
        request_log.flush_pending(self.env.cr, calls=1)
        endpoint_id, hour = endpoint.id, endpoint.create_date.replace(minute=0, second=0)
        self.assertTrue(self.env["endpoint.stat"].search([("endpoint_id", "=", endpoint_id)]))
        endpoint.unlink()  # its counters go with it
        request_log.write_counts(self.env.cr, [(endpoint_id, hour, "2xx")])  # a late batch
        self.assertFalse(self.env["endpoint.stat"].search([("endpoint_id", "=", endpoint_id)]))


@tagged("post_install", "-at_install")
class TestDocumentationRefresh(EndpointCase):
    def document(self):
        response = self.request("GET", "/rest_endpoint/openapi.json", key=self.api_key)
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()

    def operation(self, route):
        return self.document()["paths"][route]["get"]

    def test_summary_description_and_tag_need_no_sync(self):
        endpoint = self.make_endpoint(route="/api/doc/live", summary="Old summary")
        self.assertEqual(self.operation("/api/doc/live")["summary"], "Old summary")
        endpoint.write(
            {"summary": "New summary", "description": "New description", "route_group": "news"}
        )
        self.assertTrue(endpoint.registry_sync)
        self.assertEqual(endpoint.sync_state, "published")
        operation = self.operation("/api/doc/live")
        self.assertEqual(operation["summary"], "New summary")
        self.assertEqual(operation["description"], "New description")
        self.assertEqual(operation["tags"], ["news"])

    def test_out_of_sync_endpoint_keeps_serving_what_was_published(self):
        endpoint = self.make_endpoint(
            route="/api/doc/pending", code_snippet="result = {'payload': {'v': 1}}"
        )
        endpoint.write({"code_snippet": "result = {'payload': {'v': 2}}"})
        endpoint.write({"summary": "Documented now"})
        self.assertFalse(endpoint.registry_sync)
        self.assertEqual(self.operation("/api/doc/pending")["summary"], "Documented now")
        self.assertEqual(self.request("GET", "/api/doc/pending").json(), {"v": 1})

    def test_list_shows_what_a_resource_serves(self):
        resource = self.env.ref("rest_endpoint.endpoint_demo_customers_resource")
        self.assertEqual(resource.served_methods, "GET, POST, PUT, PATCH, DELETE")
        code = self.make_endpoint(
            route="/api/doc/put", request_method="PUT", request_content_type="application/json"
        )
        self.assertEqual(code.served_methods, "PUT")
        views = self.env["endpoint.endpoint"].get_views([(False, "list")])
        self.assertIn('name="served_methods"', views["views"]["list"]["arch"])


@tagged("post_install", "-at_install")
class TestCallsTour(OperationsCase):
    def test_smart_button_counts_and_documentation_refresh_in_browser(self):
        endpoint = self.make_endpoint(
            name="Tour: calls", route="/api/tour/calls", code_snippet=FAIL_ON_QUERY
        )
        for _i in range(3):
            self.request("GET", "/api/tour/calls")
        self.request("GET", "/api/tour/calls?fail=1")
        request_log.flush_pending(self.env.cr, expected=1, calls=4)
        self.start_tour(
            f"/odoo/action-rest_endpoint.endpoint_endpoint_action/{endpoint.id}?debug=1",
            "rest_endpoint_calls_and_docs",
            login="admin",
        )
        self.assertEqual(endpoint.summary, "Summary edited in the tour")
        self.assertTrue(endpoint.registry_sync)
