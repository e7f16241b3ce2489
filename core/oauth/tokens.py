"""Token formats: random, prefixed by kind, stored only as a SHA-256 hash.

Access and refresh tokens, authorization codes and client secrets are 256
bits from ``secrets``: a fast hash is enough to store them (nobody can guess
one to try against the hash, unlike a password), and it lets a bearer
request find its token row with one indexed equality. The prefix tells a
bearer token of this server from an API key (40 hex digits) and from a JWT
(three base64url segments) before any lookup.
"""

import base64
import hashlib
import hmac
import re
import secrets

ACCESS_PREFIX = "reat_"
REFRESH_PREFIX = "rert_"
CODE_PREFIX = "reac_"
SECRET_PREFIX = "recs_"
_BODY = r"[A-Za-z0-9_\-]{43}"
_ACCESS_RE = re.compile(rf"^{ACCESS_PREFIX}{_BODY}$")
_JWT_RE = re.compile(r"^[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*$")


def new_token(prefix):
    """A new token of 256 random bits, with its kind's prefix."""
    return prefix + base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()


def token_hash(token):
    """What the database keeps of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_hash(token, hashed):
    """Whether ``token`` hashes to ``hashed`` (constant time)."""
    return bool(hashed) and hmac.compare_digest(token_hash(token), hashed)


def is_access_token(token):
    """Whether ``token`` has the form of an access token issued here."""
    return bool(_ACCESS_RE.match(token))


def looks_like_jwt(token):
    """Whether ``token`` has the form of a compact JWS (``a.b.c``)."""
    return token.startswith("eyJ") and bool(_JWT_RE.match(token))
