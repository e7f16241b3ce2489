# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The controllers an integrator would write by hand: the yardstick of the
benchmark. They return exactly the bytes the benchmarked endpoints return."""

from odoo import http
from odoo.http import request

BODY = b'{"status":"ok","data":{"id":1,"name":"Bench"}}'
HEADERS = [("Content-Type", "application/json; charset=utf-8")]


class BenchBaseline(http.Controller):
    @http.route("/bench/baseline/public", type="http", auth="public", methods=["GET"], csrf=False)
    def public(self):
        return request.make_response(BODY, headers=HEADERS)

    @http.route("/bench/baseline/bearer", type="http", auth="bearer", methods=["GET"], csrf=False)
    def bearer(self):
        return request.make_response(BODY, headers=HEADERS)
