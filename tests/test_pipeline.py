# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json
import os

from odoo import http
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..core.request import errors as core_errors
from ..core.request import snippet as core_snippet
from ..serving.snippet_context import STATIC_VALUES
from .common import EndpointCase

JSON = {"Content-Type": "application/json"}
ECHO = (
    "result = {'payload': {'params': params, 'query': query, 'payload': payload,"
    " 'user': user.login}}"
)
QUIET = ("odoo.http", "odoo.addons.rest_endpoint.serving.dispatcher")


@tagged("post_install", "-at_install")
class TestHttpRoutes(EndpointCase):
    def test_public_get_params_and_query(self):
        self.make_endpoint(
            route="/api/p/customer/<int:customer_id>/<string:tag>", code_snippet=ECHO
        )
        response = self.request("GET", "/api/p/customer/42/vip?a=1&b=2&b=3")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(
            response.json(),
            {
                "params": {"customer_id": 42, "tag": "vip"},
                "query": {"a": "1", "b": ["2", "3"]},
                "payload": None,
                "user": self.api_user.login,
            },
        )
        self.assertNotIn("session_id", response.cookies)

    def test_405_lists_published_methods(self):
        self.make_endpoint(route="/api/p/items")
        self.make_endpoint(
            route="/api/p/items", request_method="POST", request_content_type="application/json"
        )
        response = self.request("DELETE", "/api/p/items")
        body = self.assertJsonError(response, 405)
        self.assertEqual(response.headers["Allow"], "GET, POST")
        self.assertIn("GET, POST", body["message"])

    def test_unknown_api_path_is_json_404(self):
        self.make_endpoint(route="/api/p/known")
        self.assertJsonError(self.request("GET", "/api/p/unknown"), 404)
        self.assertJsonError(self.request("GET", "/api/p/known/deeper"), 404)

    def test_http_result_forms(self):
        partner_id = self.api_user.partner_id.id
        cases = {
            "/api/p/text": ("result = {'payload': 'hi'}", 200, "text/plain; charset=utf-8", "hi"),
            "/api/p/created": (
                "result = {'payload': {'id': 7}, 'status_code': 201, 'headers': {'X-A': 'b'}}",
                201,
                "application/json; charset=utf-8",
                {"id": 7},
            ),
            "/api/p/response": (
                "result = {'response': Response('<a/>', content_type='application/xml')}",
                200,
                "application/xml",
                "<a/>",
            ),
            "/api/p/dates": (
                "result = {'payload': {'d': datetime.date(2026, 1, 2), 'p': user.partner_id}}",
                200,
                "application/json; charset=utf-8",
                {"d": "2026-01-02", "p": [partner_id]},
            ),
            "/api/p/empty": ("result = {'status_code': 204}", 204, None, ""),
        }
        for route, (code, status, ctype, expected) in cases.items():
            self.make_endpoint(route=route, code_snippet=code)
            with self.subTest(route=route):
                response = self.request("GET", route)
                self.assertEqual(response.status_code, status)
                self.assertEqual(response.headers.get("Content-Type"), ctype)
                body = response.json() if ctype and "json" in ctype else response.text
                self.assertEqual(body, expected)
        self.assertEqual(self.request("GET", "/api/p/created").headers["X-A"], "b")

    @mute_logger(*QUIET)
    def test_bad_results_are_generic_500(self):
        for route, code in {
            "/api/p/noresult": "x = 1",
            "/api/p/badtype": "result = [1]",
            "/api/p/badstatus": "result = {'payload': 1, 'status_code': 'x'}",
            "/api/p/crash": "result = {'payload': 1 / 0}",
        }.items():
            self.make_endpoint(route=route, code_snippet=code)
            with self.subTest(route=route):
                body = self.assertJsonError(self.request("GET", route), 500)
                self.assertEqual(body["message"], "Internal Server Error")

    def test_snippet_exceptions_statuses(self):
        cases = {
            "raise exceptions.UserError('Bad thing')": (400, "Bad thing"),
            "raise exceptions.ValidationError('Invalid thing')": (400, "Invalid thing"),
            # a public caller is not the exec-as user: access and missing
            # record errors describe that user's rights and records, so their
            # text is not shown...
            "raise exceptions.MissingError('Gone')": (404, core_errors.GENERIC_MISSING_MESSAGE),
            "raise exceptions.AccessError('Nope')": (403, core_errors.GENERIC_ACCESS_MESSAGE),
            "env['ir.config_parameter'].search([])": (403, core_errors.GENERIC_ACCESS_MESSAGE),
            # ... a snippet's own 403 text is
            "raise werkzeug.exceptions.Forbidden('Not yours')": (403, "Not yours"),
            "raise werkzeug.exceptions.Conflict('Taken')": (409, "Taken"),
            "raise werkzeug.exceptions.NotFound('No such customer')": (404, "No such customer"),
        }
        for index, (code, (status, message)) in enumerate(cases.items()):
            route = f"/api/p/exc{index}"
            self.make_endpoint(route=route, code_snippet=code)
            with self.subTest(code=code), mute_logger(*QUIET):
                body = self.assertJsonError(self.request("GET", route), status)
                if message:
                    self.assertEqual(body["message"], message)

    def test_error_rolls_back_writes(self):
        self.make_endpoint(
            route="/api/p/rollback",
            request_method="POST",
            request_content_type="application/json",
            code_snippet="env['res.partner'].create({'name': payload['name']})\n"
            "raise exceptions.UserError('after write')",
        )
        self.env["res.partner"].flush_model()
        with mute_logger(*QUIET):
            response = self.request(
                "POST", "/api/p/rollback", data=b'{"name": "Ghost RB"}', headers=JSON
            )
        self.assertJsonError(response, 400)
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Ghost RB")]))

    def test_writes_commit_on_success(self):
        self.make_endpoint(
            route="/api/p/create",
            request_method="POST",
            request_content_type="application/json",
            code_snippet="p = env['res.partner'].create({'name': payload['name']})\n"
            "result = {'payload': {'id': p.id}, 'status_code': 201}",
        )
        response = self.request("POST", "/api/p/create", data=b'{"name": "Kept"}', headers=JSON)
        self.assertEqual(response.status_code, 201)
        self.assertEqual(self.env["res.partner"].browse(response.json()["id"]).name, "Kept")

    def test_public_runs_as_exec_user_not_sudo(self):
        self.make_endpoint(
            route="/api/p/whoami",
            code_snippet="result = {'payload': {'uid': env.uid, 'su': env.su}}",
        )
        self.assertEqual(
            self.request("GET", "/api/p/whoami").json(), {"uid": self.api_user.id, "su": False}
        )

    def test_no_session_left_behind(self):
        self.make_endpoint(route="/api/p/stateless")
        store = http.root.session_store
        before = sum(len(files) for _root, _dirs, files in os.walk(store.path))
        for _i in range(1000):  # the figure: 1000 cookie-less calls
            response = self.request("GET", "/api/p/stateless")
            self.assertEqual(response.status_code, 200)
            self.assertNotIn("Set-Cookie", response.headers)
        after = sum(len(files) for _root, _dirs, files in os.walk(store.path))
        self.assertEqual(before, after)

    def test_csrf_flag(self):
        self.make_endpoint(
            route="/api/p/csrf",
            request_method="POST",
            request_content_type="application/json",
            csrf=True,
        )
        self.assertJsonError(self.request("POST", "/api/p/csrf", data=b"{}", headers=JSON), 403)
        self.make_endpoint(
            route="/api/p/nocsrf", request_method="POST", request_content_type="application/json"
        )
        self.assertEqual(
            self.request("POST", "/api/p/nocsrf", data=b"{}", headers=JSON).status_code, 200
        )


