"""Soak test driver, started by ``bench/soak`` (which provides Odoo and the venv).

Two prefork Odoo servers (``--workers=2`` each, no cron, distinct loopback
ports) serve one fresh database with rest_endpoint and its demo; every
request sends ``X-Odoo-Database`` (no database listing). Client threads,
spread over both servers, mix bearer-authenticated

* reads: ``GET /api/mobile/customer/<id>``,
* writes to a few shared records: ``PUT`` of a phone number unique to the
  request, so the database tells which write won,
* creates: ``POST /api/mobile/customer`` with a name unique to the request,

and record each status, latency, send/receive time and value sent. A third
process, an ``odoo shell``, changes and syncs the GET and PUT endpoints every
10 s (the GET snippet then answers an ``X-Soak-Sync`` header with the sync's
number, which shows whether a request saw every sync committed before it was
sent). ``soak_check`` checks the database at the end, ``soak_report`` writes
the report.

With ``--replica`` both servers run on a throw-away primary holding a copy
of that database and read from a streaming replica of it (``tests/replica.py``,
``--db_replica_host``): half of the reads are then model resource lists
(``GET /api/v1/customers``, read-only, served by the replica), the other
half stay the checked reads above (read/write endpoints, on the primary, so
they still must see every write and sync acknowledged before them).

Every loop is bounded in count and time; everything started here is stopped
here.
"""

import argparse
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
import soak_check
import soak_report
from benchlib import Odoo, free_port, log, start_replica, write_results

DB = "rest_endpoint_soak"
SYNC_HEADER = "X-Soak-Sync"

SETUP = """
import json
admin = env.ref("base.user_admin")
Keys = env["res.users.apikeys"].sudo()
key = Keys.with_user(admin)._generate(None, "soak", None)
get_ep = env.ref("rest_endpoint.endpoint_demo_customer_get")
put_ep = env.ref("rest_endpoint.endpoint_demo_customer_update")
Partner = env["res.partner"]
shared = Partner.search([("is_company", "=", True)], order="id", limit=%(shared)d)
pool = Partner.search([], order="id", limit=%(pool)d) | shared
env.cr.commit()
print("RESULT=" + json.dumps({
    "key": key, "get": get_ep.id, "put": put_ep.id,
    "shared": {p.id: p.phone or "" for p in shared}, "pool": pool.ids,
}))
"""

# Runs in `odoo shell` until the stop file appears or its own deadline: every
# `interval` s, change the GET snippet (it then answers the sync's number in a
# header) and the PUT snippet (a comment), sync both, commit, and print when
# the commit returned.
SYNC = """
import json, os, time
E = env["endpoint.endpoint"]
eps = E.browse([%(get)d, %(put)d])
get_ep, put_ep = eps
base_get, base_put = get_ep.code_snippet, put_ep.code_snippet
print("READY", flush=True)
deadline = time.time() + %(max_seconds)f
next_at = time.time() + %(interval)f
n = 0
while time.time() < deadline and n < %(max_syncs)d and not os.path.exists(%(stop)r):
    if time.time() < next_at:
        time.sleep(0.1)
        continue
    next_at += %(interval)f
    n += 1
    try:
        started = time.time()
        header = "\\nresult['headers'] = {%(header)r: '%%d'}\\n" %% n
        get_ep.write({"code_snippet": base_get + header})
        put_ep.write({"code_snippet": base_put + "\\n# soak sync %%d\\n" %% n})
        eps.action_sync_registry()
        env.cr.commit()
        print("SYNC=" + json.dumps({"n": n, "started": started, "committed": time.time()}),
              flush=True)
    except Exception as exc:
        env.cr.rollback()
        print("SYNCERROR=" + json.dumps({"n": n, "error": repr(exc)}), flush=True)
print("RESULT=" + json.dumps({"syncs": n}), flush=True)
"""


@dataclass
class Plan:
    """What the clients share (read-only while they run)."""

    urls: list
    key: str
    shared: dict  # partner id -> initial phone
    pool: list
    mix: tuple
    deadline: float
    max_requests: int
    timeout: float
    run_id: str
    replica: bool = False  # half of the reads: resource lists on the replica
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))


@dataclass
class Record:
    kind: str  # read / write / create / list (resource list, --replica)
    server: int
    target: object  # partner id (read, write) or None
    value: object  # phone or name sent (write, create)
    status: int  # 0: no answer (timeout, connection error)
    t_send: float
    t_recv: float
    ms: float
    echo: object = None  # what the answer said: (id, name, phone)
    sync: int = 0  # reads: X-Soak-Sync of the answer
    error: str = ""


