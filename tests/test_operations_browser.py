# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The calls in the browser: the graph is the first view of Endpoint Calls
and draws the call counters (static/tests/tours/request_log_tour.js). The test takes a screenshot of
it; with REST_ENDPOINT_SCREENSHOTS=1 it also replaces
static/description/endpoint_log_graph.png (the README's picture)."""

import base64
import os
import time
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged
from odoo.tests.common import ChromeBrowser, save_test_file

from ..serving import request_log
from .common import EndpointCase

SCREENSHOT = os.path.join(
    os.path.dirname(os.path.dirname(__file__)), "static", "description", "endpoint_log_graph.png"
)


@tagged("post_install", "-at_install")
class TestRequestLogBrowser(EndpointCase):
    def _traffic(self):
        """Real calls, then counters spread over the last hours (as a day of
        traffic would leave them)."""
        orders = self.make_endpoint(
            name="Mobile: orders", route="/api/mobile/orders", log_requests="all"
        )
        customer = self.make_endpoint(
            name="Mobile: customer",
            route="/api/mobile/customer",
            auth_type="bearer",
            log_requests="all",
        )
        request_log.forget_pending()
        for _i in range(3):
            self.request("GET", "/api/mobile/orders")
            self.request("GET", "/api/mobile/customer", key=self.api_key)
        self.request("GET", "/api/mobile/customer")  # 401
        request_log.flush_pending(self.env.cr, 7, calls=7)
        now = fields.Datetime.now()
        calls = []
        for hour in range(1, 9):
            at = (now - timedelta(hours=hour)).replace(minute=0, second=0, microsecond=0)
            for endpoint, ok, client_errors, server_errors in (
                (orders, 12 + 3 * (hour % 4), hour % 3, hour == 5),
                (customer, 6 + 2 * (hour % 3), 1 + hour % 2, 0),
            ):
                for status, count in ((200, ok), (401, client_errors), (500, server_errors)):
                    klass = request_log.status_class(status)
                    calls += [(endpoint.id, at, klass)] * int(count)
        request_log.write_counts(self.env.cr, calls)

    def test_graph_is_the_first_view_with_data(self):
        self._traffic()
        shots = []
        original = ChromeBrowser._wait_code_ok

        def wait_then_shoot(browser, *args, **kwargs):
            original(browser, *args, **kwargs)
            time.sleep(1.5)  # Chart.js animates the bars for a second
            future = browser._websocket_send("Page.captureScreenshot", with_future=True)
            shots.append(base64.b64decode(future.result(timeout=20)["data"]))

        with patch.object(ChromeBrowser, "_wait_code_ok", wait_then_shoot):
            self.start_tour("/odoo?debug=1", "rest_endpoint_request_log", login="admin")
        # the tour checked the chart (real rows, 2xx and 4xx); the test only
        # checks that the screenshot was taken once, at the end of the tour
        self.assertEqual(len(shots), 1)
        save_test_file(type(self).__name__, shots[0], "request_log_graph_")
        if os.environ.get("REST_ENDPOINT_SCREENSHOTS"):
            with open(SCREENSHOT, "wb") as png:
                png.write(shots[0])
