"""Request schemas: compiled once at save time, applied to every request.

An endpoint may carry a schema for its body: JSON Schema (2020-12, written in
JSON or YAML) for JSON, CSV, form and text bodies, XSD for XML bodies. The
administrator's text is compiled here into a validator whose ``validate``
raises :class:`~core.errors.RequestValidationError` listing every violation,
so that a caller can fix a request in one round trip.

Schema texts are written by administrators, but they are still parsed
defensively: the libraries' defaults would let a schema read local files or
the network (JSON Schema ``$ref``, XSD ``xs:include``, DTD entities) or blow
up memory (YAML aliases). A schema that cannot be used raises
:class:`SchemaError`, which the Odoo model turns into a ValidationError at
save time, so a saved schema is a schema that works.
"""

import json
import math
import threading

import referencing
import referencing.exceptions
import yaml
from jsonschema import Draft202012Validator
from jsonschema import exceptions as jsonschema_exceptions
from jsonschema_specifications import REGISTRY as META_SCHEMAS
from lxml import etree
from referencing.jsonschema import DRAFT202012

from .body import (
    canonical_type,
    contains_dtd,
    has_parsed_dtd,
    new_xml_parser,
    split_content_type,
    xml_error_text,
)
from .errors import RequestValidationError
from .yaml_safe import SafeYamlLoader, YamlAliasRefused

try:  # optional accelerator, see JsonSchemaValidator
    import jsonschema_rs
except ImportError:  # pragma: no cover - exercised where it is not installed
    jsonschema_rs = None

XSD_NAMESPACE = "http://www.w3.org/2001/XMLSchema"

#: XSD elements that pull in other schema documents, from a path or a URL.
XSD_EXTERNAL_ELEMENTS = tuple(
    f"{{{XSD_NAMESPACE}}}{name}" for name in ("include", "import", "redefine", "override")
)

# jsonschema's default registry fetches any unknown "$ref" with urlopen(),
# file:// URLs included, and reports the fetched content in its error
# messages. An empty registry resolves only what the schema itself defines,
# plus the bundled meta-schemas (jsonschema always adds those).
_NO_RETRIEVAL = referencing.Registry()


class SchemaError(ValueError):
    """A schema that cannot be used; the message says what is wrong."""


# --- Loading JSON or YAML text ---------------------------------------------


def load_yaml_or_json(text):
    """The schema document in ``text``: JSON if it parses, else YAML.

    The result is an object (dict) or a boolean, the two shapes of a JSON
    Schema, made of JSON values only.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    try:
        value = json.loads(text)
    except RecursionError as exc:
        raise SchemaError("The schema is nested too deeply.") from exc
    except ValueError as json_error:
        value = _load_yaml(text, json_error)
    if not isinstance(value, dict | bool):
        hint = ""
        if isinstance(value, str) and value.lstrip().startswith("<"):
            hint = " (this looks like XML: an XSD applies to application/xml endpoints only)"
        raise SchemaError(
            f"A schema must be an object or a boolean, not {_json_type(value)}{hint}."
        )
    _check_json_values(value)
    return value


def _load_yaml(text, json_error):
    try:
        return yaml.load(text, Loader=SafeYamlLoader)
    except RecursionError as exc:
        raise SchemaError("The schema is nested too deeply.") from exc
    except YamlAliasRefused as exc:
        raise SchemaError(exc.describe()) from exc
    except yaml.YAMLError as exc:
        if text.lstrip().startswith(("{", "[")):  # meant as JSON: say why not
            raise SchemaError(
                f"Invalid JSON: {json_error.msg} at line {json_error.lineno}, "
                f"column {json_error.colno}."
            ) from exc
        mark = getattr(exc, "problem_mark", None)
        if mark is None:
            raise SchemaError(f"Invalid YAML: {exc}") from exc
        problem = exc.problem or "syntax error"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        raise SchemaError(
            f"Invalid YAML: {problem} at line {mark.line + 1}, column {mark.column + 1}."
        ) from exc


def _check_json_values(document):
    """Refuse what JSON cannot represent: YAML's sets, binaries, dates,
    non-string keys, NaN and infinities."""
    stack = [((), document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise SchemaError(f"The key {key!r} {_where(path)} is not a string; quote it.")
                stack.append(((*path, key), item))
        elif isinstance(value, list):
            stack.extend(((*path, i), item) for i, item in enumerate(value))
        elif isinstance(value, float) and not math.isfinite(value):
            raise SchemaError(f"The number {_where(path)} is not finite.")
        elif value is not None and not isinstance(value, str | int | float):
            raise SchemaError(
                f"The value {_where(path)} has no JSON equivalent ({type(value).__name__})."
            )


def _where(path):
    return f"at '{json_pointer(path)}'" if path else "at the root"


def _json_type(value):
    if value is None:
        return "null"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    return "a number" if isinstance(value, int | float) else type(value).__name__


def json_pointer(path):
    """RFC 6901 pointer of a sequence of keys and indexes ("" is the root)."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


