"""What the soak test (``soak.py``) checks once the load stopped: the
database against every answer the clients received, the answers themselves,
and the workers' memory (``RssWatch``). The report is in ``soak_report``.

Values are unique per request (a phone number per PUT, a name per POST), so
the database tells which writes took effect. Client and sync-shell times are
wall-clock times of the same machine: a request *sent* after another
request's answer (or after a sync's commit) was received must see its effect.
"""

import bisect
import itertools
import os
import re
import time
from collections import defaultdict
from pathlib import Path

import psycopg2

EXPECTED = {"read": 200, "write": 200, "create": 201, "list": 200}


def ok(record):
    return 200 <= record.status < 300


# ---------------------------------------------------------------------------
# Memory of the server processes
# ---------------------------------------------------------------------------


def _children(ppid):
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses
        if int(stat.rsplit(")", 1)[1].split()[1]) == ppid:
            pids.append(int(entry))
    return sorted(pids)


def _rss_kb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _role(pid):
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    # the long-polling process is spawned as `odoo gevent`; with no cron
    # thread, every other child is an HTTP worker
    return "gevent" if b"gevent" in cmdline else "http worker"


class RssWatch:
    """VmRSS of each server's children (its workers), sampled by label:
    ``boot`` (before any load), ``start`` (after the first seconds of load:
    registries loaded), ``during`` (every sync interval) and ``end``."""

    def __init__(self, servers):
        self.servers = servers
        self.samples = []  # (label, time, {server index: {pid: (role, kB)}})

    def sample(self, label):
        snap = {}
        for idx, server in enumerate(self.servers):
            if server.proc is None or server.proc.poll() is not None:
                continue
            pids = _children(server.proc.pid)
            snap[idx] = {pid: (_role(pid), _rss_kb(pid)) for pid in pids}
            snap[idx] = {pid: v for pid, v in snap[idx].items() if v[1] is not None}
        self.samples.append((label, time.time(), snap))

    def first(self, label):
        return next((s[2] for s in self.samples if s[0] == label), {})

    def last(self, label):
        return next((s[2] for s in reversed(self.samples) if s[0] == label), {})

    def rows(self):
        """One row per process seen at start or end: (server, role, pid,
        boot, start, end, max) in kB (None: not alive then)."""
        boot, start, end = self.first("boot"), self.first("start"), self.last("end")
        rows = []
        for idx in range(len(self.servers)):
            pids = sorted(set(start.get(idx, {})) | set(end.get(idx, {})))
            for pid in pids:
                role = (start.get(idx, {}).get(pid) or end.get(idx, {}).get(pid))[0]
                seen = [s[2].get(idx, {}).get(pid) for s in self.samples]
                peak = max((v[1] for v in seen if v), default=None)
                rows.append(
                    (
                        idx + 1,
                        role,
                        pid,
                        *(
                            snap.get(idx, {}).get(pid, (None, None))[1]
                            for snap in (boot, start, end)
                        ),
                        peak,
                    )
                )
        return rows


# ---------------------------------------------------------------------------
# The database and the answers
# ---------------------------------------------------------------------------


def _fetch(db, plan, params=None):
    conn = psycopg2.connect(**(params or {"dbname": db}))
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT name, id FROM res_partner WHERE name LIKE %s", (f"soak {plan.run_id} %",)
            )
            created = defaultdict(list)
            for name, pid in cr.fetchall():
                created[name].append(pid)
            cr.execute(
                "SELECT id, coalesce(phone, '') FROM res_partner WHERE id = ANY(%s)",
                (list(plan.shared),),
            )
            final = dict(cr.fetchall())
    finally:
        conn.close()
    return created, final


def _bad_answer(record):
    """Why a 2xx answer does not match its request, or None."""
    if record.error:
        return record.error
    pid, name, phone = record.echo
    if record.kind == "read" and pid != record.target:
        return f"GET {record.target} answered customer {pid}"
    if record.kind == "write" and (pid != record.target or phone != record.value):
        return f"PUT {record.target} phone {record.value!r} answered {pid} {phone!r}"
    if record.kind == "create" and (not isinstance(pid, int) or name != record.value):
        return f"POST {record.value!r} answered {pid} {name!r}"
    return None


def _check_creates(out, creates, created):
    sent = {r.value for r in creates}
    for r in creates:
        ids = created.get(r.value, [])
        if len(ids) > 1:
            out["duplicated"].append(f"{r.value!r} stored {len(ids)} times (status {r.status})")
        elif ok(r) and not ids:
            out["lost"].append(f"create {r.value!r} answered {r.status} but is not stored")
        elif ok(r) and r.echo and ids[0] != r.echo[0]:
            out["corrupted"].append(f"create {r.value!r} answered id {r.echo[0]}, stored {ids[0]}")
        elif ids and r.status == 0:
            out["notes"].append(f"create {r.value!r} got no answer but was stored")
        elif ids and not ok(r):
            out["error_but_committed"].append(f"create {r.value!r} answered {r.status}, stored")
    for name in created:
        if name not in sent:
            out["corrupted"].append(f"stored partner {name!r} nobody created")


