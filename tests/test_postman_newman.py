# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The Postman collection exported from the demo database runs: newman
(pinned, installed by ``tools/dev test`` into the cache, see RE_NODE_TOOLS)
sends every request against the test server, and every request passes its
assertions (the documented status; for JSON, the documented schema)."""

import json
import os
import re
import subprocess
import tempfile

from odoo.tests import tagged

from .common import EndpointCase


def node_tool(name):
    """The path of a pinned node tool, or an AssertionError saying how to get it."""
    folder = os.environ.get("RE_NODE_TOOLS", "")
    path = os.path.join(folder, "node_modules", ".bin", name)
    if not folder or not os.path.exists(path):
        raise AssertionError(
            f"{name} not found: run the tests with tools/dev test (it installs the pinned "
            "node tools and sets RE_NODE_TOOLS)"
        )
    return path


def without_scoped(collection, endpoints):
    """The collection less the requests of scoped bearer endpoints (an API
    key scope): they take only tokens or keys of their scope, and this run
    holds a global key (tests/test_oauth_*.py call them)."""
    scoped = {
        (endpoint.request_method, re.sub(r"<(?:[^:>]+:)?([^>]+)>", r":\1", endpoint.route))
        for endpoint in endpoints.search(
            [
                ("auth_type", "=", "bearer"),
                ("api_key_scope", "!=", False),
                ("published_config", "!=", False),
            ]
        )
    }

    def keep(item):
        if "item" in item:
            item["item"] = [child for child in item["item"] if keep(child)]
            return True
        raw = item["request"]["url"]["raw"] if isinstance(item["request"]["url"], dict) else ""
        path = raw.split("}}", 1)[-1].split("?", 1)[0]
        return (item["request"]["method"], path) not in scoped

    keep(collection)
    return collection, len(scoped)


@tagged("post_install", "-at_install")
class TestPostmanNewman(EndpointCase):
    def setUp(self):
        super().setUp()
        admin = self.env.ref("base.user_admin")
        self.key = self.env["res.users.apikeys"].with_user(admin).sudo()._generate(None, "pm", None)
        self.tmp = tempfile.mkdtemp(prefix="rest_endpoint_newman_")

    def newman(self, collection):
        path = os.path.join(self.tmp, "collection.json")
        report = os.path.join(self.tmp, "report.json")
        with open(path, "w", encoding="utf-8") as out:
            json.dump(collection, out)
        command = [
            node_tool("newman"),
            "run",
            path,
            "--env-var",
            f"baseUrl={self.base_url()}",
            "--env-var",
            f"bearerKey={self.key}",
            "--reporters",
            "cli,json",
            "--reporter-json-export",
            report,
            "--color",
            "off",
        ]
        with self.allow_requests(all_requests=True):
            proc = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
        with open(report, encoding="utf-8") as source:
            return proc, json.load(source)["run"]

    def test_every_request_passes_its_assertions(self):
        response = self.request("GET", "/rest_endpoint/postman.json", key=self.key)
        self.assertEqual(response.status_code, 200, response.text)
        document = self.request("GET", "/rest_endpoint/openapi.json", key=self.key).json()
        collection, scoped = without_scoped(response.json(), self.env["endpoint.endpoint"])
        self.assertEqual(scoped, 1)  # the demo's /api/mobile/profile
        methods = ("get", "post", "put", "patch", "delete")
        operations = sum(1 for ops in document["paths"].values() for m in ops if m in methods)
        operations -= scoped
        proc, run = self.newman(collection)
        self.assertEqual(proc.returncode, 0, proc.stdout[-4000:] + proc.stderr[-2000:])
        stats = run["stats"]
        self.assertEqual(stats["requests"], {"total": operations, "pending": 0, "failed": 0})
        self.assertEqual(stats["assertions"]["failed"], 0)
        for execution in run["executions"]:
            name = execution["item"]["name"]
            code = execution["response"]["code"]
            self.assertLess(code, 300, name)
            asserted = [a["assertion"] for a in execution.get("assertions", [])]
            self.assertTrue(any(a.startswith("status is") for a in asserted), name)
            if execution["response"].get("header") and any(
                h["key"].lower() == "content-type" and "json" in h["value"]
                for h in execution["response"]["header"]
            ):
                self.assertIn("the JSON body matches the documented schema", asserted, name)
        names = [e["item"]["name"] for e in run["executions"]]
        self.assertEqual(len(names), len(set(names)), names)  # PUT and PATCH apart

    def test_a_body_off_its_schema_fails_the_run(self):
        # The assertions really check: a schema the answer does not match fails.
        collection = self.request("GET", "/rest_endpoint/postman.json", key=self.key).json()
        collection, _scoped = without_scoped(collection, self.env["endpoint.endpoint"])
        folder = next(f for f in collection["item"] if f["name"] == "orders")
        script = folder["item"][0]["event"][0]["script"]["exec"]
        index = next(i for i, line in enumerate(script) if line.startswith("const schema = "))
        schema = json.loads(script[index][len("const schema = ") : -1])
        schema["required"].append("not_in_the_answer")
        script[index] = f"const schema = {json.dumps(schema)};"
        proc, run = self.newman(collection)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(run["stats"]["assertions"]["failed"], 1)
