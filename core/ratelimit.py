"""Rate limits: who is counted, and what the caller is told.

The counting itself is one SQL statement (see ``rate_limit.py``): a fixed
window of ``period`` seconds aligned on the database clock, one counter row
per (endpoint, period, caller, window). A fixed window counts exactly, on
every worker and server of the database; its known cost is that a caller can
send up to twice the limit across a window boundary, which is fine for
stopping floods and keeps one counter row per caller and window.

The headers are those of the IETF ``RateLimit`` header fields draft (the
three separate fields most clients and gateways read), plus ``Retry-After``
on a 429.
"""

import math


def caller_key(api_key_id=None, uid=None, remote_addr=None):
    """The identity a limit counts: the API key, else the user, else the
    client address (as Odoo sees it, behind its ``proxy_mode`` settings)."""
    if api_key_id:
        return f"key:{api_key_id}"
    if uid:
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
