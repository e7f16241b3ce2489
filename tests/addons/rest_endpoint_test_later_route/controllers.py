# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A route that overlaps /api/later/taken/<int:i> (an endpoint of the test)."""

from odoo import http
from odoo.http import request


class LaterRoute(http.Controller):
    @http.route("/api/later/<string:page>/<string:sub>", type="http", auth="none", methods=["GET"])
    def later(self, page, sub):
        return request.make_json_response({"served_by": "rest_endpoint_test_later_route"})