@tagged("post_install", "-at_install")
class TestBodies(EndpointCase):
    def _post(self, route, content_type, data, **vals):
        if not self.Endpoint.search([("route", "=", route)]):
            self.make_endpoint(
                route=route,
                request_method="POST",
                request_content_type=vals.pop("declared", content_type.split(";")[0]),
                code_snippet="result = {'payload': payload}",
                **vals,
            )
        return self.request("POST", route, data=data, headers={"Content-Type": content_type})

    def test_content_type_415(self):
        response = self._post("/api/b/json", "text/plain", b"{}", declared="application/json")
        body = self.assertJsonError(response, 415)
        self.assertIn("application/json", body["message"])
        ok = self._post("/api/b/json", "application/json; charset=utf-8", b'{"a": 1}')
        self.assertEqual(ok.json(), {"a": 1})

    def test_413(self):
        self.env["ir.config_parameter"].sudo().set_param("rest_endpoint.max_body_size", "64")
        response = self._post("/api/b/big", "application/json", b'{"a": "' + b"x" * 100 + b'"}')
        self.assertJsonError(response, 413)
        self.assertEqual(self._post("/api/b/big", "application/json", b'{"a": 1}').status_code, 200)

    def test_default_limit_is_one_mib(self):
        data = b'"' + b"x" * (1024 * 1024) + b'"'
        self.assertJsonError(self._post("/api/b/mib", "application/json", data), 413)

    def test_malformed_bodies(self):
        cases = [
            ("/api/b/mjson", "application/json", b'{"a": }', "line 1"),
            ("/api/b/mxml", "application/xml", b"<a><b></a>", "line 1"),
            ("/api/b/mcsv", "text/csv", b"a,b\n1,2,3\n", "line"),
            (
                "/api/b/mform",
                "application/x-www-form-urlencoded",
                b"a=1&&=",
                "Malformed form body: bad query field: '' (field 2, at character 4).",
            ),
            (
                "/api/b/mutf8",
                "application/json",
                b'{"a": "\xff"}',
                "Body is not valid utf-8: invalid start byte at byte offset 7.",
            ),
        ]
        for route, ctype, data, needle in cases:
            with self.subTest(route=route):
                body = self.assertJsonError(self._post(route, ctype, data), 400)
                self.assertIn(needle, body["message"])

    def test_parsed_payloads(self):
        cases = [
            (
                "/api/b/csv",
                "text/csv",
                b"name,qty\nA,1\nB,2\n",
                [{"name": "A", "qty": "1"}, {"name": "B", "qty": "2"}],
            ),
            (
                "/api/b/form",
                "application/x-www-form-urlencoded",
                b"a=1&b=2&b=3",
                {"a": "1", "b": ["2", "3"]},
            ),
            ("/api/b/text", "text/plain", "héllo".encode(), "héllo"),
            (
                "/api/b/xml",
                "application/xml",
                b"<a x='1'><b>t</b></a>",
                {
                    "tag": "a",
                    "attrib": {"x": "1"},
                    "text": None,
                    "children": [{"tag": "b", "attrib": {}, "text": "t", "children": []}],
                },
            ),
        ]
        for route, ctype, data, expected in cases:
            with self.subTest(route=route):
                response = self._post(route, ctype, data)
                self.assertEqual(response.status_code, 200, response.text)
                body = response.text if isinstance(expected, str) else response.json()
                self.assertEqual(body, expected)

    def test_hostile_xml(self):
        laughs = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<lolz>&lol3;</lolz>"""
        xxe = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"""
        for data in (laughs, xxe):
            body = self.assertJsonError(self._post("/api/b/hxml", "application/xml", data), 400)
            self.assertNotIn("root:", json.dumps(body))

    def test_hostile_json(self):
        deep = b"[" * 100000 + b"]" * 100000
        self.assertJsonError(self._post("/api/b/hjson", "application/json", deep), 400)

    def test_nul_character_is_400_not_500(self):
        self.make_endpoint(
            route="/api/b/nul/<string:name>",
            code_snippet="env['res.partner'].create({'name': params['name']})\n"
            "result = {'payload': 1}",
        )
        self.assertJsonError(self.request("GET", "/api/b/nul/a%00b"), 400)
        self.assertJsonError(self.request("GET", "/api/b/nul/ab?q=%00"), 400)
        for ctype, data in [
            ("application/json", b'{"name": "a\\u0000"}'),
            ("application/x-www-form-urlencoded", b"name=a%00"),
            ("text/plain", b"a\x00b"),
        ]:
            with self.subTest(ctype=ctype):
                body = self.assertJsonError(self._post("/api/b/nul" + ctype[-4:], ctype, data), 400)
                self.assertIn("NUL", body["message"])

    def test_xsd_requires_a_document(self):
        xsd = (
            "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'>"
            "<xs:element name='greeting' type='xs:string'/></xs:schema>"
        )
        body = self.assertJsonError(
            self._post("/api/b/xsd-empty", "application/xml", b"", request_content_schema=xsd), 400
        )
        self.assertEqual(body["errors"][0]["validator"], "xsd")

    def test_json_schema_violations(self):
        schema = """
type: object
required: [name, qty]
properties:
  name: {type: string}
  qty: {type: integer, minimum: 1}
"""
        response = self._post(
            "/api/b/schema", "application/json", b'{"qty": 0}', request_content_schema=schema
        )
        body = self.assertJsonError(response, 400)
        self.assertEqual(
            sorted((e["path"], e["validator"]) for e in body["errors"]),
            [("", "required"), ("/qty", "minimum")],
        )
        self.assertTrue(all(e["message"] for e in body["errors"]))
        ok = self._post("/api/b/schema", "application/json", b'{"qty": 2, "name": "x"}')
        self.assertEqual(ok.status_code, 200)

    def test_xsd(self):
        xsd = (
            "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'>"
            "<xs:element name='greeting' type='xs:string'/></xs:schema>"
        )
        ok = self._post(
            "/api/b/xsd", "application/xml", b"<greeting>hi</greeting>", request_content_schema=xsd
        )
        self.assertEqual(ok.json()["text"], "hi")
        body = self.assertJsonError(self._post("/api/b/xsd", "application/xml", b"<other/>"), 400)
        self.assertEqual(body["errors"][0]["line"], 1)
        self.assertEqual(body["errors"][0]["validator"], "xsd")


