# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The OpenAPI document: valid OpenAPI 3.1 (for every converter, method,
content type and auth type, and for whatever endpoints are published),
cached safely, and served to internal users only. Its truth against the
running server is in test_openapi_served (real bodies, 405s, Swagger UI),
test_openapi_fuzz (schemathesis, every check) and test_openapi_client (a
generated client)."""

from unittest.mock import patch

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi

from odoo import Command
from odoo.tests import tagged

from ..controllers import openapi as openapi_controller
from ..core.openapi import document as core_openapi
from .common import EndpointCase

JSON = {"Content-Type": "application/json"}
# odoo.sql_db: fuzzed DELETEs of partners still referenced fail a foreign key
# (answered 400 by Odoo's own retry handling, logged as a "bad query").
QUIET = ("odoo.http", "odoo.addons.rest_endpoint.serving.dispatcher", "odoo.sql_db")
XSD = """<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="order">
    <xs:complexType>
      <xs:sequence><xs:element name="ref" type="xs:string"/></xs:sequence>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""
ITEM_SCHEMA_YAML = """\
type: object
required: [name]
properties:
  name: {type: string, minLength: 1}
  tags:
    type: array
    items: {$ref: '#/$defs/tag'}
additionalProperties: false
$defs:
  tag: {type: string, maxLength: 10}
"""


class OpenApiCase(EndpointCase):
    def get_document(self, key=None, route_group=None, **kw):
        key = self.api_key if key is None else key
        params = {"route_group": route_group} if route_group else None
        response = self.request(
            "GET", "/rest_endpoint/openapi.json", key=key or None, params=params, **kw
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.headers["Content-Type"], "application/json; charset=utf-8")
        return response.json()

    def make_every_kind(self):
        """Endpoints covering every converter, method, content type, auth
        type and route type."""
        make = self.make_endpoint
        return {
            "string": make(route="/api/oa/s/<name>/<string(length=3):code>"),
            "int": make(
                route="/api/oa/i/<int:item_id>/<int(signed=True):delta>",
                auth_type="bearer",
                exec_as_user_id=False,
            ),
            "float": make(route="/api/oa/f/<float:ratio>", auth_type="user_endpoint"),
            "path": make(route="/api/oa/p/<path:rest>"),
            "uuid": make(route="/api/oa/u/<uuid:token>"),
            "any": make(route="/api/oa/a/<any(red, green):colour>"),
            "json": make(
                route="/api/oa/items",
                request_method="POST",
                request_content_type="application/json",
                request_content_schema=ITEM_SCHEMA_YAML,
                response_schema='{"type": "object", "required": ["id"]}',
                code_snippet="result = {'payload': {'id': 1}, 'status_code': 201}",
                route_group="oa-items",
            ),
            "xml": make(
                route="/api/oa/orders",
                request_method="PUT",
                request_content_type="application/xml",
                request_content_schema=XSD,
                # The pipeline skips the XSD when there is no body at all
                # (reported): the snippet refuses it, as integrators must today.
                code_snippet=(
                    "if payload is None:\n"
                    "    raise werkzeug.exceptions.BadRequest('An XML order is required.')\n"
                    "result = {'payload': {'ok': True}}"
                ),
            ),
            "csv": make(
                route="/api/oa/rows",
                request_method="PATCH",
                request_content_type="text/csv",
                request_content_schema="type: array\nmaxItems: 100",
            ),
            "text": make(
                route="/api/oa/note",
                request_method="POST",
                request_content_type="text/plain",
                csrf=True,
            ),
            "form": make(
                route="/api/oa/form",
                request_method="POST",
                request_content_type="application/x-www-form-urlencoded",
            ),
            "delete": make(
                route="/api/oa/items/<int:item_id>",
                request_method="DELETE",
                code_snippet="result = {'status_code': 204}",
                route_group="oa-items",
            ),
            "rpc": make(
                route="/api/oa/rpc",
                route_type="json",
                request_method="POST",
                request_content_type="application/json",
                request_content_schema='{"type": "object", "required": ["query"]}',
                auth_type="bearer",
                exec_as_user_id=False,
            ),
        }

    @staticmethod
    def operations(document):
        """{endpoint id: (path, method, operation)} of a document."""
        found = {}
        for path, item in document["paths"].items():
            for method, operation in item.items():
                found[operation["x-rest-endpoint"]["id"]] = (path, method, operation)
        return found

    def assertMatchesDocumented(self, document, endpoint, response):
        """The response's status is documented for the endpoint's operation
        and its body validates against the documented schema."""
        _path, _method, operation = self.operations(document)[endpoint.id]
        status = str(response.status_code)
        self.assertIn(status, operation["responses"], f"undocumented status: {response.text}")
        documented = operation["responses"][status]
        if "content" not in documented:
            self.assertEqual(response.content, b"")
            return
        schema = documented["content"]["application/json"]["schema"]
        # "#/components/..." resolves against the root: put the components there.
        validator = Draft202012Validator({**schema, "components": document["components"]})
        errors = [e.message for e in validator.iter_errors(response.json())]
        self.assertFalse(errors, f"{response.status_code} {response.text}")


