# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Cross-site callers of session endpoints, access and company scoping, the
'Exec as user', the published snapshot and the bearer cache."""

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import EndpointCase

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}
EVIL = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
QUIET = ("odoo.http", "odoo.addons.rest_endpoint.serving.dispatcher")
CREATE_PARTNER = (
    "partner = env['res.partner'].create({'name': payload['name']})\n"
    "result = {'payload': {'id': partner.id, 'keys': sorted(payload)}}"
)


@tagged("post_install", "-at_install")
class TestCrossSite(EndpointCase):
    def setUp(self):
        super().setUp()
        self.make_endpoint(
            route="/api/sec/partner",
            request_method="POST",
            request_content_type="application/x-www-form-urlencoded",
            auth_type="user_endpoint",
            exec_as_user_id=False,
            cors="https://app.example.com, *",
            code_snippet=CREATE_PARTNER,
        )
        self.make_endpoint(
            route="/api/sec/token",
            auth_type="user_endpoint",
            exec_as_user_id=False,
            code_snippet="result = {'payload': {'token': request.csrf_token()}}",
        )
        self.authenticate(self.api_user.login, self.api_user.login)

    def post(self, name, headers=None, path="/api/sec/partner", data=None):
        return self.request(
            "POST", path, data=data or {"name": name}, headers={**FORM, **(headers or {})}
        )

    def created(self, name):
        return self.env["res.partner"].search_count([("name", "=", name)])

    def token(self):
        return self.request("GET", "/api/sec/token").json()["token"]

    @mute_logger(*QUIET)
    def test_cross_site_form_post_refused(self):
        for name, headers in (
            ("csrf-evil", EVIL),
            ("csrf-evil-origin", {"Origin": "https://evil.example"}),
            ("csrf-null", {"Origin": "null"}),
            ("csrf-same-site", {"Sec-Fetch-Site": "same-site"}),
            ("csrf-cross-site", {"Sec-Fetch-Site": "cross-site"}),
            # CORS '*' does not open a session endpoint to every site
            ("csrf-star", {"Origin": "https://any.example", "Sec-Fetch-Site": "cross-site"}),
        ):
            with self.subTest(headers=headers):
                response = self.post(name, headers)
                body = self.assertJsonError(response, 403, "rest_endpoint.errors.Forbidden")
                self.assertIn("Cross-site request refused", body["message"])
                self.assertIn("CSRF token", body["message"])
                self.assertEqual(self.created(name), 0)

    def test_same_origin_and_non_browser_callers_pass(self):
        for name, headers in (
            ("same-origin", {"Origin": self.base_url(), "Sec-Fetch-Site": "same-origin"}),
            ("same-origin-fetch", {"Sec-Fetch-Site": "same-origin"}),
            ("own-origin", {"Origin": self.base_url()}),
            ("cors-origin", {"Origin": "https://app.example.com", "Sec-Fetch-Site": "cross-site"}),
            ("script", {}),
        ):
            with self.subTest(headers=headers):
                response = self.post(name, headers)
                self.assertEqual(response.status_code, 200, response.text)
                self.assertEqual(self.created(name), 1)

    def test_web_base_url_is_our_origin(self):
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", "https://erp.example.com")
        response = self.post("behind-proxy", {"Origin": "https://erp.example.com"})
        self.assertEqual(response.status_code, 200, response.text)

    @mute_logger(*QUIET)
    def test_valid_csrf_token_passes(self):
        token = self.token()
        response = self.post("token-header", {**EVIL, "X-CSRF-Token": token})
        self.assertEqual(response.status_code, 200, response.text)
        response = self.post("token-query", EVIL, path=f"/api/sec/partner?csrf_token={token}")
        self.assertEqual(response.status_code, 200, response.text)
        # a same-site form posts its token as a field, which the snippet never sees
        response = self.post("token-form", EVIL, data={"name": "token-form", "csrf_token": token})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["keys"], ["name"])
        for name in ("token-header", "token-query", "token-form"):
            self.assertEqual(self.created(name), 1, name)
        # a wrong token is refused like none
        for name, headers, data in (
            ("bad-header", {**EVIL, "X-CSRF-Token": "0" * 40 + "o9999999999"}, None),
            ("bad-form", EVIL, {"name": "bad-form", "csrf_token": "nope"}),
        ):
            with self.subTest(name=name):
                self.assertJsonError(self.post(name, headers, data=data), 403)
                self.assertEqual(self.created(name), 0)

    @mute_logger(*QUIET)
    def test_json_session_endpoint_refused_before_the_body(self):
        self.make_endpoint(
            route="/api/sec/json",
            request_method="POST",
            request_content_type="application/json",
            auth_type="user_endpoint",
            exec_as_user_id=False,
            code_snippet=CREATE_PARTNER,
        )
        # malformed body: refused as cross-site (403), not parsed (400)
        response = self.request("POST", "/api/sec/json", data=b"{oops", headers={**JSON, **EVIL})
        self.assertJsonError(response, 403)
        response = self.request(
            "POST",
            "/api/sec/json",
            data=b'{"name": "json-token"}',
            headers={**JSON, **EVIL, "X-CSRF-Token": self.token()},
        )
        self.assertEqual(response.status_code, 200, response.text)

    def test_bearer_endpoint_unaffected(self):
        self.make_endpoint(
            route="/api/sec/bearer",
            request_method="POST",
            request_content_type="application/x-www-form-urlencoded",
            auth_type="bearer",
            exec_as_user_id=False,
            code_snippet=CREATE_PARTNER,
        )
        response = self.request(
            "POST", "/api/sec/bearer", key=self.api_key, data={"name": "bearer"}, headers=EVIL
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(self.created("bearer"), 1)

    @mute_logger(*QUIET)
    def test_csrf_flag_still_requires_the_token_same_origin(self):
        self.make_endpoint(
            route="/api/sec/flag",
            request_method="POST",
            request_content_type="application/x-www-form-urlencoded",
            auth_type="user_endpoint",
            exec_as_user_id=False,
            csrf=True,
            code_snippet=CREATE_PARTNER,
        )
        same = {"Origin": self.base_url(), "Sec-Fetch-Site": "same-origin"}
        body = self.assertJsonError(self.post("flag", same, path="/api/sec/flag"), 403)
        self.assertIn("CSRF token", body["message"])
        data = {"name": "flag", "csrf_token": self.token()}
        response = self.post("flag", same, path="/api/sec/flag", data=data)
        self.assertEqual(response.status_code, 200, response.text)


@tagged("post_install", "-at_install")
class TestAccessAndScoping(EndpointCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "REST endpoint company B"})
        cls.exec_user = cls.env["res.users"].create(
            {
                "name": "Exec user",
                "login": "rest_endpoint_exec_user",
                "group_ids": [Command.set([cls.env.ref("base.group_user").id])],
            }
        )

    def test_public_endpoint_refuses_allowed_groups(self):
        group = self.env.ref("base.group_user")
        with self.assertRaisesText(ValidationError, "cannot have allowed groups"):
            self.make_endpoint(route="/api/acc/pubgroups", allowed_group_ids=[group.id])
        endpoint = self.make_endpoint(route="/api/acc/pubgroups2")
        with self.assertRaisesText(ValidationError, "cannot have allowed groups"):
            endpoint.allowed_group_ids = group
        endpoint.write({"auth_type": "bearer", "allowed_group_ids": [Command.set(group.ids)]})

    @mute_logger(*QUIET)
    def test_public_groups_published_before_the_check_are_refused(self):
        endpoint = self.make_endpoint(route="/api/acc/legacy")
        # a snapshot published before the save-time check existed
        version = endpoint._bump_version(endpoint.ids)
        self.env.cr.execute(
            "UPDATE endpoint_endpoint SET published_config = published_config"
            " || jsonb_build_object('group_ids', jsonb_build_array(%s)),"
            " published_version = %s WHERE id = %s",
            [self.env.ref("base.group_user").id, version, endpoint.id],
        )
        with self.assertLogs("odoo.http", "ERROR") as logs:
            response = self.request("GET", "/api/acc/legacy")
        body = self.assertJsonError(response, 500)
        self.assertEqual(body["message"], "Internal Server Error")
        self.assertIn("public but has allowed groups", "\n".join(logs.output))

    def test_published_snapshot_is_for_the_sync_only(self):
        with self.assertRaisesText(UserError, "published_config can only be set by Sync"):
            self.make_endpoint(route="/api/acc/snap", published_config={"route": "/x"})
        endpoint = self.make_endpoint(route="/api/acc/snap2")
        published = endpoint.published_config
        for vals in ({"published_config": {"code": "evil"}}, {"published_version": 1}):
            with self.subTest(vals=vals), self.assertRaisesText(UserError, "Sync registry"):
                endpoint.write(dict(vals, name="renamed"))
        self.assertEqual(endpoint.published_config, published)
        endpoint.code_snippet = "result = 2"
        endpoint.action_sync_registry()  # the sync itself still publishes
        self.assertEqual(endpoint.published_config["code"], "result = 2")

    def test_company_is_applied(self):
        self.exec_user.company_ids = [Command.link(self.company_b.id)]
        self.make_endpoint(
            route="/api/acc/company",
            exec_as_user_id=self.exec_user.id,
            company_id=self.company_b.id,
            code_snippet=(
                "result = {'payload': {'companies': env.companies.ids, 'company': env.company.id}}"
            ),
        )
        response = self.request("GET", "/api/acc/company")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(
            response.json(), {"companies": [self.company_b.id], "company": self.company_b.id}
        )

    def test_company_checked_at_save_time(self):
        with self.assertRaisesText(ValidationError, "may not access"):
            self.make_endpoint(
                route="/api/acc/nocompany",
                exec_as_user_id=self.exec_user.id,
                company_id=self.company_b.id,
            )

    @mute_logger(*QUIET)
    def test_company_checked_at_serve_time(self):
        self.make_endpoint(
            route="/api/acc/session-company",
            auth_type="user_endpoint",
            exec_as_user_id=False,
            company_id=self.company_b.id,
            code_snippet="result = {'payload': env.companies.ids}",
        )
        self.authenticate(self.api_user.login, self.api_user.login)
        response = self.request("GET", "/api/acc/session-company")
        body = self.assertJsonError(response, 403, "rest_endpoint.errors.Forbidden")
        self.assertIn("company your user may not access", body["message"])
        self.api_user.company_ids = [Command.link(self.company_b.id)]
        response = self.request("GET", "/api/acc/session-company")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json(), [self.company_b.id])
        # the exec-as user lost the company after the sync: a server-side problem
        self.exec_user.company_ids = [Command.link(self.company_b.id)]
        self.make_endpoint(
            route="/api/acc/lost-company",
            exec_as_user_id=self.exec_user.id,
            company_id=self.company_b.id,
        )
        self.exec_user.company_ids = [Command.unlink(self.company_b.id)]
        with self.assertLogs("odoo.http", "ERROR") as logs:
            response = self.request("GET", "/api/acc/lost-company")
        self.assertEqual(self.assertJsonError(response, 500)["message"], "Internal Server Error")
        self.assertIn("which its 'Exec as user'", "\n".join(logs.output))

    @mute_logger(*QUIET)
    def test_archived_exec_as_user_refused(self):
        endpoint = self.make_endpoint(route="/api/acc/archived", exec_as_user_id=self.exec_user.id)
        self.assertEqual(self.request("GET", "/api/acc/archived").status_code, 200)
        self.assertFalse(endpoint.exec_as_user_archived)
        self.exec_user.action_archive()
        self.assertTrue(endpoint.exec_as_user_archived)  # the form's warning
        with self.assertLogs("odoo.http", "ERROR") as logs:
            response = self.request("GET", "/api/acc/archived")
        body = self.assertJsonError(response, 500)
        self.assertEqual(body["message"], "Internal Server Error")
        self.assertNotIn("archived", response.text)
        log = "\n".join(logs.output)
        self.assertIn(f"runs as user #{self.exec_user.id}, which is archived", log)
        self.exec_user.action_unarchive()
        self.assertEqual(self.request("GET", "/api/acc/archived").status_code, 200)