@tagged("post_install", "-at_install")
class TestSnippetContract(EndpointCase):
    def test_documented_variables_exist_at_run_time(self):
        names = core_snippet.VARIABLE_NAMES
        mapping = ", ".join(f"{name!r}: {name}" for name in names)
        endpoint = self.make_endpoint(
            route="/api/s/ctx",
            code_snippet=f"seen = {{{mapping}}}\nresult = {{'payload': sorted(seen)}}",
        )
        response = self.request("GET", "/api/s/ctx")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json(), sorted(names))
        self.assertLessEqual(set(STATIC_VALUES), set(names))
        for name in names:
            self.assertIn(name, endpoint.code_snippet_docs)

    def test_endpoint_is_a_value_never_a_superuser_record(self):
        """A public snippet must not reach a superuser environment through
        ``endpoint`` (it was a sudo record: endpoint.env.su was True)."""
        self.make_endpoint(
            route="/api/s/su",
            code_snippet="users = endpoint.env['res.users'].search([])\n"
            "result = {'payload': users.mapped('login')}",
        )
        with mute_logger(*QUIET):
            response = self.request("GET", "/api/s/su")
        self.assertJsonError(response, 500)
        self.assertNotIn("admin", response.text)
        endpoint = self.make_endpoint(
            route="/api/s/me",
            api_key_scope=False,
            code_snippet="result = {'payload': [endpoint.id, endpoint.name, endpoint.route, "
            "endpoint.request_method, endpoint.auth_type, endpoint.version > 0]}",
        )
        response = self.request("GET", "/api/s/me")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(
            response.json(), [endpoint.id, "/api/s/me", "/api/s/me", "GET", "public", True]
        )

    def test_response_schema_checked_when_asked(self):
        self.make_endpoint(
            route="/api/s/resp",
            code_snippet="result = {'payload': {'id': 'not-an-int'}}",
            response_schema="type: object\nproperties: {id: {type: integer}}",
        )
        # documented only, by default
        self.assertEqual(self.request("GET", "/api/s/resp").status_code, 200)
        self.env["ir.config_parameter"].sudo().set_param("rest_endpoint.validate_responses", "1")
        with self.assertLogs("odoo.http", "ERROR") as logs:
            body = self.assertJsonError(self.request("GET", "/api/s/resp"), 500)
        self.assertEqual(body["message"], "Internal Server Error")
        self.assertIn("does not match its response schema", "\n".join(logs.output))
        self.assertIn("/id", "\n".join(logs.output))

    def test_log_helper(self):
        self.make_endpoint(
            route="/api/s/log",
            code_snippet="log('hello from snippet', level='warning')\nresult = {'payload': 1}",
        )
        self.assertEqual(self.request("GET", "/api/s/log").status_code, 200)
        entry = self.env["ir.logging"].search([("message", "=", "hello from snippet")])
        self.assertEqual(
            (entry.level, entry.name, entry.path), ("WARNING", "rest_endpoint", "/api/s/log")
        )
