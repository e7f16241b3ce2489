"""``Idempotency-Key`` (IETF draft ``httpapi-idempotency-key-header``): which
requests take one and what a key may be. Pure Python; the storage and the
replay are ``serving/idempotency.py``."""

from .errors import BadRequest

HEADER = "Idempotency-Key"
TTL_HOURS = 24
METHODS = frozenset({"POST", "PATCH"})
#: Methods that honour a key only where the endpoint opts in.
OPT_IN_METHODS = frozenset({"PUT", "DELETE"})
MAX_KEY_LENGTH = 255
#: What a key may be, as the OpenAPI document says (after leading and
#: trailing whitespace, which is not part of a header value).
KEY_PATTERN = r"^[!-~]{1,255}$"

PARAMETER_DESCRIPTION = (
    "A key unique to this request (a UUID): the first request with it runs and its "
    "response (status, headers, body) is stored 24 h for this caller and endpoint; "
    "a repeat with the same request gets the stored response without running again "
    "(with Idempotent-Replayed: true), the same key with another request 422, a repeat "
    "while the first still runs 409 (Retry-After). A request that fails with an error "
    "stores nothing. Retrying with the same key is always safe."
)


def applies(method, opted_in):
    """Whether a request with ``method`` honours a key."""
    return method in METHODS or (bool(opted_in) and method in OPT_IN_METHODS)


def parse_key(values):
    """The key of the request from the header's ``values`` (a list), or None.
    An sf-string (``"..."``) or a bare token of 1 to 255 visible ASCII
    characters; anything else is a 400."""
    if not values:
        return None
    if len(values) > 1:
        raise BadRequest(f"{HEADER} is given more than once.")
    key = values[0].strip()
    if len(key) >= 3 and key[0] == key[-1] == '"':
        key = key[1:-1]  # an sf-string; '""' is a key of its own
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all(0x21 <= ord(c) <= 0x7E for c in key):
        raise BadRequest(
            f"{HEADER} must be 1 to {MAX_KEY_LENGTH} visible ASCII characters "
            "(a UUID is a good key)."
        )
    return key
