# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The document against the running server: every status the pipeline
returns is documented with the body it has, every method the document does
not list is a 405, and Swagger UI tries operations out in a real browser."""

import json

from jsonschema import Draft202012Validator

from odoo import Command
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..core.routing import routes as core_routes
from .test_openapi import ITEM_SCHEMA_YAML, JSON, QUIET, OpenApiCase


@tagged("post_install", "-at_install")
class TestOpenApiMatchesResponses(OpenApiCase):
    """Every status the pipeline returns is documented for its operation,
    and every body matches the documented schema: the shared error schema is
    checked against real error bodies, not against itself."""

    @mute_logger(*QUIET)
    def test_http_errors_match_the_error_schema(self):
        key = self.api_key
        self.env["ir.config_parameter"].set_param("rest_endpoint.max_body_size", "64")
        group = self.env["res.groups"].create({"name": "OpenAPI test group"})
        get = self.make_endpoint(
            route="/api/oa/err/<int:item_id>",
            auth_type="bearer",
            exec_as_user_id=False,
            response_schema="type: object\nrequired: [id]\nproperties:\n  id: {type: integer}",
            code_snippet=(
                "i = params['item_id']\n"
                "if i == 0: raise exceptions.MissingError('gone')\n"
                "if i == 1: raise werkzeug.exceptions.Conflict('busy')\n"
                "if i == 2: raise exceptions.UserError('no')\n"
                "if i == 3: raise exceptions.AccessError('denied')\n"
                "if i == 4: result = 42\n"
                "else: result = {'payload': {'id': i}}\n"
            ),
        )
        post = self.make_endpoint(
            route="/api/oa/err/<int:item_id>",
            request_method="POST",
            request_content_type="application/json",
            request_content_schema=ITEM_SCHEMA_YAML,
            auth_type="bearer",
            exec_as_user_id=False,
            code_snippet="result = {'payload': {'id': 1}, 'status_code': 201}",
        )
        session = self.make_endpoint(route="/api/oa/err-session", auth_type="user_endpoint")
        grouped = self.make_endpoint(
            route="/api/oa/err-group",
            auth_type="bearer",
            exec_as_user_id=False,
            allowed_group_ids=[Command.set(group.ids)],
        )
        document = self.get_document()
        calls = [
            (get, "GET", "/api/oa/err/7", {}),  # 200
            (get, "GET", "/api/oa/err/0", {}),  # 404 MissingError
            (get, "GET", "/api/oa/err/1", {}),  # 409
            (get, "GET", "/api/oa/err/2", {}),  # 400 UserError
            (get, "GET", "/api/oa/err/3", {}),  # 403 AccessError
            (get, "GET", "/api/oa/err/4", {}),  # 500 bad result
            (get, "GET", "/api/oa/err/5", {"key": None}),  # 401 missing key
            (get, "GET", "/api/oa/err/5", {"key": "y" * 40}),  # 401 unknown key
            (post, "POST", "/api/oa/err/5", {"json": {"name": "x"}}),  # 201
            (post, "POST", "/api/oa/err/5", {"json": {"name": "", "tags": [1]}}),  # 400
            (post, "POST", "/api/oa/err/5", {"data": b"{", "headers": JSON}),  # 400
            (post, "POST", "/api/oa/err/5", {"data": b"{}", "headers": {}}),  # 415
            (post, "POST", "/api/oa/err/5", {"json": {"name": "x" * 100}}),  # 413
            (session, "GET", "/api/oa/err-session", {"key": None}),  # 401 no session
            (grouped, "GET", "/api/oa/err-group", {}),  # 403 group
        ]
        seen = set()
        for endpoint, method, path, kw in calls:
            kw.setdefault("key", key)
            response = self.request(method, path, **kw)
            with self.subTest(method=method, path=path, status=response.status_code):
                self.assertMatchesDocumented(document, endpoint, response)
                seen.add(response.status_code)
        self.assertEqual(seen, {200, 201, 400, 401, 403, 404, 409, 413, 415, 500})
        # A path parameter that does not convert: 404 from no endpoint at all.
        response = self.request("GET", "/api/oa/err/abc", key=key)
        self.assertMatchesDocumented(document, get, response)
        self.assertEqual(response.status_code, 404)

    @mute_logger(*QUIET)
    def test_jsonrpc_envelopes_match(self):
        rpc = self.make_endpoint(
            route="/api/oa/rpc/<int:scope>",
            route_type="json",
            request_method="POST",
            request_content_type="application/json",
            request_content_schema='{"type": "object", "required": ["query"]}',
            response_schema='{"type": "array", "items": {"type": "string"}}',
            auth_type="bearer",
            exec_as_user_id=False,
            code_snippet=(
                "if payload['query'] == 'boom': result = None\n"
                "elif payload['query'] == 'none': raise exceptions.MissingError('nothing')\n"
                "else: result = {'payload': [payload['query']]}\n"
            ),
        )
        document = self.get_document()

        def call(body, **kw):
            kw.setdefault("key", self.api_key)
            return self.request("POST", "/api/oa/rpc/1", json=body, **kw)

        envelope = {"jsonrpc": "2.0", "method": "call", "id": 7}
        cases = [
            (call({**envelope, "params": {"query": "a"}}), 200),
            (call({**envelope, "params": {}}), 400),  # schema
            (call({"query": "a"}), 400),  # no envelope
            (self.request("POST", "/api/oa/rpc/1", data=b"{", headers=JSON, key=self.api_key), 400),
            (call({**envelope, "params": {"query": "none"}}), 404),
            (call({**envelope, "params": {"query": "boom"}}), 500),
            (call({**envelope, "params": {"query": "a"}}, key=None), 401),
            (self.request("POST", "/api/oa/rpc/x", json=envelope, key=self.api_key), 404),
        ]
        for response, status in cases:
            with self.subTest(status=status, body=response.text):
                self.assertEqual(response.status_code, status)
                self.assertMatchesDocumented(document, rpc, response)
        self.assertEqual(cases[0][0].json()["result"], ["a"])
        self.assertEqual(cases[0][0].json()["id"], 7)

    def test_schema_would_catch_a_wrong_error_body(self):
        """The shared error schema is strict enough to fail on a body that
        drifts from the contract (guards the test above against a schema
        that accepts anything)."""
        document = self.get_document()
        validator = Draft202012Validator(
            {"$ref": "#/components/schemas/Error", "components": document["components"]}
        )
        good = {"name": "n", "message": "m", "arguments": [], "context": {}}
        self.assertTrue(validator.is_valid(good))
        self.assertFalse(validator.is_valid({**good, "traceback": "..."}))
        self.assertFalse(validator.is_valid({"message": "m"}))
        self.assertFalse(validator.is_valid({**good, "errors": [{"message": "m"}]}))
        self.assertFalse(validator.is_valid({**good, "arguments": "not a list"}))


#: A mobile app's customer API: bearer key, JSON bodies validated by schemas,
#: documented responses. Mirrors what integrators publish (and the demo data).
CUSTOMER_SCHEMA = """\
type: object
required: [id, name]
properties:
  id: {type: integer}
  name: {type: string}
  email: {type: [string, 'null']}
  phone: {type: [string, 'null']}
