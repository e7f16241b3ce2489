"""Rate limits: who is counted, how a process counts ahead, and what the
caller is told.

The counting itself is one SQL statement (see ``rate_limit.py``): a fixed
window of ``period`` seconds aligned on the database clock, one counter row
per (endpoint, period, caller, window). A fixed window counts exactly, on
every worker and server of the database; its known cost is that a caller can
send up to twice the limit across a window boundary, which is fine for
stopping floods and keeps one counter row per caller and window.

Counting ahead (:class:`Leases`): a process that counts a caller's request
claims :func:`lease_size` hits at once (2 % of the limit, at least 1) and
serves the caller's next requests from them without asking the database
again, until they run out or the window ends. Claims are granted from the
shared counter, so all processes together never admit more than the limit;
hits claimed by a process that then stops receiving the caller's requests
are lost for the window, so with up to five processes doing so a caller
still gets at least 90 % of the limit (the issue's bound). A limit below 50
claims one hit at a time, which is exact.

The headers are those of the IETF ``RateLimit`` header fields draft (the
three separate fields most clients and gateways read), plus ``Retry-After``
on a 429.
"""

import math
import threading
import time

LEASE_SHARE = 50  # a process claims 1/50 of the limit at a time


#: What a limit counts (the endpoint's ``rate_limit_by``), default first.
COUNT_BY = ("user", "key", "ip")


def caller_key(api_key_id=None, uid=None, remote_addr=None, by="user"):
    """The identity a limit counts, by the endpoint's ``rate_limit_by``:

    - ``user`` (default): the user, whatever key or session it calls with
      (a user minting more keys gets no more requests);
    - ``key``: the API key, else the user (a session);
    - ``ip``: the client address.

    A caller without a user (a public endpoint) is counted by address,
    always; the address is the one Odoo sees (behind its ``proxy_mode``).
    """
    if by == "key" and api_key_id:
        return f"key:{api_key_id}"
    if by != "ip" and uid:
        return f"user:{uid}"
    return f"addr:{remote_addr or '?'}"


def reset_seconds(window_no, period, now):
    """Whole seconds until the window ``window_no`` ends (at least 1)."""
    return max(1, math.ceil((window_no + 1) * period - now))


def headers(limit, count, reset):
    """The ``RateLimit-*`` headers after the ``count``-th request of the window."""
    return {
        "RateLimit-Limit": str(limit),
        "RateLimit-Remaining": str(max(0, limit - count)),
        "RateLimit-Reset": str(reset),
    }


def refusal(limit, period, reset):
    """The message of a 429."""
    return (
        f"Rate limit exceeded: this endpoint accepts {limit} request(s) per {period} "
        f"second(s) per caller. Retry in {reset} second(s)."
    )


def lease_size(limit):
    """How many hits a process claims at once for a limit of ``limit``."""
    return max(1, limit // LEASE_SHARE)


def granted(limit, total, size):
    """Hits granted by a claim of ``size`` that brought the window's counter
    to ``total``: those still under the limit."""
    return max(0, min(size, limit - (total - size)))


def answer(allowed, limit, remaining, reset):
    """``(allowed, headers)`` of a counted request; over the limit the
    headers include ``Retry-After``."""
    result = headers(limit, limit - remaining, reset)
    if not allowed:
        result["Retry-After"] = str(reset)
    return allowed, result


def count(leases, key, limit, period, claim):
    """Count one request of the caller ``key`` (``(allowed, headers)``):
    from a live lease of ``leases`` when there is one, else by a claim on
    the shared counter. ``claim(size)`` adds ``size`` hits to the counter of
    the current window and returns ``(total, window_no, now)``: the new
    count, the window's number and the clock it was read on (epoch seconds
    of the database, see ``rate_limit.py``)."""
    taken = leases.take(key)
    if taken is not None:
        allowed, remaining, reset = taken
        return answer(allowed, limit, remaining, reset)
    size = lease_size(limit)
    started = leases.clock()
    total, window_no, now = claim(size)
    got = granted(limit, total, size)
    held = leases.store(
        key,
        limit,
        window_no,
        total,
        got - 1 if got else None,
        (window_no + 1) * period - now,
        started,
    )
    return answer(bool(got), limit, limit - total + held, reset_seconds(window_no, period, now))


class _Lease:
    __slots__ = ("deadline", "exhausted", "left", "limit", "total", "window_no")

    def __init__(self, limit, window_no, total, left, deadline):
        self.limit, self.window_no, self.total = limit, window_no, total
        self.left, self.deadline, self.exhausted = left, deadline, False


class Leases:
    """The hits this process has claimed and not used yet, per caller key.

    ``take`` answers a request from a live lease: ``(allowed, remaining,
    reset)``, or None when the database must be asked (then ``store`` the
    claim's outcome). A lease dies at the end of its window, measured on
    this process's monotonic clock from the database's time at the claim.
    Once a claim is refused the window's counter is past the limit for good,
    so the caller's next requests in the window are refused here, without a
    round trip: a flood of 429s costs the database nothing. Threads of one
    process may claim at the same time: their leftovers add up."""

    max_keys = 10000  # past this many callers, expired leases are dropped

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._lock = threading.Lock()
        self._leases = {}

    def take(self, key):
        now = self.clock()
        with self._lock:
            lease = self._leases.get(key)
            if lease is None or now >= lease.deadline:
                return None
            reset = max(1, math.ceil(lease.deadline - now))
            if lease.left > 0:
                lease.left -= 1
                return True, max(0, lease.limit - lease.total + lease.left), reset
            if lease.exhausted:
                return False, 0, reset
            return None

    def store(self, key, limit, window_no, total, left, window_end_in, started):
        """Keep the ``left`` unused hits of a claim in window ``window_no``
        that brought the counter to ``total`` (``left`` is None for a refused
        claim); the window ends ``window_end_in`` seconds after the
        database's clock, read after ``started`` (this process's clock).
        Return the hits this process now holds for the caller."""
        with self._lock:
            lease = self._leases.get(key)
            if lease is None or lease.window_no != window_no:
                if len(self._leases) >= self.max_keys:
                    now = self.clock()
                    self._leases = {k: v for k, v in self._leases.items() if v.deadline > now}
                lease = self._leases[key] = _Lease(
                    limit, window_no, total, 0, started + window_end_in
                )
            lease.total = max(lease.total, total)
            if left is None:
                lease.exhausted = True
            else:
                lease.left += left
            return lease.left

    def clear(self):
        with self._lock:
            self._leases.clear()
