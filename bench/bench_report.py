"""``bench/RESULTS.md`` (and the README section mirroring it) from a run's
results: the request table, the ratios against their targets, sync times,
scale and the read replica.

A partial run (``--only``) rewrites the sections it measured, each saying
when and how it was measured, and keeps the others as the file has them."""

import datetime

from bench_auth import auth_section
from benchlib import machine, med, saved_bench_part, span, write_results

#: Each group's section, by the start of its heading.
HEADINGS = {
    "main": "## Requests",
    "sync": "## Sync time",
    "scale": "## Scale",
    "replica": "## Read replica",
    "auth": "## Bearer credentials",
}


def _saved_sections():
    """(header, {group: section text}) of RESULTS.md's benchmark part."""
    chunks = ("\n" + saved_bench_part()).split("\n## ")
    header = chunks[0].lstrip("\n")
    sections = {}
    for chunk in chunks[1:]:
        text = "## " + chunk
        for group, heading in HEADINGS.items():
            if text.startswith(heading):
                sections[group] = text
    return header, sections


def _issue21_ratios(samples, ratio):
    """Related records and idempotency keys (targets of issue 21), when the
    run measured them."""
    expanded = next(
        (n for n in samples if n.startswith("resource list, ") and "expanded" in n), None
    )
    pair = next((n for n in samples if n.startswith("JSON-2, ") and "2 search_read" in n), None)
    keyed = "rest_endpoint POST + Idempotency-Key (new key each)"
    lines = []
    if expanded and pair:
        lines.append(
            "| resource list with contacts expanded / JSON-2 search_read of the companies + "
            f"search_read of their contacts (req/s vs pairs/s) | {ratio(expanded, pair):.2f} "
            "| ≥ 1.5 |"
        )
    creating = "resource POST, creates a contact"
    creating_keyed = f"{creating} + Idempotency-Key (new key each)"
    if creating_keyed in samples:
        lines.append(
            "| POST creating a contact with a new Idempotency-Key / same POST without (req/s) | "
            f"{ratio(creating_keyed, creating):.2f} | ≥ 0.90 |"
        )
    if keyed in samples:
        lines.append(
            "| POST writing nothing with a new Idempotency-Key / same POST without (req/s) | "
            f"{ratio(keyed, 'rest_endpoint POST'):.2f} "
            "| (no target: the key is its only write and makes it commit durably) |"
        )
    return lines


def report(bench, args, only):
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    new = _sections(bench, args, now)
    old_header, old = _saved_sections()
    header = new.pop("header")
    if "main" not in only and old_header.startswith("# Benchmark results"):
        header = old_header  # it describes the main run, not this one
        apart = (
            f"Measured apart from the rest of this page: `bench/run --only {{}} --rounds "
            f"{args.rounds} --duration {args.duration}`, {now}, {machine()}, a machine shared "
            "with other jobs."
        )
        for group in only & set(new):
            heading, rest = new[group].split("\n", 1)
            new[group] = f"{heading}\n\n{apart.format(group)}\n{rest}"
    parts = [header.rstrip("\n") + "\n"]
    for group in HEADINGS:
        if group in only and group in new:
            parts.append(new[group])
        elif group in old:
            parts.append(old[group])
        elif group in new:
            parts.append(new[group])
    text = "\n".join(p.rstrip("\n") + "\n" for p in parts)
    # keeps the soak section (bench/soak) and mirrors the file in the README
    write_results(bench=text)
    print(text)


def _sections(bench, args, now):
    res = bench.results
    out = {}
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
    out["header"] = "\n".join(lines)
    lines = []
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
            *_issue21_ratios(samples, ratio),
            "",
        ]
        if bench.notes:
            lines += ["Notes:", "", *[f"- {n}" for n in bench.notes], ""]
        out["main"], lines = "\n".join(lines), []
    if "sync" in res:
        lines += [
            "## Sync time (shell: create out of sync, then one `write({'registry_sync': True})`"
            " and commit; median of 3, 10000: one run)",
            "",
            "| endpoints | rest_endpoint s | OCA s |",
            "| --- | --- | --- |",
        ]
        for n in ("1", "100", "1000", "10000"):
            if n not in res["sync"]["rest_endpoint"]:
                continue  # results of a run before 10000 was measured
            lines.append(
                f"| {n} | {res['sync']['rest_endpoint'][n]:.3f} | {res['sync']['OCA'][n]:.3f} |"
            )
        lines.append("")
        out["sync"], lines = "\n".join(lines), []
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
        out["scale"] = "\n".join(lines)
    if "replica" in res:
        out["replica"] = replica_section(res["replica"], args)
    if "auth" in res:
        out["auth"] = auth_section(res["auth"], args)
    return out


