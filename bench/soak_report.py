"""The soak test's report: the ``## Soak`` section of ``bench/RESULTS.md``
(markdown, printed too) and the list of failures that make ``bench/soak``
exit non-zero."""

import datetime
import json
import subprocess
from collections import Counter

from benchlib import REPO, machine, percentile
from soak_check import EXPECTED

KINDS = (
    ("read", "reads (GET)"),
    ("write", "writes (PUT, shared records)"),
    ("create", "creates (POST)"),
    ("list", "resource lists (GET, on the replica)"),
)
#: (outcome key, label): each must be empty for the run to pass
CHECKS = (
    ("lost", "lost writes: acknowledged creates missing, or acknowledged updates overwritten"),
    ("duplicated", "creates stored more than once"),
    ("error_but_committed", "writes answered with an error but committed"),
    ("corrupted", "corrupted values: in the database or read, a value nobody sent"),
    ("bad_answers", "2xx answers that do not match their request"),
    ("stale_reads", "reads of a shared record older than a write acknowledged before them"),
    ("dirty_reads", "reads of a value whose write was refused"),
    ("stale_sync", "reads served an endpoint older than a sync committed before them"),
    ("sync_errors", "syncs that failed in the shell"),
    (
        "log_errors",
        "ERROR/CRITICAL entries in the servers' logs, other than serialization conflicts",
    ),
    ("stuck_clients", "clients still running after the hard stop"),
)


def _commit():
    def git(*args):
        return subprocess.run(
            ["git", "-C", str(REPO), *args], capture_output=True, text=True, check=False
        ).stdout.strip()

    sha = git("rev-parse", "--short", "HEAD") or "unknown"
    return sha + (" (with local changes)" if git("status", "--porcelain") else "")


def _mb(kb):
    return "-" if kb is None else f"{kb / 1024:.1f}"


def _latency_row(label, recs, elapsed):
    ms = [r.ms for r in recs]
    statuses = Counter(r.status for r in recs)
    shown = ", ".join(f"{s or 'no answer'}: {n}" for s, n in sorted(statuses.items()))
    return (
        f"| {label} | {len(recs)} | {len(recs) / elapsed:.1f} | {percentile(ms, 50):.1f} "
        f"| {percentile(ms, 99):.1f} | {max(ms, default=float('nan')):.1f} | {shown or '-'} |"
    )


def report(args, plan, records, elapsed, outcome, rss, sync):
    """(markdown text, failures)."""
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    by_kind = {kind: [r for r in records if r.kind == kind] for kind, _label in KINDS}
    five = [r for r in records if 500 <= r.status < 600]
    silent = [r for r in records if r.status == 0]
    unexpected = [r for r in records if r.status != EXPECTED[r.kind] and r not in five]
    unexpected = [r for r in unexpected if r.status != 0]
    failures = []
    for count, what in ((len(five), "5xx"), (len(unexpected), "unexpected statuses")):
        if count:
            failures.append(f"{count} {what}")
    if silent:
        failures.append(f"{len(silent)} requests without an answer")
    for key, label in CHECKS:
        if outcome.get(key):
            failures.append(f"{len(outcome[key])} {label.split(':')[0]}")
    mix = "/".join(f"{w:g}" for w in args.mix)
    lines = [
        "## Soak on a read replica" if getattr(args, "replica", False) else "## Soak",
        "",
        f"Run {now} on {machine()}, commit {_commit()}: `bench/soak --duration "
        f"{args.duration:g} --clients {args.clients}"
        f"{' --replica' if getattr(args, 'replica', False) else ''}`. Two prefork Odoo 19 servers "
        "(`--workers=2` each, no cron, `--log-level=warn`) on loopback, one database with "
        f"rest_endpoint and its demo; {args.clients} client threads (a `requests` session "
        f"each, half on each server, `X-Odoo-Database` and a bearer key on every request) "
        f"mixing reads/writes/creates {mix}, the writes all on {len(plan.shared)} shared "
        f"partners with a unique phone each; an `odoo shell` changed and synced the GET and "
        f"PUT endpoints every {args.sync_interval:g} s ({len(sync.syncs)} syncs). The "
        "database is checked against every answer at the end."
        + (
            " With `--replica`: both servers on a throw-away primary (a copy of that database)"
            " reading from its streaming replica (`--db_replica_host`); half of the reads are"
            " model resource lists, served by the replica."
            if getattr(args, "replica", False)
            else ""
        ),
        "",
        f"**Result: {'FAIL: ' + '; '.join(failures) if failures else 'PASS'}**",
        "",
        "| requests | count | req/s | p50 ms | p99 ms | max ms | statuses |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *(_latency_row(label, by_kind[kind], elapsed) for kind, label in KINDS if by_kind[kind]),
        _latency_row("all", records, elapsed),
        "",
        "| check | count | must be |",
        "| --- | --- | --- |",
        f"| 5xx answers | {len(five)} | 0 |",
        f"| other unexpected statuses (every request is valid) | {len(unexpected)} | 0 |",
        f"| no answer (timeout, connection error) | {len(silent)} | 0 |",
        *(f"| {label} | {len(outcome.get(key, []))} | 0 |" for key, label in CHECKS),
        f"| serialization conflicts logged (Odoo retries those requests) "
        f"| {len(outcome['conflicts'])} | any |",
        "",
        "| shared partner | PUTs | acknowledged | refused | final phone | final value is |",
        "| --- | --- | --- | --- | --- | --- |",
        *(
            f"| {s['id']} | {s['sent']} | {s['acked']} | {s['refused']} | {s['final']} "
            f"| {s['verdict']} |"
            for s in outcome["shared"]
        ),
        "",
        f"Worker memory (VmRSS, MB; boot: before any request, start: after "
        f"{min(10.0, args.duration / 6):g} s of load, end: when the load stopped; "
        "`-`: not alive then):",
        "",
        "| server | process | pid | boot | start | end | growth | max |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for server, role, pid, boot, start, end, peak in rss.rows():
        growth = f"{(end - start) / 1024:+.1f}" if start is not None and end is not None else "-"
        lines.append(
            f"| {server} | {role} | {pid} | {_mb(boot)} | {_mb(start)} | {_mb(end)} "
            f"| {growth} | {_mb(peak)} |"
        )
    lines.append("")
    samples = _samples(records, outcome)
    if samples:
        lines += ["First problems of each kind:", "", *(f"- {s}" for s in samples), ""]
    return "\n".join(lines), failures


def _samples(records, outcome, per_kind=3):
    """A few examples of each problem: distinct error answers first."""
    out = []
    seen = Counter()
    for r in records:
        if r.status != EXPECTED[r.kind]:
            text = f"{r.kind} answered {r.status or 'nothing'}: `{_flat(_message(r.error))}`"
            seen[text] += 1
            if seen[text] == 1 and len(seen) <= per_kind * 3:
                out.append(text)
    out = [f"{text} ({seen[text]} time{'s' if seen[text] > 1 else ''})" for text in out]
    for key, label in CHECKS:
        for item in (outcome.get(key) or [])[:per_kind]:
            out.append(f"{label.split(':')[0]}: `{_flat(item)}`")
    return out


def _message(body):
    """The gist of an error answer: its message and first detail."""
    try:
        data = json.loads(body)
        details = data.get("errors") or [{}]
        return f"{data['message']} {details[0].get('path', '')} {details[0].get('message', '')}"
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        return body


def _flat(text, limit=240):
    text = " ".join(str(text).split()).replace("`", "'").replace("|", "/")
    return text[:limit] + ("…" if len(text) > limit else "")
