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
"""

import argparse
import datetime
import json
import os
import re
import statistics
import subprocess
import tempfile
import time

import requests
from benchlib import HERE, Odoo, log, machine, med, span, write_results

DB_OURS = "rest_endpoint_bench"
DB_OCA = "rest_endpoint_bench_oca"
DB_PLAIN = "rest_endpoint_bench_plain"
BODY = {"status": "ok", "data": {"id": 1, "name": "Bench"}}
ORDER = {
    "customer": "ACME",
    "reference": "PO-2026-0042",
    "items": [{"sku": f"SKU-{i}", "qty": i + 1, "price": 9.5} for i in range(10)],
}
ORDER_SCHEMA = """
type: object
required: [customer, items]
additionalProperties: false
properties:
  customer: {type: string, minLength: 1}
  reference: {type: string}
  items:
    type: array
    minItems: 1
    items:
      type: object
      required: [sku, qty, price]
      properties:
        sku: {type: string}
        qty: {type: integer, minimum: 1}
        price: {type: number, minimum: 0}
"""
#: The fields of the resource benchmarks (resource list vs JSON-2 search_read).
RESOURCE_FIELDS = ("name", "email", "phone", "city", "ref")
SCALE_EXTRA = 990  # 10 -> 1000 published endpoints


SETUP_COMMON = """
import json
E = env["endpoint.endpoint"].with_context(active_test=False)
admin = env.ref("base.user_admin")
BODY = %(body)r

def ensure(route, method="GET", **vals):
    rec = E.search([("route", "=", route), ("request_method", "=", method)])
    vals = dict(name=route, route=route, request_method=method, active=True, **vals)
    if rec:
        rec.write(vals)
    else:
        rec = E.create(vals)
    rec.write({"registry_sync": True})
    return rec

Keys = env["res.users.apikeys"].sudo()
Keys.search([("name", "=", "bench")])._remove()
key = Keys.with_user(admin)._generate(None, "bench", None)
"""

SETUP_OURS = (
    SETUP_COMMON
    + """
RESOURCE_FIELDS = %(resource_fields)r
snippet = "result = {'payload': %%r}" %% (BODY,)
ensure("/bench/ep/public", auth_type="public", exec_as_user_id=admin.id, code_snippet=snippet)
ensure("/bench/ep/bearer", auth_type="bearer", exec_as_user_id=False, code_snippet=snippet)
order = "result = {'payload': {'status': 'ok', 'lines': len(payload['items'])}}"
ensure("/bench/ep/order", "POST", auth_type="public", exec_as_user_id=admin.id,
       request_content_type="application/json", request_content_schema=False, code_snippet=order)
ensure("/bench/ep/order-schema", "POST", auth_type="public", exec_as_user_id=admin.id,
       request_content_type="application/json", request_content_schema=%(schema)r,
       code_snippet=order)
ensure("/bench/ep/jsonrpc", "POST", route_type="json", auth_type="public",
       exec_as_user_id=admin.id, request_content_type="application/json", code_snippet=snippet)
# Production features, side by side (same snippet as /bench/ep/public).
ensure("/bench/ep/log-all", auth_type="public", exec_as_user_id=admin.id, code_snippet=snippet,
       log_requests="all")
ensure("/bench/ep/log-none", auth_type="public", exec_as_user_id=admin.id, code_snippet=snippet,
       log_requests="none")
ensure("/bench/ep/limited", auth_type="public", exec_as_user_id=admin.id, code_snippet=snippet,
       rate_limit=1000000000, rate_limit_period=60)
probe = ensure("/bench/ep/probe", auth_type="public", exec_as_user_id=admin.id,
               code_snippet="result = {'payload': 0}")
# A model resource (20 partners, 5 fields) and the code endpoint doing its item read.
Partner = env["res.partner"]
partners = Partner.search([("ref", "=", "bench-res")], order="id")
partners |= Partner.create([{"name": "Bench %%02d" %% i, "ref": "bench-res", "email":
    "b%%d@example.com" %% i, "phone": "+32 2 555 %%02d" %% i, "city": "Liège"}
    for i in range(len(partners), 20)])