def replica_section(data, args):
    """The read replica section: the resource list on both servers, their
    ratio, and the lag check timed alone."""
    samples = data["samples"]
    (with_name, with_runs), (without_name, without_runs) = samples.items()
    rps_with = [r["rps"] for r in with_runs]
    rps_without = [r["rps"] for r in without_runs]
    per_round = [a / b for a, b in zip(rps_with, rps_without, strict=True)]
    lines = [
        "## Read replica: resource list (20 x 5 fields) with and without a replica",
        "",
        "A throw-away PostgreSQL primary holding a copy of the bench database and its "
        "streaming replica (`tests/replica.py`: `initdb`, `pg_basebackup -R`, same machine); "
        "two prefork Odoo servers (`--workers=2`, no cron) on that primary, one with "
        "`--db_replica_host`/`--db_replica_port` (the resource list, read-only, is served by "
        "the replica, with the lag check of `serving/freshness.py`), one without; "
        f"`wrk -t1 -c4`, {args.rounds} interleaved rounds of {args.duration} s, the order "
        "alternating. Transactions per request: `pg_stat_database` of each cluster over the "
        "warm-up requests (it shows where the requests ran).",
        "",
        "| server | req/s | p50 ms | p99 ms | non-2xx | transactions per request "
        "on the primary / on the replica |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, runs in samples.items():
        rps = [r["rps"] for r in runs]
        xacts = data["xacts_per_request"][name]
        lines.append(
            f"| {name} | {span(rps)} | {span([r['p50'] for r in runs], '{:.2f}')} "
            f"| {span([r['p99'] for r in runs], '{:.1f}')} | {sum(r['non2xx'] for r in runs)} "
            f"| {xacts['primary']:.2f} / {xacts['replica']:.2f} |"
        )
    lines += [
        "",
        "| ratio | value | target |",
        "| --- | --- | --- |",
        f"| resource list, {with_name} / {without_name} (req/s; per round: "
        f"{span(per_round, '{:.2f}')}) | {med(rps_with) / med(rps_without):.2f} | ≥ 0.95 |",
        "",
    ]
    lag = data.get("lag_check")
    if lag:
        statements = lag["statements"]
        plain = statements["version + key stamp (no lag column)"]
        whole = statements["+ the whole lag check (the request's statement)"]
        worker_us = 2 / med(rps_with) * 1e6  # two busy workers
        age = lag["replay_age"]
        if age is None or age > 2:  # older than the default bound
            age = (
                f"{'none replayed' if age is None else f'{age:.0f} s old'}, so the check "
                "goes past its first test, as on a replica of an idle primary"
            )
        else:
            age = f"{age:.1f} s old, so its first test decides"
        lines += [
            "The lag check alone (`odoo shell` on the same pair; the replica's last replayed "
            f"commit: {age}). The statement a request runs on a replica cursor, "
            "execute + fetch on an "
            "Odoo cursor (parsed and planned each time), µs, median of 9 interleaved "
            "repetitions of 500:",
            "",
            "| statement | µs |",
            "| --- | --- |",
            *[f"| {name} | {value:.0f} |" for name, value in statements.items()],
            "",
            f"Lag check cost: {whole - plain:.0f} µs a request (the request's statement less "
            f"the same without lag columns), {(whole - plain) / worker_us * 100:.1f} % of a "
            "worker's time per resource list on the replica-configured server "
            f"({worker_us:.0f} µs: 2 workers / req/s).",
            "",
        ]
    return "\n".join(lines)
