"""Example values that pass their JSON Schema (2020-12).

A request built from a schema must be one the server accepts: the schema's
own ``examples``/``example``/``default``/``const``/``enum`` come first, then a
value built from the keywords (types, required properties, string lengths,
formats, and a string matching a ``pattern`` built from the regular
expression's parse tree). Every candidate is checked with jsonschema; an
optional property whose value cannot be made valid is left out, and
:func:`example` returns ``None`` when no valid value was found (the caller
then says so instead of sending a body the server refuses).
"""

import copy
import re

from jsonschema import Draft202012Validator

try:  # the parser of the standard library's ``re`` (Python 3.11+: re._parser)
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre
    import sre_parse as _sre_parse

_MAX_DEPTH = 8
_FORMATS = {
    "email": "user@example.com",
    "date": "2026-01-01",
    "date-time": "2026-01-01T08:30:00Z",
    "time": "08:30:00Z",
    "uri": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "ipv4": "192.0.2.1",
    "hostname": "example.com",
}
# Characters tried, in order, for a character class or "any character".
_CANDIDATES = "aA0 -.@+_:/bB1xX9"


def _resolve(root, schema, depth=0):
    while isinstance(schema, dict) and "$ref" in schema and depth < _MAX_DEPTH:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            return {}
        node = root
        for part in ref[2:].split("/"):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        schema, depth = node, depth + 1
    return schema if isinstance(schema, dict) else {}


def is_valid(root, schema, value):
    """``value`` is valid against ``schema``, whose ``$ref`` point into
    ``root`` (a schema with ``$defs``, or an OpenAPI document)."""
    if root is schema:
        wrapped = schema
    else:
        wrapped = {k: v for k, v in (root or {}).items() if k in _REF_HOMES}
        wrapped["x-example-target"] = schema
        wrapped["$ref"] = "#/x-example-target"
    try:
        return Draft202012Validator(wrapped).is_valid(value)
    except Exception:  # an unresolvable reference: not known to be valid
        return False


_REF_HOMES = ("components", "$defs", "definitions")


def example(schema, root=None):
    """A value valid against ``schema`` (``$ref`` resolved in ``root``), or
    None when none was found."""
    root = schema if root is None else root
    value = _build(root, schema, 0, "")
    return value if is_valid(root, schema, value) else None


def _given(schema):
    """The schema's own example values, in order of preference."""
    for key in ("examples", "enum"):
        yield from copy.deepcopy(schema.get(key) or [])
    for key in ("example", "default", "const"):
        if key in schema:
            yield copy.deepcopy(schema[key])


def _build(root, schema, depth, name):
    schema = _resolve(root, schema)
    if depth > _MAX_DEPTH:
        return None
    for value in _given(schema):
        if is_valid(root, schema, value):
            return value
    for key in ("allOf", "oneOf", "anyOf"):
        if schema.get(key):
            for part in schema[key]:
                value = _build(root, part, depth + 1, name)
                if is_valid(root, schema, value):
                    return value
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    kind = next((k for k in kinds if k not in (None, "null")), None)
    if kind is None:
        kind = "object" if "properties" in schema else "string" if "pattern" in schema else None
    if kind == "object":
        return _object(root, schema, depth, name)
    if kind == "array":
        item = _build(root, schema.get("items", {}), depth + 1, name)
        count = max(schema.get("minItems", 1), 1 if item is not None else 0)
        return [copy.deepcopy(item) for _i in range(count)]
    if kind == "string":
        return _string(schema, name)
    if kind in ("integer", "number"):
        return _number(schema, kind)
    if kind == "boolean":
        return True
    return None if "null" in kinds or not kinds else {}


def _object(root, schema, depth, name):
    required = set(schema.get("required", ()))
    value = {}
    for prop, sub in schema.get("properties", {}).items():
        candidate = _build(root, sub, depth + 1, prop)
        if prop in required or is_valid(root, sub, candidate):
            value[prop] = candidate
    # Whole-object rules (oneOf, dependencies...): drop optional ones, last first.
    for prop in reversed([p for p in value if p not in required]):
        if is_valid(root, schema, value):
            break
        del value[prop]
    return value


