"""Request bodies: Content-Type checks, size limits and parsing.

An endpoint's snippet receives its body already parsed, as plain Python data
(dicts, lists, strings): never a parser object. Everything a caller controls
is bounded here, before the snippet or the schema sees it: the size
(:func:`read_limited`), the JSON nesting depth (:data:`MAX_DEPTH`), the number
of form fields, and, for XML, every DTD feature (entity expansion, external
entities, network access), which is the root of billion laughs and XXE.

Pure Python (werkzeug's header parser and lxml only), so the rules are
unit-tested without Odoo; every failure is one of the errors of
``core/request/errors.py`` and reaches the caller as a 400, 413 or 415.
"""

import codecs
import csv
import io
import json
import operator
import re
import urllib.parse
from itertools import accumulate, count

from lxml import etree
from werkzeug.http import parse_options_header

from .errors import MalformedBody, PayloadTooLarge, UnsupportedMediaType
from .json_numbers import NonFiniteNumber, finite_float, non_finite_message, reject_constant

DEFAULT_MAX_BODY_SIZE = 1024 * 1024
#: Methods whose requests carry a body, so a declared content type is required.
BODY_METHODS = ("POST", "PUT", "PATCH")

#: Deepest JSON nesting a body may have. The schema validator recurses about
#: four Python frames per level, so this keeps validation well inside
#: Python's recursion limit even under Odoo's own deep call stack.
MAX_DEPTH = 100

#: Most fields a form body may have (each becomes a dict entry).
MAX_FORM_FIELDS = 1000

#: Content types a body may have; ``text/xml`` is accepted as ``application/xml``.
SUPPORTED_TYPES = (
    "application/json",
    "application/x-www-form-urlencoded",
    "application/xml",
    "text/csv",
    "text/plain",
)
_ALIASES = {"text/xml": "application/xml"}

#: The hardened libxml2 settings every XML document goes through: no DTD
#: loading or validation, no entity substitution, no network, the default
#: depth and text-size limits (``huge_tree=False``: 256 levels, 10 MB per text
#: node), and no comments or processing instructions in the tree.
XML_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}

# Matched in the raw bytes, before libxml2 sees them. Case-insensitive,
# although XML itself is not, so that no spelling gets a chance to be parsed.
# It also fires on the text inside a CDATA section or a comment: a false
# positive we accept, as no legitimate API body needs those words there.
_DTD_RE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DTD_MESSAGE = "DTDs are not allowed in XML bodies."

# lxml appends the position to its messages; we put it in our own format.
_LXML_POSITION_RE = re.compile(r",? line \d+, column \d+$")


def split_content_type(header):
    """Return ``(mimetype, params)`` of a Content-Type header.

    The mimetype is lower-cased; a missing or empty header gives
    ``("", {})``.
    """
    if not header:
        return "", {}
    mimetype, params = parse_options_header(header)
    return mimetype.strip().lower(), params


def canonical_type(mimetype):
    """``mimetype`` lower-cased, with aliases (``text/xml``) resolved."""
    mimetype = (mimetype or "").strip().lower()
    return _ALIASES.get(mimetype, mimetype)


def check_content_type(header, expected):
    """Raise :class:`UnsupportedMediaType` unless ``header`` is ``expected``.

    Parameters (``; charset=utf-8``) are accepted and ``text/xml`` counts as
    ``application/xml``; nothing else is lenient (``application/problem+json``
    is not JSON here). A falsy ``expected`` disables the check. Returns
    ``(mimetype, params)`` of the header for the caller's convenience.
    """
    mimetype, params = split_content_type(header)
    if expected and canonical_type(mimetype) != canonical_type(expected):
        received = f"'{mimetype}'" if mimetype else "none"
        raise UnsupportedMediaType(f"Expected Content-Type '{expected}', got {received}.")
    return mimetype, params


