# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Rate limits over HTTP: 429 and its headers, callers, claims of hits
ahead, prepared statements (the two-server side is in
test_operations_servers.py)."""

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..serving import rate_limit, side_sql
from .common import OperationsCase


@tagged("post_install", "-at_install")
class TestRateLimit(OperationsCase):
    def _pin_clocks(self, period, into):
        """Pin the database clock the counter reads (``rate_limit.pinned_clock``)
        ``into`` seconds into a window of ``period`` seconds, and the clock
        this process's leases run on to match: ``advance(seconds)`` moves
        both. No request depends on how fast the test runs."""
        self.env.cr.execute("SELECT extract(epoch FROM clock_timestamp())::float8")
        start = (self.env.cr.fetchone()[0] // period + 1) * period + into
        monotonic = [1000.0]
        self.patch(rate_limit, "pinned_clock", start)
        self.patch(rate_limit.leases, "clock", lambda: monotonic[0])

        def advance(seconds):
            rate_limit.pinned_clock += seconds
            monotonic[0] += seconds

        return advance

    def test_429_with_headers_then_200_after_the_period(self):
        endpoint = self.make_endpoint(
            route="/api/limited",
            request_method="POST",
            request_content_type="application/json",
            rate_limit=3,
            rate_limit_period=60,
        )
        advance = self._pin_clocks(60, into=15)

        def post(data='{"a": 1}'):
            return self.request(
                "POST", "/api/limited", data=data, headers={"Content-Type": "application/json"}
            )

        remaining = []
        for _i in range(3):
            response = post()
            self.assertEqual(response.status_code, 200, response.text)
            self.assertEqual(response.headers["RateLimit-Limit"], "3")
            self.assertEqual(response.headers["RateLimit-Reset"], "45")
            remaining.append(response.headers["RateLimit-Remaining"])
        self.assertEqual(remaining, ["2", "1", "0"])
        # over the limit: refused before the body is read (this one is not JSON)
        response = post(data="{not json")
        body = self.assertJsonError(response, 429, "rest_endpoint.errors.TooManyRequests")
        self.assertIn("3 request(s) per 60 second(s)", body["message"])
        self.assertIn("Retry in 45 second(s)", body["message"])
        self.assertEqual(response.headers["Retry-After"], "45")
        self.assertEqual(response.headers["RateLimit-Remaining"], "0")
        self.assertEqual(response.headers["RateLimit-Reset"], "45")
        advance(44)  # a second before the window ends: still refused
        self.assertEqual(post().headers["Retry-After"], "1")
        advance(1)  # the next window of the database clock
        response = post()
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.headers["RateLimit-Remaining"], "2")
        self.assertEqual(response.headers["RateLimit-Reset"], "60")
        rows = rate_limit.execute(
            self.env.cr.dbname,
            f"SELECT window_no, hits FROM {rate_limit.TABLE} WHERE endpoint_id = %s"
            " ORDER BY window_no",
            [endpoint.id],
        )
        # the refused calls of the first window: one claim, then the lease
        self.assertEqual([hits for _window, hits in rows], [4, 1])
        self.assertEqual(rows[1][0], rows[0][0] + 1)

    def test_counted_per_caller_and_changed_at_sync(self):
        endpoint = self.make_endpoint(
            route="/api/limited/keys", auth_type="bearer", rate_limit=1, rate_limit_period=3600
        )
        other = self.api_user.copy({"login": "rest_endpoint_limit_other"})
        other_key = self.env["res.users.apikeys"].with_user(other).sudo()._generate(None, "o", None)
        self.assertEqual(
            self.request("GET", "/api/limited/keys", key=self.api_key).status_code, 200
        )
        self.assertJsonError(self.request("GET", "/api/limited/keys", key=self.api_key), 429)
        self.assertEqual(self.request("GET", "/api/limited/keys", key=other_key).status_code, 200)
        endpoint.rate_limit = 5  # not synced: the published limit holds
        self.assertJsonError(self.request("GET", "/api/limited/keys", key=self.api_key), 429)
        endpoint.action_sync_registry()
        response = self.request("GET", "/api/limited/keys", key=self.api_key)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.headers["RateLimit-Limit"], "5")

    def test_keys_of_one_user_share_the_allowance_unless_counted_per_key(self):
        """Users mint their own keys: by default a second key of the same
        user gets no fresh allowance; ``rate_limit_by = key`` gives each key
        its own, ``ip`` counts the address whoever calls."""
        second_key = self.scoped_key(None)
        other = self.api_user.copy({"login": "rest_endpoint_limit_by"})
        other_key = self.scoped_key(None, user=other)
        endpoint = self.make_endpoint(
            route="/api/limited/by", auth_type="bearer", rate_limit=2, rate_limit_period=3600
        )
        self.assertEqual(endpoint.rate_limit_by, "user")

        def get(key):
            return self.request("GET", "/api/limited/by", key=key).status_code

        self.assertEqual([get(self.api_key), get(second_key), get(second_key)], [200, 200, 429])
        self.assertEqual(get(other_key), 200)
        endpoint.write({"rate_limit_by": "key", "rate_limit_period": 3599, "registry_sync": True})
        self.assertEqual([get(self.api_key), get(self.api_key), get(self.api_key)], [200, 200, 429])
        self.assertEqual([get(second_key), get(second_key)], [200, 200])
        endpoint.write({"rate_limit_by": "ip", "rate_limit_period": 3598, "registry_sync": True})
        self.assertEqual([get(self.api_key), get(other_key), get(second_key)], [200, 200, 429])

    def test_hits_claimed_ahead_for_a_large_limit(self):
        """A limit of 1000 is claimed 20 hits at a time: 25 requests make
        two claims, and the headers still count down one by one."""
        endpoint = self.make_endpoint(
            route="/api/limited/large", rate_limit=1000, rate_limit_period=3600
        )
        remaining = [
            self.request("GET", "/api/limited/large").headers["RateLimit-Remaining"]
            for _i in range(25)
        ]
        self.assertEqual(remaining, [str(999 - i) for i in range(25)])
        rows = rate_limit.execute(
            self.env.cr.dbname,
            f"SELECT hits FROM {rate_limit.TABLE} WHERE endpoint_id = %s",
            [endpoint.id],
        )
        self.assertEqual(rows, [(40,)])

    def _side_connections(self):
        """The idle side connections of this process (the test server runs in
        threads of it)."""
        return list(side_sql.connections._idle.get(self.env.cr.dbname, []))

    def test_counter_is_prepared_once_per_connection(self):
        self.make_endpoint(route="/api/limited/prepared", rate_limit=100, rate_limit_period=3600)
        for _i in range(3):
            self.assertEqual(self.request("GET", "/api/limited/prepared").status_code, 200)
        prepared = []
        for cnx in self._side_connections():
            with cnx.cursor() as cr:
                cr.execute("SELECT name, statement FROM pg_prepared_statements")
                prepared += cr.fetchall()
        names = [name for name, _statement in prepared]
        self.assertIn(rate_limit._HIT.name, names)
        # one PREPARE per connection, not one per request
        self.assertEqual(len(names), len(set(names)))

    def test_counted_when_a_pooler_loses_the_prepared_statement(self):
        """Behind pgbouncer in transaction mode an EXECUTE may reach a server
        connection that never saw the PREPARE: the hit is still counted, and
        the process goes on with plain statements."""
        self.make_endpoint(route="/api/limited/pooled", rate_limit=3, rate_limit_period=3600)
        self.addCleanup(setattr, side_sql.connections, "prepare", True)
        self.assertEqual(
            self.request("GET", "/api/limited/pooled").headers["RateLimit-Remaining"], "2"
        )
        for cnx in self._side_connections():
            with cnx.cursor() as cr:
                cr.execute("DEALLOCATE ALL")  # what the pooler's other connection lacks
        with mute_logger("odoo.addons.rest_endpoint.serving.rate_limit"):
            response = self.request("GET", "/api/limited/pooled")
        self.assertEqual(response.headers["RateLimit-Remaining"], "1")
        self.assertFalse(side_sql.connections.prepare)
        self.assertEqual(
            self.request("GET", "/api/limited/pooled").headers["RateLimit-Remaining"], "0"
        )
        self.assertJsonError(self.request("GET", "/api/limited/pooled"), 429)

    def test_counted_when_a_pooler_mixes_up_prepared_statements(self):
        """Behind pgbouncer in transaction mode a PREPARE may also reach a
        server connection that already has the statement (another client
        prepared it there): the hit is still counted."""
        self.make_endpoint(route="/api/limited/mixed", rate_limit=3, rate_limit_period=3600)
        self.addCleanup(setattr, side_sql.connections, "prepare", True)
        self.assertEqual(
            self.request("GET", "/api/limited/mixed").headers["RateLimit-Remaining"], "2"
        )
        for cnx in self._side_connections():
            cnx.prepared.clear()  # what the other client's connection did not prepare
        response = self.request("GET", "/api/limited/mixed")
        self.assertEqual(response.headers.get("RateLimit-Remaining"), "1")
        self.assertFalse(side_sql.connections.prepare)

    def test_no_limit_no_headers(self):
        self.make_endpoint(route="/api/unlimited")
        response = self.request("GET", "/api/unlimited")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("RateLimit-Limit", response.headers)
