"""Client rules: redirect URIs (RFC 8252, OAuth 2.1) and scope lists.

Redirect URIs match exactly, character for character, with one exception
that RFC 8252 section 7.3 requires: a loopback redirect
(``http://127.0.0.1:{port}/...`` or ``http://[::1]:{port}/...``) matches a
registered one that differs only by its port, since native apps listen on
an ephemeral port. ``localhost`` gets no such exception (RFC 8252 8.3).
"""

import re
from urllib.parse import urlsplit

_LOOPBACK_HOSTS = ("127.0.0.1", "[::1]")
_SCOPE_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
#: custom URI schemes of native apps: reverse domain names (RFC 8252 7.1)
_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.\-]*$")


def redirect_uri_lines(text):
    """The registered redirect URIs of a client's text field, one a line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def check_registered_uri(uri):
    """Why ``uri`` cannot be registered as a redirect URI, or None.

    Absolute, no fragment; ``https``, loopback ``http`` or a private-use
    scheme with a dot (``com.example.app:/callback``, RFC 8252 7.1)."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "not a URI"
    if not parts.scheme or not _SCHEME_RE.match(parts.scheme):
        return "no scheme"
    if parts.fragment or "#" in uri:
        return "a redirect URI has no fragment"
    if parts.scheme == "https":
        return None if parts.netloc else "no host"
    if parts.scheme == "http":
        if _loopback(parts):
            return None
        return "plain http is allowed for loopback addresses (127.0.0.1, [::1]) only"
    if "." not in parts.scheme:
        return "a private-use scheme must be a reverse domain name (com.example.app)"
    return None


def _loopback(parts):
    host = parts.netloc.rsplit("@", 1)[-1]
    if host.startswith("[::1]"):
        return True
    return host.split(":", 1)[0] == "127.0.0.1"


def _without_port(parts):
    host = parts.hostname or ""
    host = "[::1]" if host == "::1" else host
    return parts._replace(netloc=host)


def redirect_uri_matches(registered, uri):
    """Whether ``uri`` is one of the ``registered`` redirect URIs."""
    if not uri:
        return False
    if uri in registered:
        return True
    try:
        parts = urlsplit(uri)
    except ValueError:
        return False
    if parts.scheme != "http" or not _loopback(parts):
        return False
    wanted = _without_port(parts)
    for candidate in registered:
        other = urlsplit(candidate)
        if other.scheme == "http" and _loopback(other) and _without_port(other) == wanted:
            return True
    return False


def scope_list(text):
    """The scopes of a space-separated string, in order, without repeats."""
    seen = []
    for scope in (text or "").split():
        if scope not in seen:
            seen.append(scope)
    return seen


def bad_scopes(scopes):
    """The scopes of ``scopes`` that are not valid endpoint scope names."""
    return [s for s in scopes if not _SCOPE_RE.match(s)]


def granted_scopes(requested, allowed):
    """The scopes a client gets: the requested ones (all of them allowed to
    it), or all of its scopes when it requested none; None if it asked for
    one it may not have."""
    requested, allowed = scope_list(requested), scope_list(allowed)
    if not requested:
        return allowed
    if any(s not in allowed for s in requested):
        return None
    return requested