field_ids = env["ir.model.fields"]._get_ids("res.partner")
five = [field_ids[n] for n in RESOURCE_FIELDS]
ensure("/bench/res/partners", auth_type="bearer", exec_as_user_id=False, exec_mode="resource",
       code_snippet=False, resource_model_id=env["ir.model"]._get_id("res.partner"),
       resource_field_ids=[(6, 0, five)], resource_domain="[('ref', '=', 'bench-res')]",
       resource_list=True, resource_read=True, resource_page_size=20)
item = ("p = env['res.partner'].browse(params['partner_id']).exists()\\n"
        "if not p:\\n    raise werkzeug.exceptions.NotFound()\\n"
        "result = {'payload': {'status': 'success', 'data': {'id': p.id, "
        + ", ".join("%%r: p.%%s or None" %% (n, n) for n in RESOURCE_FIELDS) + "}}}")
ensure("/bench/ep/partner/<int:partner_id>", auth_type="bearer", exec_as_user_id=False,
       code_snippet=item)
env.cr.commit()
print("RESULT=" + json.dumps({"key": key, "probe": probe.id, "partner": partners[0].id,
      "published": E.search_count([("registry_sync", "=", True), ("active", "=", True)])}))
"""
)

SETUP_OCA = (
    SETUP_COMMON
    + """
snippet = ("result = {'response': Response(%%r, content_type='application/json; charset=utf-8')}"
           %% (json.dumps(BODY, separators=(",", ":")),))
ensure("/bench/ep/public", auth_type="public", exec_as_user_id=admin.id, exec_mode="code",
       code_snippet=snippet)
ensure("/bench/ep/bearer", auth_type="bearer", exec_mode="code", code_snippet=snippet)
probe = ensure("/bench/ep/probe", auth_type="public", exec_as_user_id=admin.id, exec_mode="code",
               code_snippet="result = {'response': Response('0')}")
env.cr.commit()
print("RESULT=" + json.dumps({"key": key, "probe": probe.id,
      "published": E.search_count([("registry_sync", "=", True), ("active", "=", True)])}))
"""
)

# Time to publish 1, 100 and 1000 new endpoints from a shell, as integrators
# script it: create them (out of sync), then sync them all in one write.
SYNC_SCALE = """
import json, time
E = env["endpoint.endpoint"]
admin = env.ref("base.user_admin")
out = {}
for n in (1, 100, 1000):
    times = []
    for attempt in range(3):
        recs = E.create([
            dict(name="scale %%s %%s" %% (n, i),
                 route="/bench/sync%%s/a%%s/r%%s" %% (n, attempt, i),
                 auth_type="public", exec_as_user_id=admin.id, request_method="GET",
                 exec_mode="code", code_snippet=%(code)r)
            for i in range(n)
        ])
        env.cr.commit()
        t0 = time.perf_counter()
        recs.write({"registry_sync": True})
        env.cr.commit()
        times.append(time.perf_counter() - t0)
        recs.unlink()
        env.cr.commit()
    out[n] = sorted(times)[1]
print("RESULT=" + json.dumps(out))
"""

SCALE_SET = """
import json
E = env["endpoint.endpoint"].with_context(active_test=False)
admin = env.ref("base.user_admin")
recs = E.search([("route", "=like", "/bench/scale/%%")])
missing = %(n)d - len(recs)
if missing > 0:
    E.create([
        dict(name="scale %%s" %% i, route="/bench/scale/r%%s/<int:x>" %% (len(recs) + i),
             auth_type="public", exec_as_user_id=admin.id, request_method="GET",
             exec_mode="code", code_snippet=%(code)r, active=False)
        for i in range(missing)
    ])
    env.cr.commit()