additionalProperties: false
"""
#: PostgreSQL text cannot hold U+0000: the schemas refuse it too, as
#: integrators write them (the pipeline refuses it first anyway).
NO_NUL = "not: {pattern: '\\x00'}"
CUSTOMER_FIELDS = f"""\
  name: {{type: string, minLength: 1, maxLength: 128, {NO_NUL}}}
  email: {{type: string, format: email, maxLength: 128, {NO_NUL}}}
  phone: {{type: string, maxLength: 32, {NO_NUL}}}
"""
CUSTOMER_SNIPPET_HEAD = """\
def as_json(partner):
    return {
        "id": partner.id,
        "name": partner.name,
        "email": partner.email or None,
        "phone": partner.phone or None,
    }
"""
FIND_CUSTOMER = """\
partner = env["res.partner"].search(
    [("id", "=", params["customer_id"]), ("is_company", "=", False)], limit=1
)
if not partner:
    raise werkzeug.exceptions.NotFound("Customer not found")
"""


class MobileApiCase(OpenApiCase):
    def make_mobile_api(self):
        """Publish the mobile customer API, except the (route, method) pairs
        something (the demo data) already publishes: those are kept, and
        fuzzed like the rest."""
        common = {"auth_type": "bearer", "exec_as_user_id": False, "route_group": "mobile"}
        customer = "/api/mobile/customer/<int:customer_id>"
        customer_fields = "additionalProperties: false\nproperties:\n" + CUSTOMER_FIELDS
        specs = [
            {
                "name": "Mobile: get customer",
                "route": customer,
                "response_schema": CUSTOMER_SCHEMA,
                "code_snippet": CUSTOMER_SNIPPET_HEAD
                + FIND_CUSTOMER
                + 'result = {"payload": as_json(partner)}\n',
            },
            {
                "name": "Mobile: update customer",
                "route": customer,
                "request_method": "PUT",
                "request_content_type": "application/json",
                "request_content_schema": "type: object\nminProperties: 1\n" + customer_fields,
                "response_schema": CUSTOMER_SCHEMA,
                "code_snippet": CUSTOMER_SNIPPET_HEAD
                + FIND_CUSTOMER
                + "partner.write(payload)\n"
                + 'result = {"payload": as_json(partner)}\n',
            },
            {
                "name": "Mobile: archive customer",
                "route": customer,
                "request_method": "DELETE",
                "code_snippet": FIND_CUSTOMER
                + "partner.action_archive()\n"
                + 'result = {"status_code": 204}\n',
            },
            {
                "name": "Mobile: create customer",
                "route": "/api/mobile/customer",
                "request_method": "POST",
                "request_content_type": "application/json",
                "request_content_schema": "type: object\nrequired: [name]\n" + customer_fields,
                "response_schema": CUSTOMER_SCHEMA,
                "code_snippet": CUSTOMER_SNIPPET_HEAD
                + 'partner = env["res.partner"].create(payload)\n'
                + 'result = {"payload": as_json(partner), "status_code": 201}\n',
            },
            {
                "name": "Mobile: search customers (JSON-RPC)",
                "route": "/api/mobile/rpc/customer_search",
                "route_type": "json",
                "request_method": "POST",
                "request_content_type": "application/json",
                "request_content_schema": "type: object\nadditionalProperties: false\n"
                f"properties:\n  query: {{type: string, maxLength: 64, {NO_NUL}}}\n"
                "  limit: {type: integer, minimum: 1, maximum: 50}\n",
                "response_schema": "type: array\nitems:\n  type: object\n"
                "  required: [id, name]\n  properties:\n"
                "    id: {type: integer}\n    name: {type: string}\n",
                "code_snippet": (
                    'domain = [("is_company", "=", False)]\n'
                    'if payload.get("query"):\n'
                    '    domain.append(("name", "ilike", payload["query"]))\n'
                    'limit = payload.get("limit", 10)\n'
                    'partners = env["res.partner"].search(domain, limit=limit)\n'
                    'result = {"payload": [{"id": p.id, "name": p.name} for p in partners]}\n'
                ),
            },
        ]
        created = self.Endpoint
        for spec in specs:
            taken = self.Endpoint.search(
                [
                    ("route", "=", spec["route"]),
                    ("request_method", "=", spec.get("request_method", "GET")),
                ]
            )
            if not taken:
                created |= self.make_endpoint(**common, **spec)
        return created


@tagged("post_install", "-at_install")
class TestOpenApiMethods(MobileApiCase):
    def test_undocumented_methods_are_405(self):
        """Every method the document does not list on a path gets 405 with
        an Allow header listing exactly the documented ones: the document
        and the server agree on what is served."""
        self.make_mobile_api()
        document = self.get_document()
        for path, item in document["paths"].items():
            route = next(iter(item.values()))["x-rest-endpoint"]["route"]
            url = core_routes.sample_path(core_routes.parse_route(route))
            documented = sorted(method.upper() for method in item)
            for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - set(documented):
                response = self.request(method, url, key=self.api_key)
                with self.subTest(path=path, method=method):
                    self.assertEqual(response.status_code, 405)
                    self.assertEqual(response.headers["Allow"], ", ".join(documented))
                    # JSON-RPC paths answer in a JSON-RPC envelope.
                    json_only = all(
                        op["x-rest-endpoint"]["route_type"] == "json" for op in item.values()
                    )
                    name = "JsonRpcError" if json_only else "Error"
                    validator = Draft202012Validator(
                        {
                            "$ref": f"#/components/schemas/{name}",
                            "components": document["components"],
                        }
                    )
                    validator.validate(response.json())


#: Runs in the docs page: waits for Swagger UI to list the operations, then
#: uses "Try it out" on a session endpoint and (authorized with the API key)
#: on a bearer endpoint, and checks what the server answered.
DOCS_PAGE_JS = """
(async () => {
    const wait = async (probe, what) => {
        const end = Date.now() + 20000;
        while (Date.now() < end) {
            const value = probe();
            if (value) {
                return value;
            }
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error("timed out waiting for " + what);
    };
    const expected = %(expected)s;
    const paths = await wait(() => {
        const found = [...document.querySelectorAll(".opblock-summary-path")].map(
            (el) => el.dataset.path || el.textContent.trim()
        );
        return expected.every((p) => found.includes(p)) && found;
    }, "the operations " + expected.join(", "));
    const row = ".live-responses-table tr.response";
    const tryOut = async (tag, operationId, needle) => {
        const block = await wait(
            () => document.getElementById(`operations-${tag}-${operationId}`),
            operationId
        );
        if (!block.classList.contains("is-open")) {
            block.querySelector(".opblock-summary-control").click();
        }
        (await wait(() => block.querySelector(".try-out__btn"), "Try it out")).click();
        (await wait(() => block.querySelector(".btn.execute"), "Execute")).click();
        const status = await wait(
            () => block.querySelector(`${row} .response-col_status`),
            "the response of " + operationId
        );
        const body = await wait(
            () => block.querySelector(`${row} .response-col_description pre`),
            "the body of " + operationId
        );
        if (status.textContent.trim() !== "200" || !body.textContent.includes(needle)) {
            throw new Error(`${operationId}: ${status.textContent} ${body.textContent}`);
        }
    };
    await tryOut("default", "get_api_oa_ui_whoami", %(login)s);
    window.restEndpointSwaggerUi.preauthorizeApiKey("bearerAuth", %(key)s);
    await tryOut("mobile", "post_api_mobile_rpc_customer_search", '"jsonrpc"');
    console.info(`docs page: ${paths.length} operations, both tried out`);
    console.log("test successful");
})().catch((error) => console.error("docs page: " + error.message));
"""


@tagged("post_install", "-at_install")
class TestOpenApiDocsPage(MobileApiCase):
    def test_docs_page_renders_and_tries_out(self):
        """Swagger UI, from the addon's static files, in a real Chromium."""
        self.make_mobile_api()
        self.make_endpoint(
            route="/api/oa/ui/whoami",
            auth_type="user_endpoint",
            exec_as_user_id=False,
            code_snippet="result = {'payload': {'login': user.login}}",
        )
        login = self.api_user.login
        code = DOCS_PAGE_JS % {
            "expected": json.dumps(
                ["/api/oa/ui/whoami", "/api/mobile/customer/{customer_id}", "/api/mobile/customer"]
            ),
            "login": json.dumps(login),
            "key": json.dumps(self.api_key),
        }
        self.browser_js("/rest_endpoint/docs", code, login=login, timeout=90)