class Client(threading.Thread):
    def __init__(self, idx, plan):
        super().__init__(name=f"soak-client-{idx}", daemon=True)
        self.idx = idx
        self.plan = plan
        self.records = []

    def run(self):
        plan = self.plan
        server = self.idx % len(plan.urls)
        base = plan.urls[server]
        headers = {"X-Odoo-Database": DB, "Authorization": f"Bearer {plan.key}"}
        rnd = random.Random(self.idx)
        shared = sorted(plan.shared)
        session = requests.Session()
        for _n in range(plan.max_requests):
            if time.time() >= plan.deadline:
                break
            roll = rnd.random() * sum(plan.mix)
            target = value = body = None
            if roll < plan.mix[0] and plan.replica and rnd.random() < 0.5:
                kind, method = "list", "GET"
                url = f"{base}/api/v1/customers?limit=20"
            elif roll < plan.mix[0]:
                kind, method, target = "read", "GET", rnd.choice(plan.pool)
                url = f"{base}/api/mobile/customer/{target}"
            elif roll < plan.mix[0] + plan.mix[1]:
                kind, method, target = "write", "PUT", rnd.choice(shared)
                value = f"+1 {next(plan.counter):09d}"
                url, body = f"{base}/api/mobile/customer/{target}", {"phone": value}
            else:
                kind, method = "create", "POST"
                value = f"soak {plan.run_id} {next(plan.counter)}"
                url, body = f"{base}/api/mobile/customer", {"name": value}
            self.records.append(
                self._call(session, kind, method, url, headers, body, target, value)
            )
        session.close()

    def _call(self, session, kind, method, url, headers, body, target, value):
        plan = self.plan
        t_send = time.time()
        t0 = time.perf_counter()
        try:
            response = session.request(
                method, url, headers=headers, json=body, timeout=plan.timeout
            )
            status, content = response.status_code, response.content
            sync = response.headers.get(SYNC_HEADER, "0")
        except requests.RequestException as exc:
            status, content, sync = 0, repr(exc).encode(), "0"
        ms = (time.perf_counter() - t0) * 1000
        record = Record(
            kind, self.idx % len(plan.urls), target, value, status, t_send, time.time(), ms
        )
        if 200 <= status < 300:
            try:
                data = json.loads(content)["data"]
                if kind == "list":  # a page of companies
                    record.echo = (len(data), None, None) if isinstance(data, list) else None
                    if record.echo is None:
                        raise TypeError("the list is no list")
                else:
                    record.echo = (data.get("id"), data.get("name"), data.get("phone"))
                record.sync = int(sync)
            except (ValueError, KeyError, TypeError) as exc:
                record.error = f"unreadable answer ({exc}): {content[:200]!r}"
        else:
            record.error = content[:300].decode(errors="replace")
        return record


class SyncProcess:
    """The third process: an ``odoo shell`` syncing endpoints periodically."""

    def __init__(self, odoo, info, interval, max_seconds, workdir, db_args=()):
        self.stop_file = os.path.join(workdir, "stop-sync")
        self.script = SYNC % {
            "get": info["get"],
            "put": info["put"],
            "interval": interval,
            "max_seconds": max_seconds,
            "max_syncs": int(max_seconds / interval) + 2,
            "stop": self.stop_file,
            "header": SYNC_HEADER,
        }
        self.cmd = odoo.command("shell", "-d", DB, "--no-http", "--log-level=warn", *db_args)
        self.stderr_path = os.path.join(workdir, "sync-shell.log")
        self.syncs, self.errors, self.result = [], [], None
        self.ready = threading.Event()
        self.proc = None

    def start(self, timeout=180):
        with open(self.stderr_path, "w") as stderr:
            self.proc = subprocess.Popen(
                self.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, text=True
            )
        self.proc.stdin.write(self.script)
        self.proc.stdin.close()
        threading.Thread(target=self._read, daemon=True).start()
        if not self.ready.wait(timeout):
            raise RuntimeError(f"the sync shell did not start, see {self.stderr_path}")

    def _read(self):
        for raw in self.proc.stdout:
            line = raw.strip()
            if line == "READY":
                self.ready.set()
            elif line.startswith("SYNC="):
                self.syncs.append(json.loads(line[5:]))
            elif line.startswith("SYNCERROR="):
                self.errors.append(json.loads(line[10:]))
            elif line.startswith("RESULT="):
                self.result = json.loads(line[7:])

    def stop(self):
        if not self.proc:
            return
        Path(self.stop_file).touch()
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.errors.append({"n": None, "error": "the sync shell did not stop: killed"})
            self.proc.kill()
            self.proc.wait(10)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--duration", type=float, default=600, help="seconds of load")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--sync-interval", type=float, default=10)
    parser.add_argument("--shared", type=int, default=4, help="records every writer updates")
    parser.add_argument(
        "--mix", default="60,25,15", help="weights of reads, writes, creates (default 60,25,15)"
    )
    parser.add_argument("--timeout", type=float, default=60, help="per request, seconds")
    parser.add_argument("--keep-db", action="store_true", help=f"keep {DB} for inspection")
    parser.add_argument("--no-results", action="store_true", help="do not write RESULTS.md")
    parser.add_argument(
        "--replica",
        action="store_true",
        help="serve from a throw-away primary and read from its streaming replica",
    )
    args = parser.parse_args()
    args.mix = tuple(float(x) for x in args.mix.split(","))
    if len(args.mix) != 3 or min(args.mix) < 0 or not sum(args.mix):
        parser.error("--mix takes three non-negative weights")
    if args.duration <= 0 or args.clients <= 0 or args.sync_interval <= 0:
        parser.error("--duration, --clients and --sync-interval must be positive")
    return args


