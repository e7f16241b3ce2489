# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Prometheus metrics of the published endpoints, summed over workers.

``prometheus_client`` keeps each process's values in memory-mapped files
of one directory (its *multiprocess mode*) and adds them up when
``/rest_endpoint/metrics`` is scraped, so the prefork workers of a server
report together. The directory is ``$PROMETHEUS_MULTIPROC_DIR`` when the
administrator sets it (then they empty it before each start); otherwise one
per server: ``<tmp>/odoo-rest-endpoint-metrics-<pid of the server's main
process>``, which prefork workers share because they are forked from that
process, and which a restart replaces (directories of servers no longer
running are removed). The client reads the variable when it is first
imported, so it is imported here, lazily, after the variable is set.

Counters of workers that were recycled stay in the sum (their files stay):
counters never go down while the server runs. Each server reports its own
counts: scrape every server (or sum them in Prometheus). Every series has a
``db`` label, and a scrape answers the series of the caller's database only
(:class:`OneDatabase`), whatever other databases the server serves.
"""

import glob
import os
import re
import shutil
import tempfile
import threading

from ..core.request.logsafe import get_logger

_logger = get_logger(__name__)

ENV_VAR = "PROMETHEUS_MULTIPROC_DIR"
DIR_PREFIX = "odoo-rest-endpoint-metrics-"
#: Request duration buckets (seconds), from a cache hit to a slow report.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

_lock = threading.Lock()
_state = {}


def _server_pid():
    """The pid of the server's main process (the prefork master, whose pid
    the workers inherit in ``odoo.service.server.server``), else ours."""
    from odoo.service import server as odoo_server  # noqa: PLC0415 (at use: set at start)

    return getattr(odoo_server.server, "pid", None) or os.getpid()


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def multiprocess_dir():
    """The directory of this server's values, created (see module doc)."""
    path = os.environ.get(ENV_VAR)
    if not path:
        pid = _server_pid()
        base = tempfile.gettempdir()
        path = os.path.join(base, f"{DIR_PREFIX}{pid}")
        if not os.path.isdir(path):
            for old in glob.glob(os.path.join(base, f"{DIR_PREFIX}*")):
                match = re.search(r"-(\d+)$", old)
                if match and not _pid_alive(int(match.group(1))):
                    shutil.rmtree(old, ignore_errors=True)
        os.environ[ENV_VAR] = path
    os.makedirs(path, exist_ok=True)
    return path


def _metrics():
    """The metric objects, created on first use (None without the library)."""
    if "metrics" in _state:
        return _state["metrics"]
    with _lock:
        if "metrics" in _state:
            return _state["metrics"]
        try:
            multiprocess_dir()
            import prometheus_client  # noqa: PLC0415 (after the variable is set)
            from prometheus_client import values  # noqa: PLC0415

            # Imported before the variable was set (by another module):
            # choose the value class again, before our metrics are made.
            values.ValueClass = values.get_value_class()
        except ImportError:
            _logger.warning("prometheus_client is not installed: /rest_endpoint/metrics is off")
            _state["metrics"] = None
            return None
        labels = ("db", "endpoint", "method")
        _state["metrics"] = metrics = {
            "requests": prometheus_client.Counter(
                "rest_endpoint_requests",
                "Requests served by published endpoints, by final status.",
                (*labels, "status"),
            ),
            "duration": prometheus_client.Histogram(
                "rest_endpoint_request_duration_seconds",
                "Time from the start of the request to the response sent.",
                labels,
                buckets=BUCKETS,
            ),
            "limited": prometheus_client.Counter(
                "rest_endpoint_rate_limited",
                "Requests refused with 429 by a rate limit.",
                labels,
            ),
            "syncs": prometheus_client.Counter(
                "rest_endpoint_syncs",
                "Syncs (publications) of endpoints.",
                ("db",),
            ),
        }
        return metrics


def observe_request(db, endpoint, method, status, seconds):
    metrics = _metrics()
    if metrics is None:
        return
    metrics["requests"].labels(db, endpoint, method, str(status)).inc()
    metrics["duration"].labels(db, endpoint, method).observe(seconds)
    if status == 429:
        metrics["limited"].labels(db, endpoint, method).inc()


def observe_sync(db, count=1):
    metrics = _metrics()
    if metrics is not None:
        metrics["syncs"].labels(db).inc(count)


class OneDatabase:
    """The series of one database only. A server serving several databases
    keeps all their values in its one directory: a caller of database A
    must not read B's endpoint names, counts and durations."""

    def __init__(self, collector, db):
        self.collector = collector
        self.db = db

    def collect(self):
        for family in self.collector.collect():
            family.samples = [s for s in family.samples if s.labels.get("db") == self.db]
            if family.samples:
                yield family


def render(db, registry_version, published):
    """The text exposition of every process's values, plus the gauges read
    from the database at scrape time; (body, content type)."""
    if _metrics() is None:
        return None, None
    from prometheus_client import (  # noqa: PLC0415
        CONTENT_TYPE_LATEST,
        CollectorRegistry,
        generate_latest,
        multiprocess,
    )
    from prometheus_client.core import GaugeMetricFamily  # noqa: PLC0415

    class DatabaseGauges:
        def collect(self):
            version = GaugeMetricFamily(
                "rest_endpoint_registry_version",
                "Registry version of the database (a sync takes a new one).",
                labels=["db"],
            )
            version.add_metric([db], registry_version or 0)
            yield version
            endpoints = GaugeMetricFamily(
                "rest_endpoint_published_endpoints",
                "Endpoints currently published.",
                labels=["db"],
            )
            endpoints.add_metric([db], published)
            yield endpoints

    registry = CollectorRegistry()
    collector = multiprocess.MultiProcessCollector(None, path=multiprocess_dir())
    registry.register(OneDatabase(collector, db))
    registry.register(DatabaseGauges())
    return generate_latest(registry), CONTENT_TYPE_LATEST
