"""Route strings: normalisation, syntax checking and reserved paths.

Pure Python (werkzeug's converters only), so the rules an administrator's route
must follow can be unit-tested without Odoo. The Odoo model calls these at save
time; the router (``router.py``) reuses :func:`parse_route` at publish time, so
a route that saved is a route that can be served.
"""

import math
import re
from dataclasses import dataclass, field
from uuid import UUID

from werkzeug.routing.converters import (
    AnyConverter,
    FloatConverter,
    IntegerConverter,
    PathConverter,
    UnicodeConverter,
    UUIDConverter,
)
from werkzeug.routing.rules import ValidationError as ConverterValidationError
from werkzeug.routing.rules import parse_converter_args

#: Bounds of an ``<int:...>`` value when the route sets none: PostgreSQL's
#: ``integer``, the type of every id and most counts. A larger value could
#: only fail in the database (NumericValueOutOfRange, a 500 before); now the
#: path does not match: a JSON 404. A route that needs more says so:
#: ``<int(max=9007199254740991):n>``.
INT_MAX = 2**31 - 1
INT_MIN = -(2**31)


class BoundedIntegerConverter(IntegerConverter):
    """werkzeug's ``int``, bounded to :data:`INT_MAX` (and :data:`INT_MIN`
    when signed) unless the route gives its own ``max``/``min``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max is None:
            self.max = INT_MAX
        if self.min is None and self.signed:
            self.min = INT_MIN

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValueError as exc:  # over Python's int digit limit (4300)
            raise ConverterValidationError() from exc


class FiniteFloatConverter(FloatConverter):
    """werkzeug's ``float``, without the ``inf`` a 400-digit path reads as."""

    def to_python(self, value):
        number = super().to_python(value)
        if not math.isfinite(number):
            raise ConverterValidationError()
        return number


#: Converters an endpoint route may use. Odoo's ``model``/``models`` converters
#: are left out on purpose: they browse records before any access check.
CONVERTERS = {
    "default": UnicodeConverter,
    "string": UnicodeConverter,
    "int": BoundedIntegerConverter,
    "float": FiniteFloatConverter,
    "path": PathConverter,
    "uuid": UUIDConverter,
    "any": AnyConverter,
}

#: Paths that belong to Odoo itself (and to this addon's own static routes):
#: the path and everything under it are refused.
RESERVED_PREFIXES = (
    "/web",
    "/json",
    "/jsonrpc",
    "/xmlrpc",
    "/odoo",
    "/doc",
    "/websocket",
    "/rest_endpoint",
)

