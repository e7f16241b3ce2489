"""The read replica benchmark (``bench/run --only replica``): what serving
from a streaming replica costs the resource list, the replica lag check
included.

``rest_endpoint_bench`` (rest_endpoint, its demo and the bench endpoints of
``bench_setup.py``) is copied into a throw-away primary with a streaming
replica of it (``tests/replica.py``, through ``benchlib.start_replica``).
Two prefork Odoo servers (``--workers=2``, no cron) run on that primary, one
with ``--db_replica_host``/``--db_replica_port`` (every request starts on a
read-only replica cursor; the resource list, read-only, is served there and
its routing version and key stamp come with the lag check,
``serving/freshness.py``), one without (the same request on the primary).
The resource list is measured on both in interleaved rounds, the order
alternating each round; every request sends ``X-Odoo-Database``.

The transactions each server's requests made on the replica
(``pg_stat_database``) show which cursor served them. The lag check is then
timed alone in an ``odoo shell`` on the same pair: the statement a request
runs on a replica cursor, with and without its lag columns.
"""

import time

import requests
from bench_setup import DB_OURS
from benchlib import Odoo, free_port, log, start_replica
from wrk import wrk

PATH = "/bench/res/partners"
WITH, WITHOUT = "replica-configured server", "server without a replica"

#: The parts of the lag check (``serving/freshness.py``), each timed alone.
LAG_PARTS = {
    "pg_is_in_recovery()": "pg_is_in_recovery()",
    "replay timestamp within the bound": (
        "now() - pg_last_xact_replay_timestamp() <= interval '1 second' * 2.0"
    ),
    "the same, written make_interval(secs => 2.0)": (
        "now() - pg_last_xact_replay_timestamp() <= make_interval(secs => 2.0)"
    ),
    "received WAL all replayed": "pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()",
    "WAL receiver running": "(pg_stat_get_wal_receiver()).pid IS NOT NULL",
}

#: Timed in an ``odoo shell`` on the pair: microseconds per execution of the
#: statement a request runs (execute + fetchone on an Odoo cursor, the way
#: ``freshness.read`` does: parsed and planned each time), without the lag
#: columns, with each part of them alone, and whole; repetitions
#: interleaved, medians.
LAG_TIMING = """
import json, statistics, time
from odoo.addons.rest_endpoint.serving import freshness, key_stamp
from odoo.tools import SQL

N, REPS = %(n)d, %(reps)d
PARTS = %(parts)r
replica_cr = env.registry.cursor(readonly=True)
primary_cr = env.registry.cursor()
try:
    assert replica_cr.readonly and not primary_cr.readonly
    replica_cr.execute("SELECT pg_is_in_recovery(), "
                       "extract(epoch FROM now() - pg_last_xact_replay_timestamp())")
    in_recovery, replay_age = replica_cr.fetchone()
    assert in_recovery, "the read-only cursor is not on the replica"
    cases = {"version + key stamp (no lag column)": (replica_cr, key_stamp.READ_WITH_VERSION)}
    for name, expr in PARTS.items():
        cases["+ " + name] = (replica_cr, key_stamp.select_with_version(SQL(expr)))
    cases["+ the whole lag check (the request's statement)"] = (
        replica_cr, freshness._read_on_readonly(freshness.DEFAULT_MAX_LAG))
    cases["freshness.read() whole, replica cursor"] = (replica_cr, None)
    cases["freshness.read() whole, primary cursor (server without a replica)"] = (
        primary_cr, None)
    samples = {name: [] for name in cases}
    for rep in range(REPS + 1):
        for name, (cr, statement) in cases.items():
            run_env = env(cr=cr)
            t0 = time.perf_counter()
            for _i in range(N):
                if statement is None:
                    freshness.read(run_env)
                else:
                    cr.execute(statement)
                    cr.fetchone()
            if rep:  # the first repetition warms up
                samples[name].append((time.perf_counter() - t0) / N * 1e6)
    out = {name: statistics.median(values) for name, values in samples.items()}
finally:
    replica_cr.close()
    primary_cr.close()
print("RESULT=" + json.dumps({"statements": out, "replay_age": replay_age}))
"""


def _xacts(pair):
    """Transactions committed or rolled back in the bench database so far,
    on the primary and on the replica (statistics of a standby count its
    read-only ones)."""
    sql = "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s"
    return {which: pair.query(which, sql, [DB_OURS])[0][0] for which in ("primary", "replica")}


class ReplicaBench:
    def __init__(self, bench):
        self.bench = bench
        self.odoo = bench.odoo
        self.args = bench.args

    def run(self):
        pair, db_args, replica_args = start_replica(DB_OURS, "bench")
        servers = {
            WITH: Odoo(self.odoo.addons_path, self.odoo.workdir, name="odoo-with-replica"),
            WITHOUT: Odoo(self.odoo.addons_path, self.odoo.workdir, name="odoo-primary-only"),
        }
        try:
            for name, server in servers.items():
                extra = [*db_args, *(replica_args if name == WITH else [])]
                log(f"starting the {name}")
                server.start_server(free_port(), db_filter=f"^{DB_OURS}$", extra_args=extra)
            result = self._measure(pair, servers)
            log("timing the lag check alone (odoo shell)")
            script = LAG_TIMING % {"n": 500, "reps": 9, "parts": LAG_PARTS}
            result["lag_check"] = self.odoo.shell(DB_OURS, script, [*db_args, *replica_args])
        finally:
            for server in servers.values():
                server.stop_server()
            pair.stop()
        self.bench.results["replica"] = result

    def _measure(self, pair, servers):
        headers = self.bench.headers(DB_OURS, self.bench.ours["key"])
        bodies = {}
        for name, server in servers.items():
            response = requests.get(server.url(PATH), headers=headers, timeout=30)
            if not response.ok:
                raise RuntimeError(f"{name}: {response.status_code} {response.text[:300]}")
            bodies[name] = response.content
        if bodies[WITH] != bodies[WITHOUT]:
            raise RuntimeError("the two servers answer the resource list differently")
        per_request = {}
        for name, server in servers.items():  # warm every worker, count where they ran
            before = _xacts(pair)
            runs = [wrk(server.url(PATH), headers=headers, duration=1) for _i in range(2)]
            requests_made = sum(r["requests"] for r in runs)
            # a backend sends its statistics within a second of going idle
            time.sleep(1.5)
            after = _xacts(pair)
            per_request[name] = {
                which: (after[which] - before[which]) / max(requests_made, 1) for which in after
            }
        samples = {name: [] for name in servers}
        for rnd in range(self.args.rounds):
            log(f"replica round {rnd + 1}/{self.args.rounds}")
            order = list(servers) if rnd % 2 == 0 else list(reversed(servers))
            for name in order:
                samples[name].append(
                    wrk(servers[name].url(PATH), headers=headers, duration=self.args.duration)
                )
        return {"samples": samples, "xacts_per_request": per_request}
