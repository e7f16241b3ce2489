"""The soak test's checks on made-up histories: each kind of lost, corrupted
or stale outcome is caught, and concurrent writes are not blamed.

    $V/bin/python -m pytest -q -p no:cacheprovider bench/test_soak_check.py
"""

import sys
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))

import soak_check
from soak import Record

PLAN = SimpleNamespace(shared={7: "+1 initial"}, run_id="1")


def put(value, t_send, t_recv, status=200):
    return Record("write", 0, 7, value, status, t_send, t_recv, 1.0, echo=(7, "P", value))


def get(phone, t_send, target=7, sync=0):
    return Record(
        "read", 0, target, None, 200, t_send, t_send + 0.1, 1.0, (target, "P", phone), sync
    )


def post(name, status=201, pid=100):
    return Record("create", 0, None, name, status, 0, 1, 1.0, echo=(pid, name, None))


def shared(writes, final):
    out = defaultdict(list)
    soak_check._check_shared(out, PLAN, writes, {7: final})
    return out


def test_sequential_writes_last_one_wins():
    writes = [put("+1 a", 0, 1), put("+1 b", 2, 3)]
    out = shared(writes, "+1 b")
    assert not out["lost"] and not out["corrupted"]
    assert out["shared"][0]["verdict"] == "last acknowledged write"


def test_older_acknowledged_value_is_a_lost_write():
    out = shared([put("+1 a", 0, 1), put("+1 b", 2, 3)], "+1 a")
    assert len(out["lost"]) == 1 and "+1 b" in out["lost"][0]


def test_initial_value_after_acknowledged_writes_is_lost():
    out = shared([put("+1 a", 0, 1), put("+1 b", 2, 3)], "+1 initial")
    assert len(out["lost"]) == 2


def test_overlapping_writes_either_may_win():
    writes = [put("+1 a", 0, 3), put("+1 b", 1, 2)]
    for final in ("+1 a", "+1 b"):
        out = shared(writes, final)
        assert not out["lost"], final


def test_refused_write_that_committed():
    out = shared([put("+1 a", 0, 1), put("+1 b", 2, 3, status=400)], "+1 b")
    assert out["error_but_committed"] and not out["lost"]


def test_value_nobody_sent_is_corrupted():
    out = shared([put("+1 a", 0, 1)], "+1 zzz")
    assert out["corrupted"]


def test_creates():
    created = {"ok": [100], "twice": [101, 102], "refused": [103], "stray": [104]}
    records = [post("ok"), post("twice", pid=101), post("missing"), post("refused", 400)]
    out = defaultdict(list)
    soak_check._check_creates(out, records, created)
    assert len(out["lost"]) == 1 and "missing" in out["lost"][0]
    assert len(out["duplicated"]) == 1
    assert len(out["error_but_committed"]) == 1
    assert len(out["corrupted"]) == 1 and "stray" in out["corrupted"][0]


def reads(records, writes, syncs=()):
    out = defaultdict(list)
    soak_check._check_reads(out, PLAN, records, writes, list(syncs))
    return out


def test_read_older_than_an_acknowledged_write_is_stale():
    writes = [put("+1 a", 0, 1), put("+1 b", 2, 3)]
    assert reads([get("+1 a", 4)], writes)["stale_reads"]
    assert reads([get("+1 initial", 4)], writes)["stale_reads"]
    out = reads([get("+1 a", 2.5), get("+1 b", 4), get("+1 b", 2.5)], writes)
    assert not out["stale_reads"] and not out["corrupted"]


def test_read_of_a_refused_write_and_of_a_value_nobody_sent():
    writes = [put("+1 a", 0, 1, status=400)]
    assert reads([get("+1 a", 2)], writes)["dirty_reads"]
    assert reads([get("+1 zzz", 2)], writes)["corrupted"]


def test_read_served_an_endpoint_older_than_a_committed_sync():
    syncs = [{"n": 1, "committed": 10.0}, {"n": 2, "committed": 20.0}]
    assert reads([get("+1 initial", 21, sync=1)], [], syncs)["stale_sync"]
    out = reads([get("+1 initial", 19, sync=1), get("+1 initial", 21, sync=2)], [], syncs)
    assert not out["stale_sync"]


def test_answer_that_does_not_match_its_request():
    record = put("+1 a", 0, 1)
    assert soak_check._bad_answer(record) is None
    record.echo = (7, "P", "+1 other")
    assert soak_check._bad_answer(record)


def test_log_errors_tell_conflicts_from_other_errors(tmp_path):
    log = tmp_path / "server-1.log"
    log.write_text(
        "2026-01-01 00:00:00,001 12 ERROR db odoo.sql_db: bad query: UPDATE x\n"
        "ERROR: could not serialize access due to concurrent update\n"
        "2026-01-01 00:00:00,002 12 INFO db odoo.service.model: retrying\n"
        "2026-01-01 00:00:00,003 12 ERROR db odoo.http: Exception during request handling.\n"
        "Traceback (most recent call last):\n"
        "2026-01-01 00:00:00,004 12 WARNING db odoo.http: slow\n"
    )
    conflicts, errors = soak_check.log_errors([log])
    assert len(conflicts) == 1 and len(errors) == 1
    assert "Traceback" in errors[0]