# --- JSON Schema -------------------------------------------------------------


class JsonSchemaValidator:
    """A compiled JSON Schema (draft 2020-12, ``format`` asserted).

    Stateless once built, so one instance serves all threads.
    """

    kind = "jsonschema"

    def __init__(self, schema):
        self.schema = schema
        self._validator = Draft202012Validator(
            schema,
            format_checker=Draft202012Validator.FORMAT_CHECKER,
            registry=_NO_RETRIEVAL,
        )
        self._fast = _fast_validator(schema)

    def validate(self, payload):
        """Raise :class:`RequestValidationError` listing every violation.

        Why two libraries: jsonschema (pure Python) costs about 0.2 ms for a
        ten-line order, a third of a whole request here. When jsonschema-rs
        (a compiled 2020-12 validator) is installed, it vouches for valid
        payloads in about a microsecond; anything it doubts is judged by
        jsonschema, which alone decides a rejection and lists the errors.
        """
        if self._fast is not None and _fast_accepts(self._fast, payload):
            return
        try:
            found = [
                (
                    _sort_key(error.absolute_path),
                    {
                        "path": json_pointer(error.absolute_path),
                        "message": error.message,
                        "validator": error.validator,
                    },
                )
                for error in self._validator.iter_errors(payload)
            ]
        except RecursionError:
            found = [((), {"path": "", "message": "nesting too deep", "validator": "depth"})]
        if found:
            found.sort(key=lambda item: (item[0], item[1]["validator"], item[1]["message"]))
            raise_validation_error([error for _key, error in found])


def _fast_validator(schema):
    """jsonschema-rs for ``schema`` with formats asserted, or None.

    References were checked to be local (``check_references``), so it has
    nothing to fetch."""
    if jsonschema_rs is None:
        return None
    try:
        return jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
    except Exception:  # any schema it cannot take: jsonschema only
        return None


def _fast_accepts(fast, payload):
    try:
        return fast.is_valid(payload)
    except (ValueError, TypeError, OverflowError, RecursionError):
        return False  # values it cannot represent: jsonschema judges


def _sort_key(path):
    # Indexes before keys, each in natural order: "/items/2" before "/items/10".
    return tuple((isinstance(part, str), part) for part in path)


def raise_validation_error(errors):
    noun = "error" if len(errors) == 1 else "errors"
    raise RequestValidationError(
        f"Request body does not match the schema ({len(errors)} {noun}).", errors=errors
    )


def compile_json_schema(text):
    """Compile a JSON Schema written in JSON or YAML."""
    schema = load_yaml_or_json(text)
    try:
        Draft202012Validator.check_schema(schema)
    except jsonschema_exceptions.SchemaError as exc:
        raise SchemaError(f"Invalid JSON Schema {_where(exc.path)}: {exc.message}.") from exc
    except RecursionError as exc:
        raise SchemaError("The schema is nested too deeply.") from exc
    check_references(schema)
    return JsonSchemaValidator(schema)