def _number(schema, kind):
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    if low is None:
        value = 1
    else:
        value = low + (1 if "exclusiveMinimum" in schema and "minimum" not in schema else 0)
    high = schema.get("maximum")
    if high is not None and value > high:
        value = high
    step = schema.get("multipleOf")
    if step:
        value = step * max(1, -(-value // step))
    return int(value) if kind == "integer" else value


def _string(schema, name):
    minimum, maximum = schema.get("minLength", 0), schema.get("maxLength")
    candidates = []
    if schema.get("format") in _FORMATS:
        candidates.append(_FORMATS[schema["format"]])
    label = name.replace("_", " ") if name else "text"
    if "mail" in name:
        candidates.append("user@example.com")
    if "phone" in name or "mobile" in name:
        candidates.append("+1 555 0100")
    candidates.append(f"Example {label}")
    pattern = schema.get("pattern")
    if pattern:
        candidates += [s for extra in (0, 1, 2, 4, 8) if (s := from_pattern(pattern, extra))]
    for candidate in candidates:
        text = candidate + candidate[-1:] * max(minimum - len(candidate), 0)
        if maximum is not None:
            text = text[:maximum]
        if (not pattern or re.search(pattern, text)) and len(text) >= minimum:
            return text
    return candidates[-1] if candidates else ""


def from_pattern(pattern, extra=0):
    """A short string that ``re.search(pattern, s)`` accepts (each repeat
    ``extra`` times more than its minimum, bounded), or None."""
    try:
        tree = _sre_parse.parse(pattern)
    except Exception:
        return None
    try:
        text = "".join(_emit(tree, extra))
    except _Unsupported:
        return None
    return text if re.search(pattern, text) else None


class _Unsupported(Exception):
    pass


def _emit(items, extra):
    for op, arg in items:
        if op is _sre.LITERAL:
            yield chr(arg)
        elif op is _sre.NOT_LITERAL:
            yield next(c for c in _CANDIDATES if ord(c) != arg)
        elif op is _sre.ANY:
            yield "a"
        elif op is _sre.IN:
            yield _in(arg)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)):
            low, high, sub = arg
            count = low + extra
            if high is not _sre.MAXREPEAT:
                count = min(count, high)
            for _i in range(count):
                yield from _emit(sub, extra)
        elif op is _sre.SUBPATTERN:
            yield from _emit(arg[-1], extra)
        elif op is _sre.BRANCH:
            yield from _emit(arg[1][0], extra)
        elif op is _sre.AT:
            continue
        else:
            raise _Unsupported(op)


def _in(members):
    negate = any(op is _sre.NEGATE for op, _arg in members)
    allowed = set()
    ranges = []
    categories = []
    for op, arg in members:
        if op is _sre.LITERAL:
            allowed.add(chr(arg))
        elif op is _sre.RANGE:
            ranges.append(arg)
        elif op is _sre.CATEGORY:
            categories.append(arg)

    def inside(char):
        code = ord(char)
        if char in allowed or any(low <= code <= high for low, high in ranges):
            return True
        return any(re.fullmatch(_CATEGORY_RE.get(cat, "(?!)"), char) for cat in categories)

    pool = _CANDIDATES + "".join(chr(low) for low, _high in ranges) + "".join(allowed)
    for char in pool:
        if inside(char) != negate:
            return char
    raise _Unsupported("character class")


_CATEGORY_RE = {
    _sre.CATEGORY_DIGIT: r"\d",
    _sre.CATEGORY_NOT_DIGIT: r"\D",
    _sre.CATEGORY_SPACE: r"\s",
    _sre.CATEGORY_NOT_SPACE: r"\S",
    _sre.CATEGORY_WORD: r"\w",
    _sre.CATEGORY_NOT_WORD: r"\W",
}
