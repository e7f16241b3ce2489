"""Benchmark driver, started by ``bench/run`` (which provides Odoo, the venv,
wrk and OCA's addons).

Three databases are served by ONE prefork Odoo server (--workers=2, no cron),
every request carrying ``X-Odoo-Database`` (without it, a server with a
db-filter lists the databases on every request, which costs more than the
endpoints measured):

* ``rest_endpoint_bench``: rest_endpoint (+ demo) and the hand-written
  baseline controllers (``bench/addons``);
* ``rest_endpoint_bench_oca``: OCA endpoint 19.0 and the baseline;
* ``rest_endpoint_bench_plain``: the baseline only (for /web/health).

Targets are measured in interleaved rounds (A B C ... A B C ...), and every
figure reported is a ratio within one run: this machine is shared and noisy.

What is set up is in ``bench_setup.py``, the load generator in ``wrk.py``,
the report in ``bench_report.py``.
"""

import argparse
import json
import statistics
import tempfile
import time
import uuid

import requests
from bench_apps import app_targets, check_expanded, stored_keys
from bench_auth import AuthBench
from bench_replica import ReplicaBench
from bench_report import report
from bench_setup import (
    BODY,
    COMPANIES,
    COMPANY_FIELDS,
    CONTACT_FIELDS,
    CONTACTS_PER_COMPANY,
    DB_OCA,
    DB_OURS,
    DB_PLAIN,
    ORDER,
    ORDER_SCHEMA,
    RESOURCE_FIELDS,
    SCALE_EXTRA,
    SCALE_SET,
    SETUP_OCA,
    SETUP_OURS,
    SYNC_SCALE,
)
from benchlib import HERE, Odoo, log, replica_available
from wrk import wrk

GROUPS = ("main", "sync", "scale", "replica", "auth")