def run_load(args, servers, plan, rss):
    """Start the clients, sample RSS while they run, return their records."""
    clients = [Client(i, plan) for i in range(args.clients)]
    for client in clients:
        client.start()
    warm_at = time.time() + min(10.0, args.duration / 6)
    next_sample, warm_done = time.time() + args.sync_interval, False
    hard_stop = plan.deadline + plan.timeout + 30
    while any(c.is_alive() for c in clients) and time.time() < hard_stop:
        time.sleep(0.5)
        now = time.time()
        if not warm_done and now >= warm_at:
            rss.sample("start")
            warm_done = True
        elif now >= next_sample and now < plan.deadline:
            rss.sample("during")
            next_sample = now + args.sync_interval
    if not warm_done:
        rss.sample("start")
    rss.sample("end")
    stuck = [c.name for c in clients if c.is_alive()]
    if stuck:
        log(f"clients still running after the hard stop: {stuck}", "soak")
    return [r for c in clients for r in c.records], stuck


def main():
    args = parse_args()
    workdir = tempfile.mkdtemp(prefix="rest_endpoint_soak_")
    servers = [Odoo(args.addons_path, workdir, name=f"server-{n}") for n in (1, 2)]
    odoo = servers[0]
    odoo.install(DB, "rest_endpoint", demo=True)  # drops a previous soak database
    info = odoo.shell(DB, SETUP % {"shared": args.shared, "pool": 30})
    info["shared"] = {int(k): v for k, v in info["shared"].items()}
    pair, db_args, replica_args = None, [], []
    if args.replica:
        pair, db_args, replica_args = start_replica(DB, "soak")
    try:
        return run(args, servers, info, workdir, pair, db_args, replica_args)
    finally:
        if pair is not None:
            pair.stop()


def run(args, servers, info, workdir, pair, db_args, replica_args):
    odoo = servers[0]
    rss = soak_check.RssWatch(servers)
    max_seconds = args.duration + args.timeout + 120
    sync = SyncProcess(odoo, info, args.sync_interval, max_seconds, workdir, db_args)
    try:
        ports = set()
        while len(ports) < 4:
            ports.add(free_port())
        ports = sorted(ports)
        for n, server in enumerate(servers):
            log(f"starting server {n + 1} on 127.0.0.1:{ports[2 * n]}", "soak")
            server.start_server(
                ports[2 * n],
                db_filter=f"^{DB}$",
                extra_args=[f"--gevent-port={ports[2 * n + 1]}", *db_args, *replica_args],
            )
        rss.sample("boot")
        log("starting the sync shell", "soak")
        sync.start()
        started = time.time()
        plan = Plan(
            urls=[s.url("") for s in servers],
            key=info["key"],
            shared=info["shared"],
            pool=info["pool"],
            mix=args.mix,
            deadline=started + args.duration,
            max_requests=int(args.duration * 2000) + 100,
            timeout=args.timeout,
            run_id=str(int(started)),
            replica=args.replica,
        )
        log(f"{args.clients} clients for {args.duration:.0f} s; workdir {workdir}", "soak")
        records, stuck = run_load(args, servers, plan, rss)
        elapsed = time.time() - started
    finally:
        sync.stop()
        for server in servers:
            server.stop_server()
    log(f"{len(records)} requests; checking the database", "soak")
    outcome = soak_check.check(DB, plan, records, sync.syncs, pair.primary if pair else None)
    outcome["stuck_clients"] = stuck
    outcome["sync_errors"] = sync.errors
    conflicts, outcome["log_errors"] = soak_check.log_errors([s.logfile for s in servers])
    outcome["conflicts"] = conflicts
    text, failures = soak_report.report(args, plan, records, elapsed, outcome, rss, sync)
    print(text)
    if not args.no_results:
        write_results(soak=text)
    if not args.keep_db:
        subprocess.run(["dropdb", "--if-exists", DB], check=False)
    if failures:
        log("FAIL: " + "; ".join(failures), "soak")
        return 1
    log("PASS", "soak")
    return 0


if __name__ == "__main__":
    sys.exit(main())
