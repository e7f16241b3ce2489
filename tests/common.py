# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import ConcurrencyError
from odoo.tests import HttpCase

from ..serving import auth, rate_limit, request_log
from ..serving.dispatcher import RestEndpointDispatcher


class EndpointCase(HttpCase):
    """Endpoints, users and API keys for tests against the real HTTP server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Endpoint = cls.env["endpoint.endpoint"]
        cls.api_user = cls.env["res.users"].create(
            {
                "name": "API user",
                "login": "rest_endpoint_api_user",
                "password": "rest_endpoint_api_user",
                "email": "api@example.com",
                "group_ids": [
                    Command.set(
                        [
                            cls.env.ref("base.group_user").id,
                            cls.env.ref("base.group_partner_manager").id,
                        ]
                    )
                ],
            }
        )
        cls.api_key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.api_user)
            .sudo()
            ._generate(None, "rest_endpoint tests", None)
        )

    def make_endpoint(self, sync=True, **vals):
        values = {
            "name": vals.get("route", "test"),
            "auth_type": "public",
            "exec_as_user_id": self.api_user.id,
            "code_snippet": "result = {'payload': {'ok': True}}",
        }
        values.update(vals)
        values["registry_sync"] = sync
        return self.Endpoint.create(values)

    def request(self, method, path, *, key=None, headers=None, **kw):
        headers = dict(headers or {})
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return self.url_open(path, method=method, headers=headers, allow_redirects=False, **kw)

    @contextmanager
    def assertRaisesText(self, exception, needle):
        """assertRaises (which rolls back to a savepoint) plus a message check."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertRegex(str(caught.exception), needle)

    def assertJsonError(self, response, status, name=None):
        self.assertEqual(response.status_code, status, response.text)
        self.assertEqual(response.headers["Content-Type"], "application/json; charset=utf-8")
        body = response.json()
        self.assertEqual(
            set(body) - {"errors", "debug"}, {"name", "message", "arguments", "context"}
        )
        self.assertNotIn("debug", body)  # never outside dev mode
        self.assertNotIn("Traceback", response.text)
        if name:
            self.assertEqual(body["name"], name)
        return body


@contextmanager
def serialization_failure_after_first_pass():
    """Make the first pass of each request fail as a serialization failure
    at flush time looks to Odoo: the pass has answered, its transaction is
    rolled back, and Odoo runs the whole request again (at once: no random
    wait). Yields the status of each pass."""
    passes = []
    original = RestEndpointDispatcher.post_dispatch

    def fail_first_pass(dispatcher, response):
        result = original(dispatcher, response)
        passes.append(response.status_code)
        if len(passes) == 1:
            raise ConcurrencyError("could not serialize access due to concurrent update")
        return result

    with (
        patch.object(RestEndpointDispatcher, "post_dispatch", fail_first_pass),
        patch("odoo.service.model.random.uniform", return_value=0),
    ):
        yield passes


class OperationsCase(EndpointCase):
    """Production features: request log rows, rate-limit counters and key
    caches live outside the test transaction, so they are reset here."""

    def setUp(self):
        super().setUp()
        request_log.forget_pending()
        auth.forget_all()
        self.addCleanup(auth.forget_all)

    def make_endpoint(self, sync=True, **vals):
        endpoint = super().make_endpoint(sync=sync, **vals)
        # the counters live outside the test transaction (autocommit)
        self.addCleanup(
            rate_limit.execute,
            self.env.cr.dbname,
            f"DELETE FROM {rate_limit.TABLE} WHERE endpoint_id = %s",
            [endpoint.id],
        )
        self.addCleanup(rate_limit.leases.clear)
        return endpoint

    def logs(self, endpoint, expected=None):
        """The log rows of ``endpoint`` once every request sent so far has
        closed its response (rows are made then: see request_log.py)."""
        request_log.flush_pending(self.env.cr)
        return self.env["endpoint.log"].search([("endpoint_id", "=", endpoint.id)], order="id")

    def scoped_key(self, scope, user=None):
        return (
            self.env["res.users.apikeys"]
            .with_user(user or self.api_user)
            .sudo()
            ._generate(scope, f"key {scope}", None)
        )