def _check_shared(out, plan, writes, final):
    """The final value of each shared record must come from an acknowledged
    write that no other acknowledged write followed: a write *sent* after
    another's answer committed after it."""
    for pid, initial in sorted(plan.shared.items()):
        mine = [w for w in writes if w.target == pid]
        acked = [w for w in mine if ok(w)]
        by_value = {w.value: w for w in mine}
        last_send = max((w.t_send for w in acked), default=None)
        if acked:
            candidates = {w.value for w in mine if (ok(w) or w.status == 0)}
            candidates = {v for v in candidates if by_value[v].t_recv >= last_send}
        else:
            candidates = {initial} | {w.value for w in mine if w.status == 0}
        value = final.get(pid, "")
        latest = max(acked, key=lambda w: w.t_send).value if acked else initial
        writer = by_value.get(value)
        if value in candidates:
            verdict = "last acknowledged write" if value == latest else "a last concurrent write"
        elif writer is not None and not ok(writer) and writer.status != 0:
            verdict = f"written by a request answered {writer.status}"
            out["error_but_committed"].append(f"partner {pid}: {value!r} ({verdict})")
        elif writer is not None or value == initial:
            since = writer.t_recv if writer is not None else float("-inf")
            overwritten = [w for w in acked if w.t_send > since]
            verdict = f"LOST {len(overwritten)} later acknowledged write(s)"
            out["lost"].extend(
                f"partner {pid}: PUT {w.value!r} answered {w.status}, final value {value!r}"
                for w in overwritten
            )
        else:
            verdict = "CORRUPTED: nobody sent it"
            out["corrupted"].append(f"partner {pid}: final phone {value!r} was never sent")
        out["shared"].append(
            {
                "id": pid,
                "sent": len(mine),
                "acked": len(acked),
                "refused": len([w for w in mine if not ok(w)]),
                "final": value,
                "verdict": verdict,
            }
        )


def _check_reads(out, plan, reads, writes, syncs):
    # reads of shared records: a value somebody sent (or the initial one),
    # by a write that did not fail, and not older than a write acknowledged
    # before the read was sent
    by_value = {w.value: w for w in writes}
    horizon = {}  # partner -> (t_recv of acked writes sorted, running max of their t_send)
    for pid in plan.shared:
        acked = sorted((w for w in writes if w.target == pid and ok(w)), key=lambda w: w.t_recv)
        running, best = [], float("-inf")
        for w in acked:
            best = max(best, w.t_send)
            running.append(best)
        horizon[pid] = ([w.t_recv for w in acked], running)
    commits = sorted((s["committed"], s["n"]) for s in syncs)
    commit_times = [c[0] for c in commits]
    for r in reads:
        if not ok(r) or not r.echo:
            continue
        at = bisect.bisect_left(commit_times, r.t_send)  # syncs committed before the send
        if at and r.sync < commits[at - 1][1]:
            out["stale_sync"].append(
                f"GET sent {r.t_send - commit_times[at - 1]:.3f} s after sync "
                f"{commits[at - 1][1]} committed was served sync {r.sync}"
            )
        if r.target not in plan.shared:
            continue
        phone = r.echo[2] or ""
        writer = by_value.get(phone)
        if writer is None and phone != plan.shared[r.target]:
            out["corrupted"].append(f"GET {r.target} read phone {phone!r}, never sent")
            continue
        if writer is not None and not ok(writer) and writer.status != 0:
            out["dirty_reads"].append(
                f"GET {r.target} read {phone!r} of a PUT answered {writer.status}"
            )
            continue
        recvs, running = horizon[r.target]
        at = bisect.bisect_left(recvs, r.t_send)  # writes acknowledged before the send
        newest_send = running[at - 1] if at else None
        if newest_send is not None and (writer is None or writer.t_recv < newest_send):
            out["stale_reads"].append(
                f"GET {r.target} read {phone!r} after a newer write was acknowledged"
            )


def check(db, plan, records, syncs, params=None):
    """``params``: psycopg2's connection parameters (default: ``db`` on
    libpq's default server)."""
    out = defaultdict(list)
    created, final = _fetch(db, plan, params)
    for r in records:
        if ok(r) and (reason := _bad_answer(r)):
            out["bad_answers"].append(reason)
    _check_creates(out, [r for r in records if r.kind == "create"], created)
    writes = [r for r in records if r.kind == "write"]
    _check_shared(out, plan, writes, final)
    _check_reads(out, plan, [r for r in records if r.kind == "read"], writes, syncs)
    return out


LOG_ENTRY = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) ", re.MULTILINE)
#: Odoo logs the failed statement at ERROR ("bad query"), then retries the
#: whole request (odoo.service.model.retrying): expected under concurrent
#: writes, and harmless when the retry succeeds (which the answers tell).
CONFLICTS = ("could not serialize access", "deadlock detected")


def log_errors(logfiles):
    """ERROR and CRITICAL entries of the servers' logs, as (serialization
    conflicts, other errors): lists of one-line summaries."""
    conflicts, errors = [], []
    for path in logfiles:
        try:
            text = Path(path).read_text(errors="replace")
        except OSError:
            continue
        starts = [m.start() for m in LOG_ENTRY.finditer(text)] + [len(text)]
        for begin, end in itertools.pairwise(starts):
            entry = text[begin:end]
            if LOG_ENTRY.match(entry).group(1) not in ("ERROR", "CRITICAL"):
                continue
            summary = f"{Path(path).stem}: {' '.join(entry.split())[:400]}"
            (conflicts if any(c in entry for c in CONFLICTS) else errors).append(summary)
    return conflicts, errors
