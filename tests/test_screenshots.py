# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The pictures of the README and the Apps page, taken in headless Chromium at
the end of short tours (static/tests/tours/screenshot_tours.js) on the demo
data, after a little traffic. Each run checks the views draw what they
should; with REST_ENDPOINT_SCREENSHOTS=1 the pictures replace
static/description/endpoint_{list,form,try_it}.png (the calls graph is
tests/test_operations_browser.py's)."""

import base64
import os
import time
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tests.common import ChromeBrowser, save_test_file

from ..serving import request_log
from .common import OperationsCase

DESCRIPTION = os.path.join(os.path.dirname(os.path.dirname(__file__)), "static", "description")
ACTION = "/odoo/action-rest_endpoint.endpoint_endpoint_action"


@tagged("post_install", "-at_install")
class TestScreenshots(OperationsCase):
    def shoot(self, url, tour, name):
        shots = []
        original = ChromeBrowser._wait_code_ok

        def wait_then_shoot(browser, *args, **kwargs):
            original(browser, *args, **kwargs)
            time.sleep(0.5)  # let the last view settle (fonts, editor)
            future = browser._websocket_send("Page.captureScreenshot", with_future=True)
            shots.append(base64.b64decode(future.result(timeout=20)["data"]))

        with patch.object(ChromeBrowser, "_wait_code_ok", wait_then_shoot):
            self.start_tour(url, tour, login="admin")
        self.assertEqual(len(shots), 1)
        self.assertTrue(shots[0].startswith(b"\x89PNG"))
        save_test_file(type(self).__name__, shots[0], f"{name}_")
        if os.environ.get("REST_ENDPOINT_SCREENSHOTS"):
            with open(os.path.join(DESCRIPTION, f"{name}.png"), "wb") as png:
                png.write(shots[0])

    def test_list_form_and_try_it(self):
        order = self.env.ref("rest_endpoint.endpoint_demo_order_intake")
        body = (
            b'{"reference": "PO-2026-0001", "customer": {"email": "admin@example.com"},'
            b' "lines": [{"sku": "CHAIR-01", "qty": 4, "unit_price": 89.5}]}'
        )
        headers = {"Content-Type": "application/json"}
        for _i in range(5):
            self.request("POST", "/api/orders", key=self.api_key, data=body, headers=headers)
        self.request("POST", "/api/orders", key=self.api_key, data=b"{}", headers=headers)
        request_log.flush_pending(self.env.cr, expected=1, calls=6)
        self.shoot(f"{ACTION}?debug=1", "rest_endpoint_shot_list", "endpoint_list")
        self.shoot(f"{ACTION}/{order.id}?debug=1", "rest_endpoint_shot_form", "endpoint_form")
        customer = self.env.ref("rest_endpoint.endpoint_demo_customer_get")
        url = f"{ACTION}/{customer.id}?debug=1"
        self.shoot(url, "rest_endpoint_shot_try_it", "endpoint_try_it")
