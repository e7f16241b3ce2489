# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""schemathesis, with every check, over the demo endpoints of the live test
server, with the document the server publishes as the only oracle: the
document and the server must agree on what is valid (positive data accepted,
negative data refused), on every status, header, content type and body, and
over sequences of calls (the stateful phase follows the links it infers:
create, then read, update, delete the record created).

It runs the ``st`` command line, as an integrator would, so every phase and
every check is the tool's own: examples, coverage, fuzzing, stateful.
Derandomised (``--generation-deterministic``: the same cases on every run)
and bounded (``MAX_EXAMPLES`` per operation and phase, and a timeout)."""

import json
import logging
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from odoo.tests import tagged
from odoo.tests.common import TEST_CURSOR_COOKIE_NAME
from odoo.tools import mute_logger

from .common import EndpointCase

#: the folder of the schemathesis hooks module (XML element order)
HOOKS_DIR = Path(__file__).parent / "data"
# Fuzzed requests are refused by the thousand: their log lines say nothing.
_logger = logging.getLogger(__name__)
QUIET = ("odoo.http", "odoo.addons.rest_endpoint.serving.dispatcher", "odoo.sql_db", "werkzeug")
DEMO_ROUTES = {
    "/api/mobile/customer/<int:customer_id>",
    "/api/mobile/customer",
    "/api/mobile/customer/search",
    "/api/mobile/profile",  # scoped (mobile): OAuth tokens and keys of that scope
    "/api/orders",
    "/api/shipments/notice",
    "/api/v1/customers",  # a model resource: six operations on two paths
}


def schemathesis_checks():
    """Every check name schemathesis has, asked from the installed version
    (the command line registers them all when it is imported)."""
    code = (
        "import schemathesis.cli\n"
        "from schemathesis.checks import CHECKS\n"
        "print(','.join(CHECKS.get_all_names()))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return run.stdout.strip().split(",")


def schemathesis_config(document, checks):
    """The schemathesis configuration (TOML) for ``document``: every check
    of ``checks`` (all schemathesis has: the list comes from schemathesis
    itself, so a check added by a new version runs too) enabled by name.
    (``--checks`` on the command line would override the per-operation
    settings below.) ``object_level_authorization`` also needs users that
    must not see each other's objects (a WFC auth file), which the demo,
    one API key, does not give it.

    An XML body checked by an XSD is documented by the schema derived from
    its XSD (``xml`` annotations), so schemathesis builds XML documents and
    every check, "valid data refused" included, judges XML operations too.
    The only help it gets is the hook in ``data/schemathesis_hooks.py``:
    child elements written in the order the document gives (an XSD
    sequence, which a JSON object cannot hold).

    Scoped bearer endpoints (``oauth2`` in their security) refuse the run's
    global API key with 403, by design: that is what they expect of it.

    Operations taking ``If-Match`` (model resources' updates and deletes)
    answer a stale ETag, which is schema-valid, with 412: that status is
    added to what ``positive_data_acceptance`` expects for them. So is 422
    for operations taking ``Idempotency-Key``: schemathesis sends the same
    key with different bodies, which is valid input refused with 422.

    ``ensure_resource_availability`` (ST302, "created resource not found")
    is off: every create takes an ``Idempotency-Key`` and schemathesis
    reuses key values across cases, so a create may be answered with the
    stored response of an earlier one whose record a later case deleted.
    That replay is the contract (the draft's), not a lost record; reads
    after creates without a key are tested in test_resource and test_demo.

    A resource list also accepts 400 as an answer to valid-looking input:
    its ``after`` (offline sync) cursor is valid only when signed by the
    server, and it combines with limit and fields only; OpenAPI can state
    neither (the 400s are tested in test_resource_sync). Every other check
    (conformance of each answer, no 5xx) still runs on it.
    """
    off = {"ensure_resource_availability"}  # see above
    lines = ["[checks]"]
    lines += [f"{name}.enabled = {str(name not in off).lower()}" for name in checks] + [""]
    for item in document["paths"].values():
        for operation in item.values():
            headers = {p["name"] for p in operation.get("parameters", ()) if p["in"] == "header"}
            queries = {p["name"] for p in operation.get("parameters", ()) if p["in"] == "query"}
            extra = ["400"] if "after" in queries else []
            if "If-Match" in headers:
                extra.append("412")  # a stale ETag is valid input (model resources)
            if "Idempotency-Key" in headers:
                extra.append("422")  # a key already used with another request
            if extra:
                expected = ["2xx", "3xx", "401", "403", "404", "409", *extra, "429", "5xx"]
                lines += [
                    "[[operations]]",
                    f"include-operation-id = {json.dumps(operation['operationId'])}",
                    "checks.positive_data_acceptance.expected-statuses = " + json.dumps(expected),
                    "",
                ]
            if any("oauth2" in requirement for requirement in operation["security"]):
                # A scoped endpoint: the run's global key is refused by design.
                lines += [
                    "[[operations]]",
                    f"include-operation-id = {json.dumps(operation['operationId'])}",
                    "checks.positive_data_acceptance.expected-statuses = "
                    + json.dumps(["2xx", "403"]),
                    "",
                ]
    return "\n".join(lines)


@tagged("post_install", "-at_install")
class TestOpenApiFuzzDemo(EndpointCase):
    MAX_EXAMPLES = 300
    #: links the stateful phase must follow, at least those a create leads
    #: to: the resource's read, put, patch, delete and the mobile customer's
    #: get, put, delete (measured: 11 to 17 covered, as the demo evolved)
    MIN_LINKS_COVERED = 7
    TIMEOUT = 600  # seconds; the run takes about a minute on 2 cores

    @mute_logger(*QUIET)
    def test_schemathesis_every_check_on_the_demo(self):
        published = self.Endpoint.search([("published_config", "!=", False)])
        self.assertEqual(set(published.mapped("route")), DEMO_ROUTES)
        # Responses are checked against the response schemas by the server
        # too (a payload that drifts from its schema is a 500).
        self.env["ir.config_parameter"].set_param("rest_endpoint.validate_responses", "1")
        document = self.url_open(
            "/rest_endpoint/openapi.json", headers={"Authorization": f"Bearer {self.api_key}"}
        ).json()
        self.assertEqual(len([op for item in document["paths"].values() for op in item]), 14)
        st = Path(sys.executable).with_name("st")
        checks = schemathesis_checks()
        # the checks this test relies on are among them, each enabled by name
        self.assertLessEqual(
            {
                "not_a_server_error",
                "status_code_conformance",
                "content_type_conformance",
                "response_headers_conformance",
                "response_schema_conformance",
                "negative_data_rejection",
                "positive_data_acceptance",
                "missing_required_header",
                "unsupported_method",
                "use_after_free",
                "ensure_resource_availability",
                "ignored_auth",
            },
            set(checks),
        )
        with tempfile.TemporaryDirectory() as tmp, self.allow_requests():
            config = Path(tmp, "schemathesis.toml")
            config.write_text(schemathesis_config(document, checks))
            cookie = self.opener.cookies[TEST_CURSOR_COOKIE_NAME]
            command = [
                str(st),
                "--config-file",
                str(config),
                "run",
                f"{self.base_url()}/rest_endpoint/openapi.json",
                "--url",
                self.base_url(),
                "--mode",
                "all",
                "--phases",
                "examples,coverage,fuzzing,stateful",
                "--max-examples",
                str(self.MAX_EXAMPLES),
                "--generation-deterministic",  # and so no example database
                "--workers",
                "1",
                "--continue-on-failure",
                "--no-color",
                "--header",
                f"Authorization: Bearer {self.api_key}",
                # HttpCase serves only the requests that carry its test cookie.
                "--header",
                f"Cookie: {TEST_CURSOR_COOKIE_NAME}={cookie}",
            ]
            run = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=self.TIMEOUT,
                cwd=tmp,
                env={
                    **os.environ,
                    "SCHEMATHESIS_HOOKS": "schemathesis_hooks",
                    "PYTHONPATH": str(HOOKS_DIR),
                },
                check=False,
            )
        output = run.stdout + run.stderr
        summary = output[output.find("Test Phases:") :].strip()
        _logger.info("schemathesis (exit %s):\n%s", run.returncode, summary[-3000:])
        self.assertEqual(run.returncode, 0, output[-20000:])
        self.assertNotIn("Server error", output)
        # Every phase ran (a skipped phase exits 0 too: "⏭  Stateful (...)").
        for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
            self.assertRegex(summary, rf"(?m)^\s*✅ {phase}\s*$", output[-5000:])
        # The stateful phase ran scenarios along links between operations
        # (create, then read, update, delete what was created).
        scenarios = re.search(r"Scenarios:\s+(\d+)", output)
        links = re.search(r"API Links:\s+(\d+) covered / (\d+) selected / (\d+) total", output)
        self.assertTrue(scenarios and links, output[-5000:])
        _logger.info("stateful: %s scenarios, links %s", scenarios[1], links.group(0))
        self.assertGreater(int(scenarios[1]), 0, output[-5000:])
        self.assertGreaterEqual(int(links[1]), self.MIN_LINKS_COVERED, output[-5000:])
