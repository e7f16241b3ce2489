"""Load generation with wrk (one thread, a few connections), and its output
parsed into req/s, latency percentiles and error counts.

Besides one fixed request, a script can send a different header value on
every request (``unique_header``: an ``Idempotency-Key`` that is never a
replay) or cycle through several requests (``sequence``: the calls an app
makes for one answer, counted together by the caller)."""

import os
import re
import subprocess
import tempfile
import uuid

WRK_LUA = """
wrk.method = "%(method)s"
wrk.body = %(body)s
%(headers)s
"""


#: ``unique_header``: the header's value is ``<prefix>-<n>``, n counting the
#: requests of this wrk run (one thread), the prefix new for every run.
WRK_LUA_UNIQUE = """
local n = 0
request = function()
    n = n + 1
    wrk.headers[ %(name)s ] = %(prefix)s .. "-" .. n
    return wrk.format()
end
"""

#: ``sequence``: the requests are built once, then sent in turn.
WRK_LUA_SEQUENCE = """
local calls = {}
init = function(args)
%(calls)s
end
local i = 0
request = function()
    i = i %% #calls + 1
    return calls[i]
end
"""


def _lua_string(text):
    return "[==[" + text + "]==]"


def _lua_table(headers):
    return (
        "{"
        + ", ".join(f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in headers.items())
        + "}"
    )


def _sequence_lua(sequence):
    calls = []
    for call in sequence:
        headers = call.get("headers", {})
        body = call.get("body")
        calls.append(
            f"    local h = {_lua_table(headers)}\n"
            '    h["Host"] = wrk.headers["Host"]\n'
            f"    calls[#calls + 1] = wrk.format({_lua_string(call.get('method', 'GET'))}, "
            f"{_lua_string(call['path'])}, h, "
            f"{_lua_string(body) if body is not None else 'nil'})"
        )
    return WRK_LUA_SEQUENCE % {"calls": "\n".join(calls)}


def wrk(
    url,
    *,
    method="GET",
    body=None,
    headers=None,
    duration=5,
    connections=4,
    unique_header=None,
    sequence=None,
):
    """wrk on ``url`` (its path is ignored with ``sequence``, a list of
    ``{method, path, body, headers}`` sent in turn)."""
    headers = dict(headers or {})
    lua = WRK_LUA % {
        "method": method,
        "body": _lua_string(body) if body is not None else "nil",
        "headers": "\n".join(
            f"wrk.headers[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in headers.items()
        ),
    }
    if unique_header:
        lua += WRK_LUA_UNIQUE % {
            "name": _lua_string(unique_header),
            "prefix": _lua_string(f"bench-{uuid.uuid4().hex}"),
        }
    if sequence:
        lua += _sequence_lua(sequence)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{duration}s",
                "--latency",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    return parse_wrk(out)


def _ms(value):
    found = re.match(r"([\d.]+)(us|ms|s|m|h)$", value)
    if not found:  # no request completed: wrk prints nan
        return float("nan")
    number, unit = found.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1e3, "m": 6e4, "h": 3.6e6}[unit]


def parse_wrk(out):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+(\S+)", out)
    p99 = re.search(r"99%\s+(\S+)", out)
    p50 = _ms(p50.group(1)) if p50 else float("nan")
    p99 = _ms(p99.group(1)) if p99 else float("nan")
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: .*", out)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "requests": total,
        "non2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(0) if errors else "",
    }
