"""The benchmark report of a partial run (``bench/run --only auth``): the
sections it did not measure stay as they were, its own section replaces the
older one, and the credential ratios are computed against the API key.

    cd bench && $V/bin/python -m pytest -q -p no:cacheprovider test_bench_report.py
"""

import sys
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_report
import benchlib

OLD = """# Benchmark results

Run 2026-11-24 on somewhere. The main run.

## Requests

| main table | 700 |

## Sync time (shell)

| 1 | 0.018 |

## Bearer credentials (an older run)

| stale | 1 |

## Soak

soak text
"""
README = "x\n<!-- bench:start -->\nold\n<!-- bench:end -->\ny\n"


def samples(runs):
    return {
        name: [
            {"rps": rps, "p50": 1.0, "p99": 2.0, "non2xx": 0, "cpu_ms": cpu, "requests": 1}
            for rps, cpu in values
        ]
        for name, values in runs.items()
    }


def report(tmp_path, monkeypatch, results):
    monkeypatch.setattr(benchlib, "RESULTS", tmp_path / "RESULTS.md")
    monkeypatch.setattr(benchlib, "REPO", tmp_path)
    bench = SimpleNamespace(results=results, notes=[])
    bench_report.report(bench, SimpleNamespace(rounds=2, duration=5), {"auth"})
    return (tmp_path / "RESULTS.md").read_text()


def test_auth_only_keeps_the_other_sections(tmp_path, monkeypatch):
    (tmp_path / "RESULTS.md").write_text(OLD)
    (tmp_path / "README.md").write_text(README)
    auth = {
        "samples": samples(
            {
                "scoped bearer, API key": [(400, 2.0), (500, 2.0)],
                "scoped bearer, access token": [(380, 2.0), (475, 2.2)],
                "scoped bearer, trusted-issuer JWT": [(360, 2.5), (450, 2.5)],
            }
        ),
        "load": [1.0, 2.0],
    }
    text = report(tmp_path, monkeypatch, {"auth": auth})
    assert "Run 2026-11-24 on somewhere. The main run." in text
    assert "| main table | 700 |" in text and "| 1 | 0.018 |" in text
    assert text.index("## Requests") < text.index("## Sync time") < text.index("## Bearer")
    assert "stale" not in text
    assert text.rstrip().endswith("soak text")
    # req/s medians 427.5 / 450 and 405 / 450; CPU 2.0 / 2.1 and 2.0 / 2.5
    assert "| access token / API key, same endpoint (req/s) | 0.95 |" in text
    assert "| trusted-issuer JWT / API key, same endpoint (req/s) | 0.90 |" in text
    assert "(key ms / token ms) | 0.95 |" in text
    assert "(key ms / JWT ms) | 0.80 |" in text
    assert "Load average (1 min) 1.0 at the start, 2.0 at the end." in text
    assert "| main table | 700 |" in (tmp_path / "README.md").read_text()
    # a second partial run gives the same page (nothing duplicated)
    assert report(tmp_path, monkeypatch, {"auth": auth}) == text


def test_each_soak_kind_keeps_its_own_section(tmp_path, monkeypatch):
    """``bench/soak --replica`` writes its own section: the plain soak's
    stays, and a new run of either kind replaces only its own."""
    monkeypatch.setattr(benchlib, "RESULTS", tmp_path / "RESULTS.md")
    monkeypatch.setattr(benchlib, "REPO", tmp_path)
    (tmp_path / "RESULTS.md").write_text(OLD)
    (tmp_path / "README.md").write_text(README)
    benchlib.write_results(soak="## Soak on a read replica\n\nreplica text\n")
    text = (tmp_path / "RESULTS.md").read_text()
    assert "soak text" in text and "replica text" in text
    assert text.index("## Sync time") < text.index("## Soak\n") < text.index("## Soak on")
    benchlib.write_results(soak="## Soak\n\nnew soak\n")
    text = (tmp_path / "RESULTS.md").read_text()
    assert "soak text" not in text and "new soak" in text and "replica text" in text
    assert "### Soak on a read replica" in (tmp_path / "README.md").read_text()