def read_limited(stream, content_length, limit=DEFAULT_MAX_BODY_SIZE):
    """Read a request body of at most ``limit`` bytes from ``stream``.

    A declared ``content_length`` above the limit is refused before reading
    anything. The declaration is not trusted otherwise: chunked bodies have
    none, so at most ``limit + 1`` bytes are read and one byte too many is a
    413 as well. ``stream`` should be werkzeug's request stream, which already
    stops at the declared length.
    """
    if content_length is not None and content_length > limit:
        raise PayloadTooLarge(_too_large(limit))
    chunks = []
    remaining = limit + 1
    # A stream may return fewer bytes than asked before its end (sockets do),
    # so read until it is exhausted or has given one byte too many.
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    if remaining <= 0:
        raise PayloadTooLarge(_too_large(limit))
    return b"".join(chunks)


def _too_large(limit):
    return f"Request body exceeds the limit of {limit} bytes."


def parse_body(data, mimetype, charset=None):
    """The payload a snippet receives for a body of type ``mimetype``.

    An empty body is None whatever the type. ``charset`` (from the
    Content-Type parameters) defaults to UTF-8; XML ignores it, as an XML
    document declares its own encoding. Raises :class:`MalformedBody` when
    the body does not parse and :class:`UnsupportedMediaType` for a type or a
    charset this module does not handle.
    """
    if not data:
        return None
    mimetype = canonical_type(mimetype)
    if mimetype == "application/xml":
        return xml_to_dict(parse_xml(data))
    parser = _PARSERS.get(mimetype)
    if parser is None:
        received = f"'{mimetype}'" if mimetype else "none"
        raise UnsupportedMediaType(
            f"Unsupported Content-Type {received}; supported types are "
            f"{', '.join(SUPPORTED_TYPES)} (or text/xml)."
        )
    return parser(data, charset)


#: U+0000 is refused in every text a caller sends (decoded body, JSON
#: escape, form field, URL): PostgreSQL text cannot hold it, so it would fail
#: in the snippet's first query, as a 500, although it is the caller's data.
NUL_MESSAGE = "The NUL character (U+0000) is not allowed{where}: it cannot be stored."
# A JSON \u0000 escape: preceded by an even number of backslashes (0, 2, ...).
_JSON_NUL_RE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


def _nul(where=" in the body"):
    return MalformedBody(NUL_MESSAGE.format(where=where))


def decode(data, charset=None):
    """``data`` decoded strictly with ``charset`` (default UTF-8)."""
    codec = (charset or "utf-8").strip().lower()
    try:
        text = data.decode(codec)
    except LookupError as exc:  # unknown codec, or a bytes-to-bytes one (base64)
        raise UnsupportedMediaType(f"Unsupported charset '{charset}'.") from exc
    except UnicodeDecodeError as exc:
        raise MalformedBody(
            f"Body is not valid {codec}: {exc.reason} at byte offset {exc.start}."
        ) from exc
    if "\x00" in text:
        raise _nul()
    return text


# --- JSON ------------------------------------------------------------------


def parse_json(data, charset=None):
    """Parse a JSON body; see :data:`MAX_DEPTH` for the nesting limit and
    ``json_numbers`` for why numbers must be finite."""
    text = decode(data, charset)
    raw = data if codecs.lookup((charset or "utf-8").strip()).name == "utf-8" else text.encode()
    if _JSON_NUL_RE.search(text):
        raise _nul()
    if json_too_deep(raw, MAX_DEPTH):
        raise MalformedBody(f"Malformed JSON: nesting too deep (more than {MAX_DEPTH} levels).")
    try:
        return json.loads(text, parse_float=finite_float, parse_constant=reject_constant)
    except json.JSONDecodeError as exc:
        raise MalformedBody(
            f"Malformed JSON: {exc.msg} at line {exc.lineno}, column {exc.colno} (char {exc.pos})."
        ) from exc
    except NonFiniteNumber as exc:
        raise MalformedBody(f"Malformed JSON: {non_finite_message(text, exc.token)}.") from exc
    except RecursionError as exc:  # only if MAX_DEPTH were raised too high
        raise MalformedBody("Malformed JSON: nesting too deep.") from exc
    except ValueError as exc:  # integers over 4300 digits
        raise MalformedBody(f"Malformed JSON: {exc}.") from exc