def check_references(schema):
    """Refuse a ``$ref`` or ``$dynamicRef`` the validator could not resolve.

    Without retrieval (see ``_NO_RETRIEVAL``) such a reference would fail
    every request with a server error; found here, it fails the save. Each
    reference is looked up from the subschema it is in, so that nested
    ``$id`` bases count.
    """
    root = DRAFT202012.create_resource(schema)
    stack = [(META_SCHEMAS.resolver_with_root(root), root)]
    while stack:
        resolver, resource = stack.pop()
        contents = resource.contents
        if isinstance(contents, dict):
            for keyword in ("$ref", "$dynamicRef"):
                ref = contents.get(keyword)
                if isinstance(ref, str):
                    try:
                        resolver.lookup(ref)
                    except referencing.exceptions.Unresolvable as exc:
                        raise SchemaError(_unresolvable(keyword, ref, exc)) from exc
        stack.extend((resolver.in_subresource(sub), sub) for sub in resource.subresources())


def _unresolvable(keyword, ref, exc):
    if isinstance(exc, _MISSING_PART):
        return f"Cannot resolve {keyword} {ref!r}: the schema has no such part."
    return (
        f"Cannot resolve {keyword} {ref!r}: a schema may only refer to its own parts "
        "(and to the standard meta-schemas), never to files or URLs."
    )


_MISSING_PART = (
    referencing.exceptions.PointerToNowhere,
    referencing.exceptions.NoSuchAnchor,
    referencing.exceptions.InvalidAnchor,
)


# --- XSD ---------------------------------------------------------------------


class XsdValidator:
    """A compiled XML Schema, applied to the root element of a parsed body.

    lxml's ``XMLSchema`` keeps one ``error_log`` per schema and resets it on
    every ``validate()``; libxml2 also validates without the GIL. Two
    threads validating at once would mix their errors, so ``validate``
    holds this validator's lock while validating and copying the log.
    """

    kind = "xsd"

    def __init__(self, schema, source):
        self.source = source
        self._schema = schema
        self._lock = threading.Lock()

    def validate(self, element):
        """Raise :class:`RequestValidationError` listing every violation
        (``element`` None: the document is missing)."""
        if element is None:
            raise_validation_error(
                [
                    {
                        "path": "/",
                        "line": None,
                        "message": "An XML document is required.",
                        "validator": "xsd",
                    }
                ]
            )
        with self._lock:
            if self._schema.validate(element):
                return
            errors = [
                {
                    "path": entry.path,
                    "line": entry.line,
                    "message": entry.message,
                    "validator": "xsd",
                }
                for entry in self._schema.error_log
            ]
        raise_validation_error(errors)


def compile_xsd(text):
    """Compile an XSD with DTDs and external schema documents refused."""
    if isinstance(text, str):
        # Already decoded: libxml2 must not re-decode per the declaration.
        data, parser = text.encode("utf-8"), new_xml_parser(encoding="utf-8")
    else:
        data, parser = text, new_xml_parser()
    if contains_dtd(data):
        raise SchemaError("DTDs are not allowed in XSD schemas.")
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise SchemaError(f"Invalid XSD: {xml_error_text(exc)}.") from exc
    if has_parsed_dtd(root):
        raise SchemaError("DTDs are not allowed in XSD schemas.")
    for element in root.iter(*XSD_EXTERNAL_ELEMENTS):
        raise SchemaError(
            f"XSD includes/imports are not allowed (xs:{etree.QName(element).localname} "
            f"at line {element.sourceline}): they could read local files or the network."
        )
    try:
        schema = etree.XMLSchema(root)
    except etree.XMLSchemaParseError as exc:
        entry = exc.error_log[0] if exc.error_log else None
        if entry is None:
            raise SchemaError(f"Invalid XSD: {exc}.") from exc
        where = f" (line {entry.line})" if entry.line else ""
        raise SchemaError(f"Invalid XSD: {entry.message}{where}") from exc
    return XsdValidator(schema, text)


# --- Entry points ------------------------------------------------------------


def compile_schema(text, content_type):
    """The validator of an endpoint's schema text, or None when blank.

    XML endpoints take an XSD; every other content type a JSON Schema.
    """
    if not text or not text.strip():
        return None
    mimetype, _params = split_content_type(content_type)
    if canonical_type(mimetype) == "application/xml":
        return compile_xsd(text)
    return compile_json_schema(text)


def check_schema(text, content_type):
    """Raise :class:`SchemaError` unless ``text`` compiles (save-time check)."""
    compile_schema(text, content_type)
