"""The bearer credentials benchmark (``bench/run --only auth``): one bearer
endpoint of scope ``bench`` called with a scoped API key, an OAuth access
token and a trusted-issuer JWT (issue 20's targets: token >= 0.95x the key,
JWT >= 0.90x).

The endpoint, the key, a confidential client and the trusted issuer are made
by ``SETUP_AUTH`` (``bench_setup.py``) in ``rest_endpoint_bench``; the
issuer's JWKS is that of an RSA key made here, which signs the JWT (RS256,
``scope`` claim, a day long). The access token comes from the real token
endpoint (client credentials). The three credentials are measured in
interleaved rounds with wrk, every request sending ``X-Odoo-Database``; the
server's CPU time per request (its processes' utime + stime over the
requests wrk completed) is reported beside req/s, since a shared machine
moves req/s much more than a 5% difference.
"""

import json
import os
import time

import jwt as pyjwt
import requests
from bench_setup import AUTH_AUDIENCE, AUTH_ISSUER, AUTH_SCOPE, BODY, DB_OURS, SETUP_AUTH
from benchlib import log, med, server_cpu, span
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from wrk import wrk

PATH = "/bench/auth/scoped"
KEY = "scoped bearer, API key"
TOKEN = "scoped bearer, access token"
JWT = "scoped bearer, trusted-issuer JWT"


class AuthBench:
    def __init__(self, bench):
        self.bench = bench
        self.odoo = bench.odoo
        self.args = bench.args

    def setup(self):
        """The endpoint, key, client and issuer (before the server starts)."""
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
        jwk.update(kid="bench-1", alg="RS256", use="sig")
        self.auth = self.odoo.shell(
            DB_OURS,
            SETUP_AUTH
            % {
                "body": BODY,
                "scope": AUTH_SCOPE,
                "issuer": AUTH_ISSUER,
                "audience": AUTH_AUDIENCE,
                "jwks": json.dumps({"keys": [jwk]}),
            },
        )
        now = int(time.time())
        claims = {
            "iss": AUTH_ISSUER,
            "aud": AUTH_AUDIENCE,
            "sub": "bench",
            "email": self.auth["login"],  # the issuer's user_claim, matched to the login
            "scope": AUTH_SCOPE,
            "iat": now,
            "exp": now + 86400,
        }
        self.jwt = pyjwt.encode(claims, private, "RS256", headers={"kid": "bench-1"})

    def access_token(self):
        """An access token from the real token endpoint (client credentials)."""
        response = requests.post(
            self.odoo.url("/oauth/token"),
            data={"grant_type": "client_credentials", "scope": AUTH_SCOPE},
            auth=(self.auth["client_id"], self.auth["secret"]),
            headers={"X-Odoo-Database": DB_OURS},
            timeout=30,
        )
        if not response.ok:
            raise RuntimeError(f"token endpoint: {response.status_code} {response.text[:300]}")
        return response.json()["access_token"]

    def run(self):
        """The same endpoint with the three credentials, in interleaved rounds
        (the server is running)."""
        credentials = {KEY: self.auth["key"], TOKEN: self.access_token(), JWT: self.jwt}
        targets = {
            name: {"headers": {"X-Odoo-Database": DB_OURS, "Authorization": f"Bearer {cred}"}}
            for name, cred in credentials.items()
        }
        bodies = set()
        for name, opts in targets.items():
            response = requests.get(self.odoo.url(PATH), timeout=30, **opts)
            if not response.ok:
                raise RuntimeError(f"{name}: {response.status_code} {response.text[:300]}")
            bodies.add(response.content)
        if len(bodies) != 1:
            raise RuntimeError(f"the credentials got different answers: {bodies}")
        for opts in targets.values():  # warm every worker
            for _i in range(2):
                wrk(self.odoo.url(PATH), duration=1, **opts)
        master = self.odoo.proc.pid
        samples = {name: [] for name in targets}
        load = [os.getloadavg()[0]]
        for rnd in range(self.args.rounds):
            log(f"auth round {rnd + 1}/{self.args.rounds}")
            for name, opts in targets.items():
                cpu = server_cpu(master)
                run = wrk(self.odoo.url(PATH), duration=self.args.duration, **opts)
                run["cpu_ms"] = (server_cpu(master) - cpu) * 1000 / max(run["requests"], 1)
                samples[name].append(run)
        load.append(os.getloadavg()[0])
        self.bench.results["auth"] = {"samples": samples, "load": load}


def auth_section(data, args):
    """The report's section of the auth group."""
    samples, load = data["samples"], data["load"]
    lines = [
        "## Bearer credentials: one bearer endpoint of scope `bench`, three credentials",
        "",
        f"{args.rounds} interleaved rounds of {args.duration} s per credential on the same "
        f"endpoint (`{PATH}`, the public snippet) and server. The "
        "access token comes from `/oauth/token` (client credentials of a confidential client); "
        "the JWT is RS256, signed with a key whose JWKS the trusted issuer holds. Server CPU "
        "per request: the server's processes' CPU time over the requests wrk completed. "
        f"Load average (1 min) {load[0]:.1f} at the start, {load[1]:.1f} at the end.",
        "",
        "| credential | req/s | p50 ms | p99 ms | non-2xx | server CPU ms per request |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, runs in samples.items():
        rps = [r["rps"] for r in runs]
        lines.append(
            f"| {name} | {span(rps)} | {span([r['p50'] for r in runs], '{:.2f}')} "
            f"| {span([r['p99'] for r in runs], '{:.1f}')} | {sum(r['non2xx'] for r in runs)} "
            f"| {span([r['cpu_ms'] for r in runs], '{:.3f}')} |"
        )
    key = [r["rps"] for r in samples[KEY]]

    def ratio(name):
        per_round = [r["rps"] / k for r, k in zip(samples[name], key, strict=True)]
        overall = med([r["rps"] for r in samples[name]]) / med(key)
        return f"{overall:.2f} | {span(per_round, '{:.2f}')}"

    def cpu(name):
        return med([r["cpu_ms"] for r in samples[name]])

    def cpu_ratio(name):  # the key's CPU per request over this one's: as req/s
        return f"{cpu(KEY) / cpu(name):.2f}"

    lines += [
        "",
        "| ratio | value | per round: median (min-max) | target |",
        "| --- | --- | --- | --- |",
        f"| access token / API key, same endpoint (req/s) | {ratio(TOKEN)} | ≥ 0.95 |",
        f"| trusted-issuer JWT / API key, same endpoint (req/s) | {ratio(JWT)} | ≥ 0.90 |",
        "| access token / API key, by server CPU per request (key ms / token ms) | "
        f"{cpu_ratio(TOKEN)} | | ≥ 0.95 |",
        "| trusted-issuer JWT / API key, by server CPU per request (key ms / JWT ms) | "
        f"{cpu_ratio(JWT)} | | ≥ 0.90 |",
        "",
    ]
    return "\n".join(lines)