recs = E.search([("route", "=like", "/bench/scale/%%")])
print("RESULT=" + json.dumps(recs.ids))
"""


# ---------------------------------------------------------------------------
# Load generation
# ---------------------------------------------------------------------------

WRK_LUA = """
wrk.method = "%(method)s"
wrk.body = %(body)s
%(headers)s
"""


def _lua_string(text):
    return "[==[" + text + "]==]"


def wrk(url, *, method="GET", body=None, headers=None, duration=5, connections=4):
    headers = dict(headers or {})
    lua = WRK_LUA % {
        "method": method,
        "body": _lua_string(body) if body is not None else "nil",
        "headers": "\n".join(
            f"wrk.headers[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in headers.items()
        ),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{duration}s",
                "--latency",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    return parse_wrk(out)


def _ms(value):
    found = re.match(r"([\d.]+)(us|ms|s|m|h)$", value)
    if not found:  # no request completed: wrk prints nan
        return float("nan")
    number, unit = found.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1e3, "m": 6e4, "h": 3.6e6}[unit]


def parse_wrk(out):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+(\S+)", out)
    p99 = re.search(r"99%\s+(\S+)", out)
    p50 = _ms(p50.group(1)) if p50 else float("nan")
    p99 = _ms(p99.group(1)) if p99 else float("nan")
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: .*", out)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "requests": total,
        "non2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(0) if errors else "",
    }


# ---------------------------------------------------------------------------
# Scenario
# ---------------------------------------------------------------------------


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
        }

    def check_targets(self, targets):
        for name, (path, opts) in targets.items():
            response = requests.request(
                opts.get("method", "GET"),
                self.odoo.url(path),
                data=opts.get("body"),
                headers=opts.get("headers"),
                timeout=30,
            )
            if not response.ok:
                raise RuntimeError(f"{name}: {response.status_code} {response.text[:300]}")
            same_bytes = response.content == self.body_bytes
            if name.endswith(("public", "bearer")) and "baseline" not in name and not same_bytes:
                self.notes.append(f"{name} returned {response.content[:80]!r}")

    def run_main(self):
        targets = self.targets()
        self.body_bytes = requests.get(
            self.odoo.url("/bench/baseline/public"), headers=self.headers(DB_OURS), timeout=10
        ).content
        self.check_targets(targets)
        for path, opts in targets.values():  # warm every worker
            for _i in range(2):
                wrk(self.odoo.url(path), duration=1, **opts)
        samples = {name: [] for name in targets}
        for rnd in range(self.args.rounds):
            log(f"round {rnd + 1}/{self.args.rounds}")
            for name, (path, opts) in targets.items():
                samples[name].append(wrk(self.odoo.url(path), duration=self.args.duration, **opts))
        self.results["main"] = samples

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


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def report(bench, args):
    res = bench.results
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results",
        "",
        f"Run {now} on {machine()}. One Odoo 19 prefork server (`--workers=2`, no cron, "
        "`--log-level=warn`) on loopback, serving three databases; every request sends "
        "`X-Odoo-Database`. Load: `wrk -t1 -c4`, "
        f"{args.rounds} interleaved rounds of {args.duration} s per target; figures are "
        "medians (min-max over the rounds). Ratios are within this run.",
        "",
    ]
    if "main" in res:
        samples = res["main"]
        base = med([s["rps"] for s in samples["baseline public"]])
        lines += [
            "## Requests",
            "",
            "| target | req/s | p50 ms | p99 ms | non-2xx | x baseline public |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for name, runs in samples.items():
            rps = [r["rps"] for r in runs]
            lines.append(
                f"| {name} | {span(rps)} | {span([r['p50'] for r in runs], '{:.2f}')} "
                f"| {span([r['p99'] for r in runs], '{:.1f}')} | {sum(r['non2xx'] for r in runs)} "
                f"| {med(rps) / base:.2f} |"
            )

        def ratio(a, b):
            return med([r["rps"] for r in samples[a]]) / med([r["rps"] for r in samples[b]])

        def cost(a, b):  # time per request ratio
            return ratio(b, a)

        lines += [
            "",
            "| ratio | value | target |",
            "| --- | --- | --- |",
            f"| public endpoint / hand-written public controller (req/s) | "
            f"{ratio('rest_endpoint public', 'baseline public'):.2f} | ≥ 0.95 |",
            f"| bearer endpoint / hand-written public controller (req/s) | "
            f"{ratio('rest_endpoint bearer', 'baseline public'):.2f} | ≥ 0.90 |",
            f"| bearer endpoint / JSON-2 search_count (req/s) | "
            f"{ratio('rest_endpoint bearer', 'JSON-2 search_count'):.2f} | ≈ 1.6 |",
            f"| bearer endpoint / OCA bearer (req/s) | "
            f"{ratio('rest_endpoint bearer', 'OCA bearer'):.2f} | ≈ 1.6 |",
            f"| OCA public / hand-written public (req/s) | "
            f"{ratio('OCA public', 'baseline public'):.2f} | (anchor ≈ 0.80) |",
            f"| validated POST / same POST without schema (time per request) | "
            f"{cost('rest_endpoint POST + JSON Schema', 'rest_endpoint POST'):.2f} | ≤ 1.15 |",
            f"| resource list / JSON-2 search_read, 20 records x 5 fields (req/s) | "
            f"{ratio('resource list (20 x 5 fields)', 'JSON-2 search_read (20 x 5 fields)'):.2f}"
            " | ≥ 1.5 |",
            f"| resource item read / code endpoint doing the same read (req/s) | "
            f"{ratio('resource item read', 'code endpoint item read'):.2f} | ≥ 0.9 |",
            f"| /web/health with rest_endpoint / without (req/s) | "
            f"{ratio('health (with rest_endpoint)', 'health (without)'):.2f} | ≥ 0.97 |",
            f"| request log all / none (req/s) | "
            f"{ratio('rest_endpoint public, log all', 'rest_endpoint public, log none'):.2f} "
            "| ≥ 0.90 |",
            f"| rate limit not reached / no limit (req/s) | "
            f"{ratio('rest_endpoint public, rate limit not reached', 'rest_endpoint public'):.2f}"
            " | ≥ 0.95 |",
            "",
        ]
    if "sync" in res:
        lines += [
            "## Sync time (shell: create out of sync, then one `write({'registry_sync': True})`"
            " and commit; median of 3)",
            "",
            "| endpoints | rest_endpoint s | OCA s |",
            "| --- | --- | --- |",
        ]
        for n in ("1", "100", "1000"):
            lines.append(
                f"| {n} | {res['sync']['rest_endpoint'][n]:.3f} | {res['sync']['OCA'][n]:.3f} |"
            )
        lines.append("")
    if "scale" in res:
        lines += [
            "## Scale: many published endpoints",
            "",
            "| | published | req/s | x few | normal request ms | first requests after "
            "a sync, max of 6, ms | x normal |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for label, data in res["scale"].items():
            few = [r["rps"] for r in data["few"]]
            many = [r["rps"] for r in data["many"]]
            normal = med(data["normal_ms"])
            after = med(data["first_after_sync_ms"])
            lines.append(f"| {label} | {data['published_few']} | {span(few)} | 1.00 | | | |")
            lines.append(
                f"| {label} | {data['published_many']} | {span(many)} | "
                f"{med(many) / med(few):.2f} | {normal:.1f} | "
                f"{span(data['first_after_sync_ms'], '{:.1f}')} | {after / normal:.1f} |"
            )
        lines.append("")
    if bench.notes:
        lines += ["Notes:", "", *[f"- {n}" for n in bench.notes], ""]
    text = "\n".join(lines)
    # keeps the soak section (bench/soak) and mirrors the file in the README
    write_results(bench=text)
    print(text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--port", type=int, default=18969)
    parser.add_argument("--reuse", action="store_true", help="reuse existing bench databases")
    parser.add_argument("--only", choices=["main", "sync", "scale"], action="append")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="rest_endpoint_bench_")
    odoo = Odoo(args.addons_path, workdir)
    baseline = "rest_endpoint_bench_baseline"
    odoo.install(DB_OURS, f"rest_endpoint,{baseline}", demo=True, reuse=args.reuse)
    odoo.install(DB_OCA, f"endpoint,{baseline}", reuse=args.reuse)
    odoo.install(DB_PLAIN, baseline, reuse=args.reuse)
    bench = Bench(odoo, args)
    bench.ours = odoo.shell(
        DB_OURS,
        SETUP_OURS
        % {"body": BODY, "schema": ORDER_SCHEMA, "resource_fields": list(RESOURCE_FIELDS)},
    )
    bench.oca = odoo.shell(DB_OCA, SETUP_OCA % {"body": BODY})
    only = set(args.only or ["main", "sync", "scale"])
    saved = HERE / "out" / "results.json"
    if args.only and saved.exists():
        # a partial run completes the previous one
        bench.results = {k: v for k, v in json.loads(saved.read_text()).items() if k not in only}
    try:
        if "sync" in only:
            log("sync timing (shell)")
            bench.run_sync()
        odoo.start_server(args.port)
        if "main" in only:
            bench.run_main()
        if "scale" in only:
            bench.run_scale()
    finally:
        odoo.stop_server()
        saved.parent.mkdir(exist_ok=True)
        saved.write_text(json.dumps(bench.results, indent=1))
    report(bench, args)


if __name__ == "__main__":
    main()
