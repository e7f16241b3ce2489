"""Who may use a session cookie: the cross-site check of session endpoints.

Odoo's session cookie has no ``SameSite`` attribute, so a browser sends it
with a form that another site posts to us: without a check, a page on
``https://evil.example`` makes a logged-in victim run a session endpoint.
Browsers say where a request comes from in two headers that pages cannot
set: ``Sec-Fetch-Site`` (recent browsers) and ``Origin`` (on every unsafe
request). :func:`cross_site_refusal` decides from them, headers in, verdict
out; the dispatcher then lets a valid CSRF token through anyway (that is how
same-site forms and other pages served by Odoo call in).

The rules, in order:

1. ``Sec-Fetch-Site: same-origin`` (or ``none``, a user-initiated request)
   passes: the browser itself attests that the page is ours, even when a
   proxy hides the public origin from the server.
2. An ``Origin`` that is the server's own (the request's host URL, or
   ``web.base.url``) or one of the endpoint's CORS origins passes: the
   administrator trusts those sites.
3. Any other ``Origin``, including ``null`` (sandboxed frames, ``data:``
   pages, some redirects), is refused.
4. Without ``Origin``, ``Sec-Fetch-Site: cross-site`` or ``same-site`` is
   refused (``same-site`` is a sibling subdomain: another application).
5. A request with neither header is not a browser's (curl, scripts): it
   carries its cookie on purpose, and passes.

CORS ``*`` never counts as trusting a site: it is meant for anonymous
reads, browsers do not send credentials to a ``*`` answer, and letting it
open session endpoints to every site would undo the whole check.
"""

from urllib.parse import urlsplit

#: Methods that must not change anything (RFC 9110): never checked.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

_DEFAULT_PORTS = {"http": 80, "https": 443}

ADVICE = (
    "Send Odoo's CSRF token (X-CSRF-Token header or csrf_token parameter), "
    "or call the endpoint from the same origin."
)


def normalize_origin(value):
    """``scheme://host[:port]`` of a URL or an Origin header, lower-cased and
    without the default port, or None when it has no usable origin
    (``null``, empty, no host, not http(s))."""
    if not value:
        return None
    value = value.strip()
    if not value or value.lower() == "null":
        return None
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def trusted_origins(own, cors=()):
    """The normalized origins that may use a session: the server's own
    URLs and the endpoint's explicit CORS origins (``*`` is not one)."""
    origins = {normalize_origin(url) for url in own}
    origins.update(normalize_origin(o) for o in cors if o.strip() != "*")
    origins.discard(None)
    return frozenset(origins)


def cross_site_refusal(method, origin, fetch_site, trusted):
    """Why a session-authenticated request must be refused as cross-site,
    or None when it may run.

    ``origin`` and ``fetch_site`` are the raw ``Origin`` and
    ``Sec-Fetch-Site`` headers (None when absent); ``trusted`` is what
    :func:`trusted_origins` returned (any container of normalized origins).
    """
    if (method or "").upper() in SAFE_METHODS:
        return None
    site = (fetch_site or "").strip().lower()
    if site in ("same-origin", "none"):
        return None
    if origin is not None:
        normalized = normalize_origin(origin)
        if normalized is not None and normalized in trusted:
            return None
        shown = normalized or "an opaque origin (Origin: null)"
        if normalized is None and origin.strip().lower() != "null":
            shown = f"an unusable origin ({origin.strip()[:100]!r})"
        return (
            f"Cross-site request refused: this endpoint authenticates with the session "
            f"cookie and the request comes from {shown}, which is neither this server "
            f"nor one of the endpoint's CORS origins. {ADVICE}"
        )
    if site in ("cross-site", "same-site"):
        return (
            f"Cross-site request refused: this endpoint authenticates with the session "
            f"cookie and the browser marks the request {site}. {ADVICE}"
        )
    return None