@tagged("post_install", "-at_install")
class TestOpenApiDocument(OpenApiCase):
    def test_every_kind_is_valid_openapi(self):
        endpoints = self.make_every_kind()
        document = self.get_document()
        validate_openapi(document)
        self.assertEqual(document["openapi"], "3.1.0")
        # Relative: the document is served by the server it describes.
        self.assertEqual(document["servers"], [{"url": "/"}])
        self.assertNotIn("x-rest-endpoint-undocumented", document)
        ops = self.operations(document)
        for endpoint in endpoints.values():
            _path, method, operation = ops[endpoint.id]
            self.assertEqual(method, endpoint.request_method.lower())
            self.assertEqual(operation["summary"], endpoint.name)

        def params(kind):
            return {p["name"]: p["schema"] for p in ops[endpoints[kind].id][2]["parameters"]}

        self.assertEqual(ops[endpoints["string"].id][0], "/api/oa/s/{name}/{code}")
        self.assertEqual(params("string")["code"]["minLength"], 3)
        self.assertEqual(params("string")["code"]["maxLength"], 3)
        self.assertEqual(params("string")["name"]["type"], "string")
        self.assertEqual(
            params("int")["item_id"], {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}
        )
        self.assertEqual(
            params("int")["delta"],
            {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1},
        )
        self.assertEqual(params("float")["ratio"]["type"], "number")
        self.assertEqual(params("path")["rest"]["type"], "string")
        self.assertEqual(params("uuid")["token"], {"type": "string", "format": "uuid"})
        self.assertEqual(params("any")["colour"], {"type": "string", "enum": ["red", "green"]})

        # Security: bearer, session cookie, none.
        self.assertEqual(ops[endpoints["int"].id][2]["security"], [{"bearerAuth": []}])
        self.assertEqual(ops[endpoints["float"].id][2]["security"], [{"sessionCookie": []}])
        self.assertEqual(ops[endpoints["string"].id][2]["security"], [])
        schemes = document["components"]["securitySchemes"]
        self.assertEqual(schemes["bearerAuth"]["scheme"], "bearer")
        self.assertEqual(
            {k: schemes["sessionCookie"][k] for k in ("type", "in", "name")},
            {"type": "apiKey", "in": "cookie", "name": "session_id"},
        )
        unauthorized = ops[endpoints["int"].id][2]["responses"]["401"]
        self.assertIn("WWW-Authenticate", unauthorized["headers"])

        # Request bodies: YAML turned into JSON Schema, its $ref rewritten.
        body = ops[endpoints["json"].id][2]["requestBody"]
        ref = body["content"]["application/json"]["schema"]["$ref"]
        hoisted = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
        self.assertEqual(hoisted["required"], ["name"])
        self.assertEqual(hoisted["properties"]["tags"]["items"]["$ref"], f"{ref}/$defs/tag")
        xml = ops[endpoints["xml"].id][2]["requestBody"]["content"]["application/xml"]
        self.assertEqual(xml["x-xsd"], XSD)
        self.assertEqual(xml["schema"]["xml"], {"name": "order"})
        csv = ops[endpoints["csv"].id][2]["requestBody"]["content"]["text/csv"]
        self.assertEqual(csv["schema"]["type"], "string")
        self.assertIn("$ref", csv["x-payload-schema"])
        text = ops[endpoints["text"].id][2]
        text_ref = text["requestBody"]["content"]["text/plain"]["schema"]["$ref"]
        text_schema = document["components"]["schemas"][text_ref.rsplit("/", 1)[1]]
        self.assertEqual(text_schema["type"], "string")
        self.assertEqual(text_schema["pattern"], "^[^\\x00]*$")  # U+0000 is refused
        self.assertIn("X-CSRF-Token", [p["name"] for p in text["parameters"]])
        form = ops[endpoints["form"].id][2]
        self.assertIn("application/x-www-form-urlencoded", form["requestBody"]["content"])
        self.assertNotIn("requestBody", ops[endpoints["delete"].id][2])

        # Responses: documented success statuses, errors per operation.
        created = ops[endpoints["json"].id][2]["responses"]
        self.assertEqual(
            sorted(created),
            ["200", "201", "400", "401", "403", "404", "409", "413", "415", "422", "500"],
        )  # 422: a POST takes an Idempotency-Key
        self.assertEqual(
            sorted(ops[endpoints["delete"].id][2]["responses"]),
            ["200", "204", "400", "401", "403", "404", "409", "500"],
        )
        self.assertNotIn("content", ops[endpoints["delete"].id][2]["responses"]["204"])

        # JSON-RPC: envelope in, envelope out.
        rpc = ops[endpoints["rpc"].id][2]
        envelope = rpc["requestBody"]["content"]["application/json"]["schema"]
        self.assertEqual(envelope["required"], ["jsonrpc", "params"])
        self.assertEqual(envelope["properties"]["jsonrpc"], {"const": "2.0"})
        success = rpc["responses"]["200"]["content"]["application/json"]["schema"]
        self.assertEqual(success["required"], ["jsonrpc", "id", "result"])
        self.assertEqual(
            rpc["responses"]["400"]["content"]["application/json"]["schema"],
            {"$ref": "#/components/schemas/JsonRpcError"},
        )

        # Tags from route groups.
        self.assertIn({"name": "oa-items"}, document["tags"])

    def test_published_endpoints_all_documented(self):
        """Whatever is published in this database (the demo endpoints
        included) is documented, and the document is valid."""
        document = self.get_document()
        validate_openapi(document)
        self.assertNotIn("x-rest-endpoint-undocumented", document)
        published = self.Endpoint.with_context(active_test=False).search(
            [("published_config", "!=", False)]
        )
        self.assertEqual(set(self.operations(document)), set(published.ids))
        self.assertEqual(document["info"]["version"], str(self._registry_version()))

    def _registry_version(self):
        self.env.cr.execute("SELECT version FROM rest_endpoint_registry_state")
        return self.env.cr.fetchone()[0]

    def test_route_group_filter(self):
        endpoints = self.make_every_kind()
        document = self.get_document(route_group="oa-items")
        validate_openapi(document)
        self.assertEqual(
            set(self.operations(document)), {endpoints["json"].id, endpoints["delete"].id}
        )
        # A group nothing published has: 404 (and nothing cached for it).
        response = self.request(
            "GET", "/rest_endpoint/openapi.json", key=self.api_key, params={"route_group": "nope"}
        )
        self.assertJsonError(response, 404, "rest_endpoint.errors.NotFound")

    def test_documents_the_published_configuration(self):
        endpoint = self.make_endpoint(route="/api/oa/v1/thing", name="Thing")
        endpoint.write({"route": "/api/oa/v2/thing", "name": "Thing, renamed"})
        self.assertFalse(endpoint.registry_sync)
        path, _method, operation = self.operations(self.get_document())[endpoint.id]
        self.assertEqual(path, "/api/oa/v1/thing")
        # the name only documents it: the document has it without a sync
        self.assertEqual(operation["summary"], "Thing, renamed")
        endpoint.action_sync_registry()
        path, _method, operation = self.operations(self.get_document())[endpoint.id]
        self.assertEqual(path, "/api/oa/v2/thing")
        self.assertEqual(operation["summary"], "Thing, renamed")
        endpoint.action_archive()
        endpoint.action_sync_registry()
        self.assertNotIn(endpoint.id, self.operations(self.get_document()))

    def test_cached_until_the_registry_version_changes(self):
        self.make_endpoint(route="/api/oa/cached")
        self.make_endpoint(route="/api/oa/cached-other", route_group="other")
        openapi_controller.clear_cache()
        with patch.object(
            openapi_controller.core_openapi,
            "build_document",
            wraps=core_openapi.build_document,
        ) as build:
            first = self.get_document()
            second = self.get_document()
            self.assertEqual(build.call_count, 1)
            self.assertEqual(first, second)
            self.get_document(route_group="other")
            self.assertEqual(build.call_count, 2)  # another key
            # What a caller makes up is no key: unknown groups are refused,
            # and the Host header does not matter.
            for group in ("made-up-1", "made-up-2"):
                response = self.request(
                    "GET",
                    "/rest_endpoint/openapi.json",
                    key=self.api_key,
                    params={"route_group": group},
                )
                self.assertEqual(response.status_code, 404)
            for host in ("evil.example", "other.example:8080"):
                self.assertEqual(self.get_document(headers={"Host": host}), first)
            self.assertEqual(build.call_count, 2)
            self.assertEqual(len(openapi_controller._cache), 2)
            endpoint = self.make_endpoint(route="/api/oa/cached2")
            third = self.get_document()
            self.assertEqual(build.call_count, 3)
            self.assertIn(endpoint.id, self.operations(third))
            self.assertNotEqual(first["info"]["version"], third["info"]["version"])
            # Editing without publishing does not move the version.
            endpoint.write({"route": "/api/oa/cached3"})
            self.get_document()
            self.assertEqual(build.call_count, 3)

    def test_access(self):
        self.make_endpoint(route="/api/oa/access")
        # Anonymous: a JSON 401 that says how to authenticate.
        response = self.request("GET", "/rest_endpoint/openapi.json")
        body = self.assertJsonError(response, 401, "rest_endpoint.errors.Unauthorized")
        self.assertEqual(response.headers["WWW-Authenticate"], "Bearer")
        self.assertIn("Bearer", body["message"])
        self.assertJsonError(self.request("GET", "/rest_endpoint/openapi.json", key="x" * 40), 401)
        response = self.request("GET", "/rest_endpoint/docs")
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login?redirect=%2Frest_endpoint%2Fdocs", response.headers["Location"])
        # An API key, or a session.
        self.get_document(key=self.api_key)
        self.authenticate("rest_endpoint_api_user", "rest_endpoint_api_user")
        self.get_document(key=False)
        response = self.request("GET", "/rest_endpoint/docs")
        self.assertEqual(response.status_code, 200)
        self.assertIn(b'data-spec-url="/rest_endpoint/openapi.json"', response.content)
        self.assertIn(b"/static/lib/swagger-ui/swagger-ui-bundle.js", response.content)
        response = self.request("GET", "/rest_endpoint/docs?route_group=a%26b")
        self.assertIn(
            b'data-spec-url="/rest_endpoint/openapi.json?route_group=a%26b"', response.content
        )
        # The system parameter makes both public.
        self.authenticate(None, None)
        self.env["ir.config_parameter"].set_param(openapi_controller.PUBLIC_PARAM, "True")
        self.get_document(key=False)
        self.assertEqual(self.request("GET", "/rest_endpoint/docs").status_code, 200)
        self.env["ir.config_parameter"].set_param(openapi_controller.PUBLIC_PARAM, "False")
        self.assertJsonError(self.request("GET", "/rest_endpoint/openapi.json"), 401)

    def test_portal_users_are_refused(self):
        """The document lists every endpoint with its code's statuses and
        schemas: internal knowledge. Portal users get a JSON 403, with a
        session or with an API key of their own."""
        portal = self.env["res.users"].create(
            {
                "name": "Portal user",
                "login": "rest_endpoint_portal",
                "password": "rest_endpoint_portal",
                "group_ids": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        portal_key = (
            self.env["res.users.apikeys"]
            .with_user(portal)
            .sudo()
            ._generate(None, "portal key", None)
        )
        self.make_endpoint(route="/api/oa/portal")
        self.assertJsonError(
            self.request("GET", "/rest_endpoint/openapi.json", key=portal_key),
            403,
            "rest_endpoint.errors.Forbidden",
        )
        self.authenticate("rest_endpoint_portal", "rest_endpoint_portal")
        self.assertJsonError(self.request("GET", "/rest_endpoint/openapi.json"), 403)
        self.assertJsonError(self.request("GET", "/rest_endpoint/docs"), 403)
        # Internal users keep it.
        self.authenticate("rest_endpoint_api_user", "rest_endpoint_api_user")
        self.get_document(key=False)
        self.assertEqual(self.request("GET", "/rest_endpoint/docs").status_code, 200)

    def test_scoped_keys_are_refused_in_json(self):
        """A key scoped to some endpoints (rest_endpoint:<scope>) opens those
        endpoints and nothing else, the document included."""
        scoped_key = (
            self.env["res.users.apikeys"]
            .with_user(self.api_user)
            .sudo()
            ._generate("rest_endpoint:mobile", "scoped key", None)
        )
        self.make_endpoint(route="/api/oa/scoped")
        body = self.assertJsonError(
            self.request("GET", "/rest_endpoint/openapi.json", key=scoped_key),
            403,
            "rest_endpoint.errors.Forbidden",
        )
        self.assertIn("rest_endpoint:mobile", body["message"])

    def test_static_assets_served(self):
        for name in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "README.md"):
            response = self.url_open(f"/rest_endpoint/static/lib/swagger-ui/{name}")
            self.assertEqual(response.status_code, 200, name)
        response = self.url_open("/rest_endpoint/static/src/js/openapi_docs.js")
        self.assertIn(b"validatorUrl: null", response.content)

    def test_menu_opens_the_docs(self):
        menu = self.env.ref("rest_endpoint.openapi_docs_menu")
        endpoints_menu = self.env.ref("rest_endpoint.endpoint_endpoint_menu")
        self.assertEqual(menu.parent_id, endpoints_menu.parent_id)
        self.assertEqual(menu.action.url, "/rest_endpoint/docs")