_PLACEHOLDER_RE = re.compile(r"<([^<>]*)>")
_ARG_RE = re.compile(r"^(?:(?P<conv>[a-zA-Z_][a-zA-Z0-9_]*)(?:\((?P<args>.*)\))?:)?(?P<name>.*)$")
_IDENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Characters allowed in the static parts of a route (RFC 3986 pchar, minus
# percent-encoding, which an administrator has no reason to type).
_STATIC_RE = re.compile(r"^[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$")


class RouteError(ValueError):
    """A route string that cannot be published; the message says why."""


@dataclass(frozen=True)
class Placeholder:
    """One ``<converter(args):name>`` part of a route."""

    name: str
    converter: str
    args: tuple = ()
    kwargs: tuple = ()  # sorted (key, value) pairs, hashable

    def make_converter(self):
        return CONVERTERS[self.converter](None, *self.args, **dict(self.kwargs))


@dataclass(frozen=True)
class ParsedRoute:
    """A normalised route split into static text and placeholders."""

    route: str
    parts: tuple  # str (static text) or Placeholder, in order
    placeholders: tuple = field(default=())

    @property
    def is_static(self):
        return not self.placeholders

    @property
    def static_prefix(self):
        """The path segments before the first placeholder's segment."""
        text = ""
        for part in self.parts:
            if isinstance(part, Placeholder):
                text = text.rsplit("/", 1)[0]
                break
            text += part
        return tuple(s for s in text.split("/") if s)


def normalize_route(route):
    """Return ``route`` with a leading slash and no trailing slash.

    Whitespace around it is dropped; empty input gives an empty string so the
    caller can report a missing route.
    """
    route = (route or "").strip()
    if not route:
        return ""
    if not route.startswith("/"):
        route = "/" + route
    if len(route) > 1:
        route = route.rstrip("/") or "/"
    return route


def parse_route(route):
    """Parse a normalised route; raise :class:`RouteError` when malformed."""
    if not route or not route.startswith("/"):
        raise RouteError(f"Route {route!r} must start with '/'.")
    if "//" in route:
        raise RouteError(f"Route {route!r} contains an empty path segment ('//').")
    parts = []
    placeholders = []
    pos = 0
    for match in _PLACEHOLDER_RE.finditer(route):
        static = route[pos : match.start()]
        _check_static(route, static)
        if static:
            parts.append(static)
        placeholder = _parse_placeholder(route, match.group(1))
        if any(p.name == placeholder.name for p in placeholders):
            raise RouteError(f"Route {route!r} uses the parameter {placeholder.name!r} twice.")
        if parts and isinstance(parts[-1], Placeholder):
            raise RouteError(f"Route {route!r}: two parameters must be separated by static text.")
        parts.append(placeholder)
        placeholders.append(placeholder)
        pos = match.end()
    tail = route[pos:]
    _check_static(route, tail)
    if tail:
        parts.append(tail)
    return ParsedRoute(route=route, parts=tuple(parts), placeholders=tuple(placeholders))


def _check_static(route, text):
    if any(c in text for c in "?#") or any(c.isspace() for c in text):
        raise RouteError(f"Route {route!r} must be a path: no spaces, '?' or '#'.")
    if "<" in text or ">" in text:
        raise RouteError(f"Route {route!r} has an unbalanced '<' or '>'.")
    if not _STATIC_RE.match(text):
        raise RouteError(f"Route {route!r} contains characters not allowed in a URL path.")


def _parse_placeholder(route, inner):
    match = _ARG_RE.match(inner.strip())
    name = (match.group("name") or "").strip()
    conv = match.group("conv") or "default"
    if not _IDENT_RE.match(name):
        raise RouteError(f"Route {route!r}: {name!r} is not a valid parameter name.")
    if conv not in CONVERTERS:
        raise RouteError(
            f"Route {route!r}: unknown converter {conv!r} (use one of "
            f"{', '.join(sorted(c for c in CONVERTERS if c != 'default'))})."
        )
    args, kwargs = (), {}
    if match.group("args") is not None:
        try:
            args, kwargs = parse_converter_args(match.group("args"))
        except Exception as exc:
            raise RouteError(f"Route {route!r}: invalid converter arguments ({exc}).") from exc
    placeholder = Placeholder(
        name=name, converter=conv, args=tuple(args), kwargs=tuple(sorted(kwargs.items()))
    )
    try:
        placeholder.make_converter()
    except Exception as exc:
        raise RouteError(f"Route {route!r}: invalid converter arguments ({exc}).") from exc
    return placeholder


def reserved_prefix(route):
    """Return the reserved prefix ``route`` falls under, or None."""
    if route == "/":
        return "/"
    for prefix in RESERVED_PREFIXES:
        if route == prefix or route.startswith(prefix + "/"):
            return prefix
    return None


_SAMPLES = {
    "default": "sample",
    "string": "sample",
    "path": "sample/path",
    "int": "1",
    "float": "1.5",
    "uuid": str(UUID(int=1)),
}


def sample_path(parsed):
    """A concrete path the route matches, to probe other routers with."""
    out = []
    for part in parsed.parts:
        if isinstance(part, Placeholder):
            if part.converter == "any":
                out.append(str(part.args[0]) if part.args else "sample")
            else:
                out.append(_SAMPLES[part.converter])
        else:
            out.append(part)
    return "".join(out)
