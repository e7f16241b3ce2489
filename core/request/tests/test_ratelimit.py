# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Counting ahead: leases of hits claimed from a counter shared by processes."""

import random

import pytest

from core.request import ratelimit


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class SharedCounter:
    """The database's counter row of one caller, as the upsert of
    ``rate_limit._HIT`` returns it: (total, window number, clock)."""

    def __init__(self, clock, period=3600):
        self.hits, self.clock, self.period = {}, clock, period

    def claim(self, size):
        window_no = int(self.clock() // self.period)
        self.hits[window_no] = self.hits.get(window_no, 0) + size
        return self.hits[window_no], window_no, self.clock()


class Process:
    """One worker: its leases, counting through ``ratelimit.count`` (the
    code ``rate_limit.hit`` runs) against the shared counter."""

    def __init__(self, counter, limit, clock):
        self.counter, self.limit, self.clock = counter, limit, clock
        self.leases = ratelimit.Leases(clock)
        self.claims = 0
        self.headers = None

    def claim(self, size):
        self.claims += 1
        return self.counter.claim(size)

    def request(self, key="key:1"):
        allowed, self.headers = ratelimit.count(
            self.leases, key, self.limit, self.counter.period, self.claim
        )
        return allowed


def test_lease_size_and_grants():
    assert [ratelimit.lease_size(n) for n in (1, 20, 49, 50, 100, 1000, 10**9)] == [
        1,
        1,
        1,
        1,
        2,
        20,
        2 * 10**7,
    ]
    assert ratelimit.granted(100, 2, 2) == 2
    assert ratelimit.granted(100, 101, 2) == 1  # one left under the limit
    assert ratelimit.granted(100, 102, 2) == 0
    assert ratelimit.granted(100, 150, 2) == 0


@pytest.mark.parametrize("limit", [1, 20, 49, 50, 300, 1000, 12345])
@pytest.mark.parametrize("processes", [1, 2, 5])
def test_never_over_the_limit_and_at_least_90_percent(limit, processes):
    rng = random.Random(limit * 31 + processes)
    clock = FakeClock()
    counter = SharedCounter(clock)
    workers = [Process(counter, limit, clock) for _i in range(processes)]
    admitted = sum(rng.choice(workers).request() for _i in range(3 * limit))
    assert limit * 0.9 <= admitted <= limit


@pytest.mark.parametrize("limit", [20, 1000, 5000])
def test_worst_case_stranded_hits_of_five_processes(limit):
    """Five processes claim once and never see the caller again; a sixth
    serves everything else: the caller still gets 90 % of the limit."""
    clock = FakeClock()
    counter = SharedCounter(clock)
    workers = [Process(counter, limit, clock) for _i in range(6)]
    admitted = sum(worker.request() for worker in workers[1:])
    admitted += sum(workers[0].request() for _i in range(2 * limit))
    assert limit * 0.9 <= admitted <= limit
    if limit < ratelimit.LEASE_SHARE:
        assert admitted == limit  # one hit at a time: exact


def test_one_claim_serves_many_requests():
    clock = FakeClock()
    worker = Process(SharedCounter(clock), 1000, clock)
    assert all(worker.request() for _i in range(100))
    assert worker.claims == 100 // ratelimit.lease_size(1000)


def test_remaining_and_reset_from_a_lease():
    clock = FakeClock()
    leases = ratelimit.Leases(clock)
    assert leases.take("k") is None
    leases.store("k", limit=100, window_no=7, total=10, left=2, window_end_in=30.5, started=clock())
    assert leases.take("k") == (True, 91, 31)
    clock.now += 10
    assert leases.take("k") == (True, 90, 21)
    assert leases.take("k") is None  # used up: ask the database


def test_lease_dies_with_its_window():
    clock = FakeClock()
    leases = ratelimit.Leases(clock)
    leases.store("k", limit=100, window_no=7, total=2, left=1, window_end_in=5, started=clock())
    clock.now += 5
    assert leases.take("k") is None


def test_expired_leases_dropped_past_max_keys():
    clock = FakeClock()
    leases = ratelimit.Leases(clock)
    leases.max_keys = 10
    for i in range(10):
        leases.store(i, limit=100, window_no=7, total=2, left=1, window_end_in=1, started=clock())
    clock.now += 2
    leases.store("new", limit=100, window_no=7, total=2, left=1, window_end_in=1, started=clock())
    assert len(leases._leases) == 1


def test_claims_in_flight_together_add_up():
    """Two threads of a process find no lease and claim at once: the hits
    left by both are kept, none overwritten."""
    clock = FakeClock()
    leases = ratelimit.Leases(clock)
    assert leases.store("k", 1000, 7, 20, 19, 60, clock()) == 19
    assert leases.store("k", 1000, 7, 40, 19, 60, clock()) == 38
    served = 0
    while leases.take("k") is not None:
        served += 1
    assert served == 38


def test_a_claim_in_a_new_window_replaces_the_lease():
    clock = FakeClock()
    leases = ratelimit.Leases(clock)
    leases.store("k", 1000, 7, 20, 19, 1, clock())
    clock.now += 1
    assert leases.store("k", 1000, 8, 20, 19, 60, clock()) == 19
    assert leases.take("k") == (True, 1000 - 20 + 18, 60)


def test_refused_locally_until_the_window_ends():
    """After a refused claim, the window's requests are refused without a
    claim; hits still held from an earlier claim are served first."""
    clock = FakeClock()
    counter = SharedCounter(clock)
    workers = [Process(counter, 100, clock) for _i in range(2)]
    admitted = sum(workers[i % 2].request() for i in range(1000))
    assert admitted == 100
    assert sum(worker.claims for worker in workers) <= 100 // 2 + 2
    leases = ratelimit.Leases(clock)
    leases.store("k", 100, 7, 100, 1, 30, clock())
    leases.store("k", 100, 7, 102, None, 30, clock())  # another thread: refused
    assert leases.take("k") == (True, 0, 30)
    assert leases.take("k") == (False, 0, 30)
    clock.now += 30
    assert leases.take("k") is None  # a new window: ask again


def test_count_headers_and_refusal_in_a_window():
    """A limit of 3 per 60 s, the clock 15 s into a window: three calls
    admitted counting down, the fourth refused for the 45 s left without a
    claim, and the next window admits again."""
    clock = FakeClock()
    clock.now = 60 * 1000 + 15.0
    worker = Process(SharedCounter(clock, period=60), 3, clock)
    answers = []
    for _i in range(4):
        allowed = worker.request()
        answers.append((allowed, worker.headers["RateLimit-Remaining"]))
    assert answers == [(True, "2"), (True, "1"), (True, "0"), (False, "0")]
    assert worker.headers["Retry-After"] == worker.headers["RateLimit-Reset"] == "45"
    assert worker.claims == 4
    assert not worker.request()  # refused by the lease: no claim
    assert worker.claims == 4
    clock.now += 45
    assert worker.request()
    assert worker.headers == {
        "RateLimit-Limit": "3",
        "RateLimit-Remaining": "2",
        "RateLimit-Reset": "60",
    }


@pytest.mark.parametrize("limit", [1, 7, 20, 49])
def test_below_fifty_is_exact_across_processes_and_windows(limit):
    """Call by call: in every window exactly ``limit`` calls are admitted,
    whatever the number of processes serving them."""
    rng = random.Random(limit)
    clock = FakeClock()
    counter = SharedCounter(clock, period=60)
    workers = [Process(counter, limit, clock) for _i in range(3)]
    for _window in range(3):
        admitted = sum(rng.choice(workers).request() for _i in range(2 * limit + 5))
        assert admitted == limit
        clock.now += 60