class Bench:
    def __init__(self, odoo, args):
        self.odoo = odoo
        self.args = args
        self.results = {}
        self.notes = []

    def headers(self, db, key=None, content_type=None):
        headers = {"X-Odoo-Database": db}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        if content_type:
            headers["Content-Type"] = content_type
        return headers

    def targets(self):
        ours, oca = self.ours, self.oca
        order = json.dumps(ORDER)
        jsonrpc = json.dumps({"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1})
        j = "application/json"
        return {
            "health (with rest_endpoint)": ("/web/health", {"headers": self.headers(DB_OURS)}),
            "health (without)": ("/web/health", {"headers": self.headers(DB_PLAIN)}),
            "baseline public": ("/bench/baseline/public", {"headers": self.headers(DB_OURS)}),
            "rest_endpoint public": ("/bench/ep/public", {"headers": self.headers(DB_OURS)}),
            "OCA public": ("/bench/ep/public", {"headers": self.headers(DB_OCA)}),
            "baseline bearer": (
                "/bench/baseline/bearer",
                {"headers": self.headers(DB_OURS, ours["key"])},
            ),
            "rest_endpoint bearer": (
                "/bench/ep/bearer",
                {"headers": self.headers(DB_OURS, ours["key"])},
            ),
            "OCA bearer": ("/bench/ep/bearer", {"headers": self.headers(DB_OCA, oca["key"])}),
            "JSON-2 search_count": (
                "/json/2/res.partner/search_count",
                {
                    "method": "POST",
                    "body": json.dumps({"domain": [["id", "=", 1]]}),
                    "headers": self.headers(DB_OURS, ours["key"], j),
                },
            ),
            "rest_endpoint POST": (
                "/bench/ep/order",
                {"method": "POST", "body": order, "headers": self.headers(DB_OURS, None, j)},
            ),
            "rest_endpoint POST + JSON Schema": (
                "/bench/ep/order-schema",
                {"method": "POST", "body": order, "headers": self.headers(DB_OURS, None, j)},
            ),
            "resource list (20 x 5 fields)": (
                "/bench/res/partners",
                {"headers": self.headers(DB_OURS, ours["key"])},
            ),
            "JSON-2 search_read (20 x 5 fields)": (
                "/json/2/res.partner/search_read",
                {
                    "method": "POST",
                    "body": json.dumps(
                        {
                            "domain": [["ref", "=", "bench-res"]],
                            "fields": list(RESOURCE_FIELDS),
                            "limit": 20,
                        }
                    ),
                    "headers": self.headers(DB_OURS, ours["key"], j),
                },
            ),
            "resource item read": (
                f"/bench/res/partners/{ours['partner']}",
                {"headers": self.headers(DB_OURS, ours["key"])},
            ),
            "code endpoint item read": (
                f"/bench/ep/partner/{ours['partner']}",
                {"headers": self.headers(DB_OURS, ours["key"])},
            ),
            "rest_endpoint json (JSON-RPC)": (
                "/bench/ep/jsonrpc",
                {"method": "POST", "body": jsonrpc, "headers": self.headers(DB_OURS, None, j)},
            ),
            "rest_endpoint public, log all": (
                "/bench/ep/log-all",
                {"headers": self.headers(DB_OURS)},
            ),
            "rest_endpoint public, log none": (
                "/bench/ep/log-none",
                {"headers": self.headers(DB_OURS)},
            ),
            "rest_endpoint public, rate limit not reached": (
                "/bench/ep/limited",
                {"headers": self.headers(DB_OURS)},
            ),
            **app_targets(self),
        }

    def check_targets(self, targets):
        for name, (path, opts) in targets.items():
            calls = opts.get("sequence") or [dict(opts, path=path)]
            for call in calls:
                headers = dict(call.get("headers") or {})
                if opts.get("unique_header"):
                    headers[opts["unique_header"]] = f"bench-check-{uuid.uuid4().hex}"
                response = requests.request(
                    call.get("method", "GET"),
                    self.odoo.url(call["path"]),
                    data=call.get("body"),
                    headers=headers,
                    timeout=30,
                )
                if not response.ok or "Idempotent-Replayed" in response.headers:
                    raise RuntimeError(f"{name}: {response.status_code} {response.text[:300]}")
            if name.startswith("resource list, ") and "expanded" in name:
                check_expanded(name, response.json())
            same_bytes = response.content == self.body_bytes
            if name.endswith(("public", "bearer")) and "baseline" not in name and not same_bytes:
                self.notes.append(f"{name} returned {response.content[:80]!r}")

    def run_main(self):
        targets = self.targets()
        self.body_bytes = requests.get(
            self.odoo.url("/bench/baseline/public"), headers=self.headers(DB_OURS), timeout=10
        ).content
        self.check_targets(targets)
        keys_before = stored_keys()
        keyed = 0  # requests sent with an Idempotency-Key (warm-up included)
        for path, opts in targets.values():  # warm every worker
            for _i in range(2):
                out = self._wrk(path, opts, 1)
                keyed += out["requests"] if opts.get("unique_header") else 0
        samples = {name: [] for name in targets}
        for rnd in range(self.args.rounds):
            log(f"round {rnd + 1}/{self.args.rounds}")
            for name, (path, opts) in targets.items():
                samples[name].append(self._wrk(path, opts, self.args.duration))
                keyed += samples[name][-1]["requests"] if opts.get("unique_header") else 0
        self.results["main"] = samples
        # Every keyed request ran (a replay stores nothing): requests wrk
        # counted as answered <= keys stored (wrk drops the in-flight ones).
        stored = stored_keys() - keys_before
        self.notes.append(
            f"Idempotent POST: {keyed} keyed requests answered, {stored} keys stored "
            f"({'every request ran, none was a replay' if stored >= keyed else 'REPLAYS'})."
        )

    def _wrk(self, path, opts, duration):
        """wrk's figures; req/s divided by ``calls`` (a sequence counted as
        one app request), p50/p99 stay per call."""
        opts = dict(opts)
        calls = opts.pop("calls", 1)
        out = wrk(self.odoo.url(path), duration=duration, **opts)
        out["rps"] /= calls
        out["calls"] = calls
        return out

    def _session(self, db):
        # No X-Odoo-Database here: that header makes the session stateless.
        session = requests.Session()
        response = session.post(
            self.odoo.url("/web/session/authenticate"),
            json={"jsonrpc": "2.0", "params": {"db": db, "login": "admin", "password": "admin"}},
            timeout=30,
        )
        response.raise_for_status()
        if not response.json().get("result"):
            raise RuntimeError(f"login to {db} failed: {response.text[:300]}")
        return session

    def _call(self, session, method, args):
        response = session.post(
            self.odoo.url(f"/web/dataset/call_kw/endpoint.endpoint/{method}"),
            json={
                "jsonrpc": "2.0",
                "params": {
                    "model": "endpoint.endpoint",
                    "method": method,
                    "args": args,
                    "kwargs": {},
                },
            },
            timeout=300,
        )
        if not response.ok:
            raise RuntimeError(f"call_kw {method}: {response.status_code} {response.text[:500]}")
        body = response.json()
        if "error" in body:
            raise RuntimeError(json.dumps(body["error"])[:500])
        return body["result"]

    def _latency(self, db, path, n):
        out = []
        for _i in range(n):  # a new connection each time: the kernel spreads them
            t0 = time.perf_counter()
            response = requests.get(
                self.odoo.url(path),
                headers={"X-Odoo-Database": db, "Connection": "close"},
                timeout=60,
            )
            out.append((time.perf_counter() - t0) * 1000)
            response.raise_for_status()
        return out

    def run_scale(self):
        """10 vs 1000 published endpoints, and the first requests after a sync
        with 1000 published, for us and for OCA."""
        code = "result = {'payload': 1}"
        out = {}
        for label, db, info in (("rest_endpoint", DB_OURS, self.ours), ("OCA", DB_OCA, self.oca)):
            ids = self.odoo.shell(db, SCALE_SET % {"n": SCALE_EXTRA, "code": code})
            session = self._session(db)
            path = "/bench/ep/public"
            headers = self.headers(db)
            rps = {"few": [], "many": []}
            for rnd in range(self.args.rounds):
                log(f"{label}: scale round {rnd + 1}/{self.args.rounds}")
                for state, active in (("few", False), ("many", True)):
                    self._call(session, "write", [ids, {"active": active, "registry_sync": True}])
                    wrk(self.odoo.url(path), headers=headers, duration=1)  # absorb reloads
                    rps[state].append(
                        wrk(self.odoo.url(path), headers=headers, duration=self.args.duration)
                    )
            # many published now: first requests after syncing one endpoint
            normal, after = [], []
            for attempt in range(5):
                normal.append(statistics.median(self._latency(db, path, 20)))
                self._call(
                    session,
                    "write",
                    [[info["probe"]], {"code_snippet": f"result = {{'payload': {attempt}}}"}],
                )
                self._call(session, "write", [[info["probe"]], {"registry_sync": True}])
                after.append(max(self._latency(db, path, 6)))
            self._call(session, "write", [ids, {"active": False, "registry_sync": True}])
            out[label] = {
                "published_few": info["published"],
                "published_many": info["published"] + SCALE_EXTRA,
                "few": rps["few"],
                "many": rps["many"],
                "normal_ms": normal,
                "first_after_sync_ms": after,
            }
        self.results["scale"] = out

    def run_sync(self):
        code = "result = {'payload': 1}"
        self.results["sync"] = {
            "rest_endpoint": self.odoo.shell(DB_OURS, SYNC_SCALE % {"code": code}),
            "OCA": self.odoo.shell(DB_OCA, SYNC_SCALE % {"code": code}),
        }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--port", type=int, default=18969)
    parser.add_argument("--reuse", action="store_true", help="reuse existing bench databases")
    parser.add_argument("--only", choices=GROUPS, action="append")
    args = parser.parse_args()
    only = set(args.only or GROUPS)
    if "replica" in only and not args.only and not replica_available():
        log("no PostgreSQL server binaries: the replica group is skipped")
        only.discard("replica")
    workdir = tempfile.mkdtemp(prefix="rest_endpoint_bench_")
    odoo = Odoo(args.addons_path, workdir)
    baseline = "rest_endpoint_bench_baseline"
    odoo.install(DB_OURS, f"rest_endpoint,{baseline}", demo=True, reuse=args.reuse)
    if only & {"main", "sync", "scale"}:
        odoo.install(DB_OCA, f"endpoint,{baseline}", reuse=args.reuse)
    if "main" in only:
        odoo.install(DB_PLAIN, baseline, reuse=args.reuse)
    bench = Bench(odoo, args)
    bench.ours = odoo.shell(
        DB_OURS,
        SETUP_OURS
        % {
            "body": BODY,
            "schema": ORDER_SCHEMA,
            "resource_fields": list(RESOURCE_FIELDS),
            "companies": COMPANIES,
            "contacts": CONTACTS_PER_COMPANY,
            "company_fields": COMPANY_FIELDS,
            "contact_fields": CONTACT_FIELDS,
        },
    )
    if only & {"main", "sync", "scale"}:
        bench.oca = odoo.shell(DB_OCA, SETUP_OCA % {"body": BODY})
    if "auth" in only:
        auth = AuthBench(bench)
        auth.setup()
    saved = HERE / "out" / "results.json"
    if args.only and saved.exists():
        # a partial run completes the previous one
        bench.results = {k: v for k, v in json.loads(saved.read_text()).items() if k not in only}
    try:
        if "sync" in only:
            log("sync timing (shell)")
            bench.run_sync()
        if only & {"main", "scale", "auth"}:
            odoo.start_server(args.port)
        if "main" in only:
            bench.run_main()
        if "scale" in only:
            bench.run_scale()
        if "auth" in only:
            auth.run()
        if "replica" in only:
            odoo.stop_server()  # its two servers are enough on two cores
            ReplicaBench(bench).run()
    finally:
        odoo.stop_server()
        saved.parent.mkdir(exist_ok=True)
        saved.write_text(json.dumps(bench.results, indent=1))
    report(bench, args, only)


if __name__ == "__main__":
    main()