_BRACKETS = b"[]{}"
_NOT_BRACKETS = bytes(b for b in range(256) if b not in _BRACKETS)
# Openers become 2 and closers 0, so that "value - 1" is the depth step.
_DEPTH_STEPS = bytes.maketrans(_BRACKETS, b"\x02\x00\x02\x00")


def json_too_deep(raw, limit=MAX_DEPTH):
    """Whether brackets nest deeper than ``limit`` in the UTF-8 JSON ``raw``.

    Brackets inside strings do not count. Checked before parsing, so that a
    hostile body never reaches the recursive decoder nor builds a large tree;
    an iterative walk after parsing would be both later and slower (it is a
    Python loop per container). Only C-speed primitives here: about 15 ms for
    1 MiB of typical records (json.loads itself takes about as long), about
    50 ms for 1 MiB of brackets, microseconds for a body with fewer openers
    than the limit. Exact for valid JSON; for invalid JSON the answer may be
    off, and the body is refused either way.
    """
    # Cheap exit for most bodies: fewer openers than the limit, counting those
    # inside strings too, cannot nest deeper than the limit.
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    # Drop escaped backslashes, then escaped quotes; every quote left is then
    # a string delimiter and every other piece of a split on them is outside
    # any string. (Backslashes pair from the left in JSON as in replace().)
    if b"\\" in raw:
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside = b"".join(raw.split(b'"')[::2])
    steps = outside.translate(_DEPTH_STEPS, _NOT_BRACKETS)
    # Running sum of (step - 1) = depth after each bracket; all in C.
    return max(map(operator.sub, accumulate(steps), count(1)), default=0) > limit


# --- XML -------------------------------------------------------------------


def new_xml_parser(**overrides):
    """A new lxml parser with :data:`XML_PARSER_OPTIONS` (plus ``overrides``).

    Built per call on purpose: lxml parsers are safe to share between
    threads, but each holds a lock for the whole parse and libxml2 parses
    without the GIL, so one module-level parser would serialise the XML
    requests of all of Odoo's worker threads. Building one costs about a
    microsecond.
    """
    return etree.XMLParser(**{**XML_PARSER_OPTIONS, **overrides})


