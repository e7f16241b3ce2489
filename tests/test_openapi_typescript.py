# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Generated clients are typed end to end: openapi-typescript (pinned, see
RE_NODE_TOOLS) generates the types of the demo's OpenAPI document, and
``tsc --strict`` compiles tests/data/ts_client/demo_client.ts, which calls
every demo operation (JSON-RPC and XML included) with openapi-fetch and reads
each answer into explicit types."""

import json
import os
import re
import shutil
import subprocess
import tempfile

from odoo.tests import tagged
from odoo.tools import file_path

from .common import EndpointCase
from .test_postman_newman import node_tool

CLIENT = file_path("rest_endpoint/tests/data/ts_client/demo_client.ts")


@tagged("post_install", "-at_install")
class TestTypeScriptClient(EndpointCase):
    def compile_client(self, document):
        tmp = tempfile.mkdtemp(prefix="rest_endpoint_ts_")
        self.addCleanup(shutil.rmtree, tmp, True)
        with open(os.path.join(tmp, "openapi.json"), "w", encoding="utf-8") as out:
            json.dump(document, out)
        generate = subprocess.run(
            [node_tool("openapi-typescript"), "openapi.json", "-o", "schema.d.ts"],
            cwd=tmp,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        self.assertEqual(generate.returncode, 0, generate.stderr[-2000:])
        shutil.copy(CLIENT, tmp)
        fetch = os.path.join(os.environ["RE_NODE_TOOLS"], "node_modules", "openapi-fetch")
        tsconfig = {
            "compilerOptions": {
                "strict": True,
                "noEmit": True,
                "skipLibCheck": False,  # the generated schema.d.ts is checked too
                "target": "es2022",
                "module": "esnext",
                "moduleResolution": "bundler",
                "lib": ["es2022", "dom"],
                "types": [],
                "paths": {"openapi-fetch": [fetch]},
            },
            "files": ["demo_client.ts"],
        }
        with open(os.path.join(tmp, "tsconfig.json"), "w", encoding="utf-8") as out:
            json.dump(tsconfig, out)
        return subprocess.run(
            [node_tool("tsc"), "-p", "tsconfig.json"],
            cwd=tmp,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def demo_document(self):
        response = self.request("GET", "/rest_endpoint/openapi.json", key=self.api_key)
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()

    def test_client_of_every_demo_operation_compiles_strictly(self):
        document = self.demo_document()
        with open(CLIENT, encoding="utf-8") as source:
            client = source.read()
        calls = re.findall(r'client\.(GET|POST|PUT|PATCH|DELETE)\("([^"]+)"', client)
        called = {(method.lower(), path) for method, path in calls}
        demo = {
            (method, path)
            for path, operations in document["paths"].items()
            for method in operations
            if path.startswith("/api/")
        }
        self.assertLessEqual(demo, called, "the client calls every demo operation")
        proc = self.compile_client(document)
        self.assertEqual(proc.returncode, 0, proc.stdout[-4000:] + proc.stderr[-1000:])

    def test_an_untyped_jsonrpc_id_fails_the_compilation(self):
        # The check can fail: the JSON-RPC id without its type (as before) is
        # `unknown`, which the client's `RpcId` refuses.
        document = self.demo_document()
        operation = document["paths"]["/api/mobile/customer/search"]["post"]
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        schema["properties"]["id"].pop("type")
        proc = self.compile_client(document)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("demo_client.ts", proc.stdout)
        self.assertIn("unknown", proc.stdout)

    def test_an_xml_body_documented_as_text_fails_the_compilation(self):
        # The check can fail: documented as XML text (as before), the shipment
        # notice has no members for the client's typed body to match.
        document = self.demo_document()
        operation = document["paths"]["/api/shipments/notice"]["post"]
        media = operation["requestBody"]["content"]["application/xml"]
        media["schema"] = {"type": "string", "format": "binary"}
        proc = self.compile_client(document)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("demo_client.ts", proc.stdout)
