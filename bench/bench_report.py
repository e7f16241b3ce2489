"""``bench/RESULTS.md`` (and the README section mirroring it) from a run's
results: the request table, the ratios against their targets, sync times
and scale."""

import datetime

from benchlib import machine, med, span, write_results


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