def contains_dtd(data):
    """Whether ``data`` (bytes or str) has a ``<!DOCTYPE`` or ``<!ENTITY``."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return _DTD_RE.search(data) is not None


def has_parsed_dtd(root):
    """Whether the document of ``root`` came with a DOCTYPE.

    The byte check of :func:`contains_dtd` cannot see a DOCTYPE spelled in an
    encoding that is not ASCII-compatible (UTF-16, UTF-7 as ``+ADwAIQ-``...),
    which libxml2 still honours; the parsed document tells the truth.
    Entities were not substituted during that parse, so nothing was expanded
    or fetched before this check refuses the document.
    """
    docinfo = root.getroottree().docinfo
    return bool(docinfo.doctype) or docinfo.internalDTD is not None


def parse_xml(data):
    """Parse an XML body with DTDs refused; return the root element."""
    if contains_dtd(data):
        raise MalformedBody(_DTD_MESSAGE)
    try:
        root = etree.fromstring(data, new_xml_parser())
    except etree.XMLSyntaxError as exc:
        raise MalformedBody(f"Malformed XML: {xml_error_text(exc)}.") from exc
    if has_parsed_dtd(root):
        raise MalformedBody(_DTD_MESSAGE)
    return root


def xml_error_text(exc):
    """``"message (line L, column C)"`` of an lxml XMLSyntaxError."""
    message = _LXML_POSITION_RE.sub("", exc.msg or str(exc))
    line, column = exc.position
    return f"{message} (line {line}, column {column})"


def xml_to_dict(element):
    """A JSON-friendly copy of ``element`` and its descendants.

    ``{"tag", "attrib", "text", "children"}`` per element; tags and attribute
    names are lxml's: the local name, or ``{namespace-uri}local`` when
    namespaced. Snippets get this copy, never lxml objects (whose ``write()``
    and ``getroottree()`` reach the filesystem and the whole document). Text
    after a child element (its ``tail``, in mixed content) is not kept.
    Recursive: libxml2 already refused anything deeper than 256 levels.
    """
    return {
        "tag": element.tag,
        "attrib": dict(element.attrib),
        "text": (element.text or "").strip() or None,
        "children": [xml_to_dict(child) for child in element if isinstance(child.tag, str)],
    }


# --- CSV, forms, text ------------------------------------------------------


def parse_csv(data, charset=None):
    """A CSV body as a list of dicts keyed by the header row.

    A row shorter than the header gets None for the missing columns; a longer
    one is refused, as are an empty header, an empty column name and a
    repeated one (each would silently lose data). A leading BOM (Excel's
    "CSV UTF-8") is dropped.
    """
    text = decode(data, charset).removeprefix("\ufeff")
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        _check_csv_header(reader.fieldnames)
        rows = []
        for row in reader:
            if None in row:
                raise MalformedBody(
                    f"Malformed CSV: line {reader.line_num} has "
                    f"{len(reader.fieldnames) + len(row[None])} fields, but the header has "
                    f"{len(reader.fieldnames)}."
                )
            rows.append(row)
    except csv.Error as exc:
        # DictReader.line_num is only updated after a good row: ask its reader.
        raise MalformedBody(f"Malformed CSV at line {reader.reader.line_num}: {exc}.") from exc
    return rows


def _check_csv_header(fieldnames):
    if not fieldnames or not any(name.strip() for name in fieldnames):
        raise MalformedBody("Malformed CSV: the header row is empty.")
    seen = set()
    for position, name in enumerate(fieldnames, 1):
        if not name.strip():
            raise MalformedBody(f"Malformed CSV: column {position} of the header has no name.")
        if name in seen:
            raise MalformedBody(f"Malformed CSV: the header repeats the column {name!r}.")
        seen.add(name)


def _parse_qsl(text, charset, max_num_fields=None):
    # errors="strict": the default, "replace", would hide bad %-escapes
    options = {"keep_blank_values": True, "strict_parsing": True, "errors": "strict"}
    return urllib.parse.parse_qsl(
        text, max_num_fields=max_num_fields, encoding=charset or "utf-8", **options
    )


def _form_position(text, charset):
    """`` (field N, at character C)``: the first field the parser refuses
    (an empty one too); empty when none is (too many fields)."""
    offset = 0
    for number, field in enumerate(text.split("&"), 1):
        try:
            _parse_qsl(field or "&", charset)  # "&": empty fields, refused
        except ValueError:
            return f" (field {number}, at character {offset})"
        offset += len(field) + 1
    return ""


def parse_form(data, charset=None):
    """A form body as a dict; a repeated key gives the list of its values."""
    text = decode(data, charset)
    try:
        pairs = _parse_qsl(text, charset, MAX_FORM_FIELDS)
    except ValueError as exc:  # UnicodeDecodeError included
        where = _form_position(text, charset)
        raise MalformedBody(f"Malformed form body: {exc}{where}.") from exc
    form = {}
    for key, value in pairs:
        if "\x00" in key or "\x00" in value:
            raise _nul()
        if key not in form:
            form[key] = value
        elif isinstance(form[key], list):
            form[key].append(value)
        else:
            form[key] = [form[key], value]
    return form


def parse_text(data, charset=None):
    return decode(data, charset)


_PARSERS = {
    "application/json": parse_json,
    "application/x-www-form-urlencoded": parse_form,
    "text/csv": parse_csv,
    "text/plain": parse_text,
}
