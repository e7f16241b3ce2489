"""Helpers shared by the benchmark (``bench.py``) and the soak test
(``soak.py``): running Odoo (install, shell scripts, prefork servers), a few
statistics, the machine's description, and ``bench/RESULTS.md`` with the
README section that mirrors it.

Both drivers are started by a bash wrapper (``bench/run``, ``bench/soak``)
that sources ``tools/dev`` and passes Odoo's command line in
``RE_BENCH_ODOO``.
"""

import importlib.util
import json
import math
import os
import platform
import re
import shlex
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "RESULTS.md"
RESULTS_TITLE = "# Benchmark results\n\n"
#: The soak test's section of RESULTS.md: always the last one, so that each
#: driver rewrites its own part and keeps the other's.
SOAK_HEADING = "## Soak"
README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


def log(msg, tag="bench"):
    print(f"[{tag}] {msg}", file=sys.stderr, flush=True)


def free_port():
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------------------
# Odoo processes
# ---------------------------------------------------------------------------


class Odoo:
    """Odoo's command line with our addons path; at most one server each.

    ``name`` names the server's log file in ``workdir`` (several servers,
    several instances).
    """

    def __init__(self, addons_path, workdir, name="odoo-server"):
        self.cmd = shlex.split(os.environ["RE_BENCH_ODOO"])
        self.addons_path = addons_path
        self.workdir = workdir
        self.name = name
        self.port = None
        self.proc = None

    @property
    def logfile(self):
        return os.path.join(self.workdir, f"{self.name}.log")

    def command(self, *args):
        """The full command line; a sub-command (``shell``) comes first."""
        if args and args[0] == "shell":
            return [*self.cmd, args[0], f"--addons-path={self.addons_path}", *args[1:]]
        return [*self.cmd, f"--addons-path={self.addons_path}", *args]

    def run(self, *args, stdin=None):
        result = subprocess.run(
            self.command(*args), input=stdin, capture_output=True, text=True, check=False
        )
        if result.returncode:
            sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
            raise RuntimeError(f"odoo {' '.join(args[:3])} failed")
        return result.stdout

    def shell(self, db, script, extra_args=()):
        """Run ``script`` in ``odoo shell``; it prints ``RESULT=<json>``."""
        args = ("shell", "-d", db, "--no-http", "--log-level=warn", *extra_args)
        out = self.run(*args, stdin=script)
        found = re.findall(r"^RESULT=(.*)$", out, re.MULTILINE)
        if not found:
            raise RuntimeError(f"no RESULT from shell script on {db}:\n{out[-2000:]}")
        return json.loads(found[-1])

    def install(self, db, modules, demo=False, reuse=False):
        exists = subprocess.run(
            ["psql", "-d", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{db}'"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if exists and reuse:
            if "rest_endpoint," in modules:  # the code under test may have changed
                self.run("-d", db, "-u", "rest_endpoint", "--stop-after-init", "--no-http")
            return
        if exists:
            subprocess.run(["dropdb", db], check=True)
        log(f"creating {db} with {modules}")
        args = ["-d", db, "-i", modules, "--stop-after-init", "--no-http", "--log-level=warn"]
        self.run(*args, *(["--with-demo"] if demo else []))

    def start_server(self, port, db_filter="^rest_endpoint_bench", extra_args=()):
        """A prefork server (2 workers, no cron) on loopback; waits until it
        answers /web/health."""
        self.port = port
        if not any(arg.startswith("--gevent-port") for arg in extra_args):
            # Odoo's default (8072) may be taken by another server: its
            # gevent process would then be respawned over and over.
            extra_args = [f"--gevent-port={free_port()}", *extra_args]
        cmd = self.command(
            "--workers=2",
            "--max-cron-threads=0",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            f"--db-filter={db_filter}",
            f"--logfile={self.logfile}",
            "--log-level=warn",
            "--limit-time-cpu=600",
            # Never recycle a worker mid-run (the default recycles after 65536
            # requests, and the new worker reloads every registry).
            "--limit-request=100000000",
            "--limit-time-real=1200",
            *extra_args,
        )
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if requests.get(self.url("/web/health"), timeout=5).ok:
                    return
            except requests.RequestException:  # not listening yet, or still loading
                time.sleep(0.3)
        raise RuntimeError(f"server did not start, see {self.logfile}")

    def stop_server(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


def _replica_helper():
    spec = importlib.util.spec_from_file_location("re_replica", REPO / "tests" / "replica.py")
    replica = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(replica)
    return replica


def replica_available():
    """Whether the PostgreSQL server binaries ``tests/replica.py`` needs are here."""
    return _replica_helper().find_bindir() is not None


def start_replica(db, tag):
    """A throw-away primary holding a copy of ``db`` and its streaming
    replica (``tests/replica.py``, which needs the PostgreSQL server
    binaries): ``(pair, db_args, replica_args)``, Odoo's options for each.
    The caller stops ``pair``."""
    replica = _replica_helper()
    bindir = replica.find_bindir()
    if bindir is None:
        raise SystemExit(replica.missing_message())
    log(f"copying {db} into a throw-away primary and its streaming replica", tag)
    pair = replica.PrimaryAndReplica(bindir).start(db)
    primary, standby = pair.primary, pair.replica
    db_args = [
        f"--db_host={primary['host']}",
        f"--db_port={primary['port']}",
        f"--db_user={primary['user']}",
    ]
    replica_args = [f"--db_replica_host={standby['host']}", f"--db_replica_port={standby['port']}"]
    return pair, db_args, replica_args


def server_cpu(master):
    """CPU seconds used so far by the server ``master`` and its workers
    (those alive now): a cost per request that a busy shared machine
    disturbs much less than req/s."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(pid) == master or int(fields[1]) == master:
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------


def med(values):
    values = [v for v in values if not math.isnan(v)]  # a run where wrk saw no reply
    return statistics.median(values) if values else float("nan")


def span(values, fmt="{:.0f}"):
    kept = [v for v in values if not math.isnan(v)]
    if not kept:
        return "n/a"
    return f"{fmt.format(med(kept))} ({fmt.format(min(kept))}-{fmt.format(max(kept))})"


def percentile(values, pct):
    """Nearest-rank percentile of ``values`` (NaN when empty)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


# ---------------------------------------------------------------------------
# RESULTS.md and the README
# ---------------------------------------------------------------------------


def _split_results(text):
    """(benchmark part, soak part) of RESULTS.md's text: the soak part is
    the soak sections at its end (``## Soak``, ``## Soak on a read
    replica``)."""
    at = text.find(f"\n{SOAK_HEADING}")
    if at < 0:
        return text, ""
    return text[: at + 1], text[at + 1 :]


def _soak_sections(soak):
    """The soak part as {heading line: section}."""
    sections = {}
    for chunk in ("\n" + soak).split(f"\n{SOAK_HEADING}")[1:]:
        section = SOAK_HEADING + chunk
        sections[section.split("\n", 1)[0]] = section.rstrip("\n") + "\n"
    return sections


def saved_bench_part():
    """The benchmark part of RESULTS.md as it is now (no soak section)."""
    return _split_results(RESULTS.read_text())[0] if RESULTS.exists() else RESULTS_TITLE


def write_results(bench=None, soak=None):
    """Replace the benchmark part and/or the soak section of RESULTS.md,
    keeping the other, then mirror the file into the README's section.

    ``bench`` starts with the ``# Benchmark results`` title; ``soak`` with
    ``## Soak`` (or ``## Soak on a read replica``: each kind keeps its own
    section).
    """
    current = RESULTS.read_text() if RESULTS.exists() else RESULTS_TITLE
    old_bench, old_soak = _split_results(current)
    bench = old_bench if bench is None else bench
    if soak is None:
        soak = old_soak
    else:  # replaces its own section (same heading), keeps the other kind
        sections = _soak_sections(old_soak)
        sections[soak.split("\n", 1)[0]] = soak
        soak = "\n".join(sections[h] for h in sorted(sections))
    text = bench.rstrip("\n") + "\n"
    if soak:
        text += "\n" + soak.rstrip("\n") + "\n"
    RESULTS.write_text(text)
    readme = REPO / "README.md"
    content = readme.read_text()
    if README_START in content and README_END in content:
        head, rest = content.split(README_START, 1)
        _old, tail = rest.split(README_END, 1)
        body = text.replace(RESULTS_TITLE, "").replace("\n## ", "\n### ")
        readme.write_text(f"{head}{README_START}\n{body}\n{README_END}{tail}")
    return text
