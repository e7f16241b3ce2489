"""Model resources: what a request asks for, checked without Odoo.

:class:`ResourceSpec` is what a published resource compiles to, once per
sync in each process: its fields, its operations, its body validators, and
the grammars of its query parameters. The grammars (``order``, ``fields``,
filter values) are regular expressions built from the allowed fields, used
both to check requests and, verbatim, as ``pattern`` in the OpenAPI
document: the document accepts exactly what the server accepts.

Query parameters of a list:

* ``limit`` (1..1000, default the page size), ``offset`` (0..2**31-1);
* ``order``: ``name desc,id`` (allowed fields that can be sorted);
* ``fields``: ``name,email`` (a subset of the readable fields; ``id`` always),
  with related records embedded: ``parent_id(name),child_ids(name,email)``
  (see ``expand``); also on the item path;
* filters ``field=value`` and ``field__op=value`` on readable fields, the
  value coerced to the field's type; ``in``/``not_in`` take a
  comma-separated list; ``field__isnull=true|false`` (every type but
  boolean) keeps the records without (with) a value. ``field=`` (an empty
  value) on a text field matches empty text and null alike (Odoo does not
  tell them apart); on other types it is a 400 pointing to ``__isnull``.

Every mistake is a 400 naming the parameter.
"""

import math
import re
from typing import NamedTuple

from ..request.errors import BadRequest
from .expand import FieldSelection, expansions, selectable_record_schema
from .schema import BodyValidator, body_schema, record_schema
from .values import (
    ID_FIELD,
    ID_TYPES,
    INT_MAX,
    INT_MIN,
    NUMBER_TYPES,
    STRING_TYPES,
    ValueProblem,
    parse_date,
    parse_datetime,
)

OPERATIONS = ("list", "read", "create", "update", "delete")
MAX_LIMIT = 1000
MAX_BATCH = 1000  # records per bulk create, at most
MAX_OFFSET = INT_MAX
RESERVED_PARAMS = ("limit", "offset", "order", "fields")

#: Query operator suffix -> Odoo domain operator.
OPERATORS = {
    "ne": "!=",
    "gt": ">",
    "gte": ">=",
    "lt": "<",
    "lte": "<=",
    "like": "like",
    "ilike": "ilike",
    "in": "in",
    "not_in": "not in",
    "isnull": "=",
}
_COMPARE = ("ne", "gt", "gte", "lt", "lte", "in", "not_in")
_EQUALITY = ("ne", "in", "not_in")


def operators_for(ftype):
    """The operator suffixes a field of type ``ftype`` accepts."""
    if ftype in STRING_TYPES:
        return tuple(OPERATORS)
    if ftype == "boolean":
        return ("ne",)
    if ftype in ("selection", *ID_TYPES):
        return (*_EQUALITY, "isnull")
    return (*_COMPARE, "isnull")  # integer, float, monetary, date, datetime


_INT_RE = r"-?[0-9]+"
_NUMBER_RE = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
_DATE_RE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_DATETIME_RE = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}"
    r"(?:\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _item_regex(meta):
    """The regex of one value of a list filter (``in``), or None for text."""
    ftype = meta["type"]
    if ftype in ("integer", *ID_TYPES) or meta.get("id"):
        return _INT_RE
    if ftype in NUMBER_TYPES:
        return _NUMBER_RE
    if ftype == "date":
        return _DATE_RE
    if ftype == "datetime":
        return _DATETIME_RE
    if ftype == "selection":
        return "|".join(re.escape(key) for key in meta["selection"]) or "(?!)"
    return None


def list_pattern(meta):
    """The pattern of an ``in``/``not_in`` value (None: any text)."""
    item = _item_regex(meta)
    if item is None:
        return None
    return f"^(?:{item})(?:,(?:{item}))*$"


def filter_value_schema(meta, op):
    """The JSON Schema of a filter's query value (for the document; the
    parser enforces the same)."""
    if op in ("in", "not_in"):
        schema = {"type": "string"}
        pattern = list_pattern(meta)
        if pattern:
            schema["pattern"] = pattern
        return schema
    ftype = meta["type"]
    if ftype == "boolean" or op == "isnull":
        return {"type": "boolean"}
    if ftype in ("integer", *ID_TYPES) or meta.get("id"):
        return {"type": "integer", "minimum": INT_MIN, "maximum": INT_MAX}
    if ftype in NUMBER_TYPES:
        return {"type": "number"}
    if ftype == "date":
        return {"type": "string", "format": "date"}
    if ftype == "datetime":
        return {"type": "string", "format": "date-time"}
    if ftype == "selection":
        return {"type": "string", "enum": list(meta["selection"])}
    return {"type": "string"}


def _bad(message):
    return BadRequest(message)


def coerce(meta, op, text):
    """The Odoo value of the query value ``text`` for ``field__op``."""
    name = meta["name"]
    if op == "isnull":
        if text not in ("true", "false"):
            raise _bad(f"Filter {name}__isnull: {text!r} is not true or false.")
        return False  # the operator is '=' (true) or '!=' (false): see filter_term
    if op in ("in", "not_in"):
        pattern = list_pattern(meta)
        if pattern is not None and not re.match(pattern, text):
            raise _bad(
                f"Filter {name}__{op}: {text!r} is not a comma-separated list of "
                f"{_kind(meta)} values."
            )
        items = text.split(",")
        if _item_regex(meta) == _INT_RE:
            # An integer outside PostgreSQL's integer matches no row: left out
            # (any number of digits is valid, as the pattern says).
            values = [int(item) for item in items if len(item) <= 12]
            return [v for v in values if INT_MIN <= v <= INT_MAX]
        return [_coerce_one(meta, op, item) for item in items]
    return _coerce_one(meta, op, text)


def _kind(meta):
    return "integer" if meta.get("id") else meta["type"]


def _coerce_one(meta, op, text):
    name, ftype = meta["name"], meta["type"]
    label = f"Filter {name}" + (f"__{op}" if op else "")
    if ftype == "boolean":
        if text not in ("true", "false"):
            raise _bad(f"{label}: {text!r} is not true or false.")
        return text == "true"
    if text == "" and ftype not in STRING_TYPES and not meta.get("id"):
        raise _bad(
            f"{label}: an empty value matches nothing of type {ftype}: "
            f"use {name}__isnull=true for the records without a value."
        )
    if ftype in ("integer", *ID_TYPES) or meta.get("id"):
        if not re.fullmatch(_INT_RE, text) or len(text) > 20:
            raise _bad(f"{label}: {text!r} is not an integer.")
        value = int(text)
        if op not in ("in", "not_in") and not INT_MIN <= value <= INT_MAX:
            raise _bad(f"{label}: {text} is out of range ({INT_MIN}..{INT_MAX}).")
        return value
    if ftype in NUMBER_TYPES:
        value = float(text) if re.fullmatch(_NUMBER_RE, text) else math.nan
        if not math.isfinite(value):
            raise _bad(f"{label}: {text!r} is not a finite number.")
        return value
    try:
        if ftype == "date":
            return parse_date(text)
        if ftype == "datetime":
            return parse_datetime(text)
    except ValueProblem as exc:
        raise _bad(f"{label}: {exc}.") from exc
    if ftype == "selection" and text not in meta["selection"]:
        raise _bad(f"{label}: {text!r} is not one of {', '.join(meta['selection'])}.")
    return text


def parse_int(name, text, low, high):
    if not re.fullmatch(_INT_RE, text) or len(text) > 20 or not low <= int(text) <= high:
        raise _bad(f"Query parameter {name}: {text!r} is not an integer from {low} to {high}.")
    return int(text)


def field_names(fields):
    """The ORM field names of served ``fields`` (``id`` comes with any record)."""
    return [meta["name"] for meta in fields if meta["name"] != "id"]


class ListQuery(NamedTuple):
    """A list request, checked: ``names`` None is every field; ``nested``
    ``{relation: [related field names]}`` the expanded relations."""

    domain: list
    limit: int
    offset: int
    order: str | None
    names: list | None
    nested: dict


class ResourceSpec:
    """A published resource, compiled: the pure half of the handler."""

    def __init__(self, resource, route):
        self.route = route.rstrip("/") or "/"
        self.item_route = f"{self.route}/<int:id>"
        self.model = resource["model"]
        self.page_size = max(1, min(int(resource.get("page_size") or 50), MAX_LIMIT))
        self.max_batch = max(1, min(int(resource.get("max_batch") or 100), MAX_BATCH))
        self.operations = tuple(op for op in OPERATIONS if op in resource["operations"])
        self.domain = list(resource.get("domain") or [])
        self.fields = [ID_FIELD] + [f for f in resource["fields"] if f["name"] != "id"]
        self.by_name = {meta["name"]: meta for meta in self.fields}
        self.field_names = field_names(self.fields)
        self.writable = {m["name"]: m for m in self.fields if m["writable"]}
        self.fixed = {k: v for k, v in domain_equalities(self.domain).items() if k in self.writable}
        self.defaults = domain_equalities(self.domain)
        self.record_schema = record_schema(self.fields)
        self.create_schema = body_schema(self.fields, create=True, fixed=self.fixed)
        self.update_schema = body_schema(self.fields, create=False, fixed=self.fixed)
        self.create_validator = BodyValidator(self.create_schema, self.fields)
        self.update_validator = BodyValidator(self.update_schema, self.fields)
        sortable = [re.escape(m["name"]) for m in self.fields if m["sortable"]]
        self.expand = expansions(resource, self.by_name)
        self.selection = FieldSelection(self.fields, self.expand)
        self.fields_pattern = self.selection.pattern
        self.selectable_schema = selectable_record_schema(self.fields, self.expand)
        term = f"(?:{'|'.join(sortable)})(?: (?:asc|desc))?"
        self.order_pattern = f"^{term}(?:,{term})*$"
        self.filters = {}  # query parameter -> (meta, op)
        for meta in self.fields:
            if not meta["searchable"]:
                continue
            self.filters[meta["name"]] = (meta, None)
            for op in operators_for(_kind(meta) if meta.get("id") else meta["type"]):
                self.filters[f"{meta['name']}__{op}"] = (meta, op)
        for reserved in RESERVED_PARAMS:
            self.filters.pop(reserved, None)

    def bindings(self):
        """The (route, method) pairs the resource serves."""
        pairs = []
        if "list" in self.operations:
            pairs.append((self.route, "GET"))
        if "create" in self.operations:
            pairs.append((self.route, "POST"))
        if "read" in self.operations:
            pairs.append((self.item_route, "GET"))
        if "update" in self.operations:
            pairs += [(self.item_route, "PUT"), (self.item_route, "PATCH")]
        if "delete" in self.operations:
            pairs.append((self.item_route, "DELETE"))
        return pairs

    # --- list ---------------------------------------------------------------

    def parse_list(self, query):
        """``query``: (name, value) pairs. Returns a :class:`ListQuery`."""
        seen = set()
        limit, offset, order, names, nested = self.page_size, 0, None, None, {}
        domain = []
        for key, value in query:
            if key in seen:
                raise _bad(f"Query parameter {key!r} is given more than once.")
            seen.add(key)
            if key == "limit":
                limit = parse_int("limit", value, 1, MAX_LIMIT)
            elif key == "offset":
                offset = parse_int("offset", value, 0, MAX_OFFSET)
            elif key == "order":
                order = self.parse_order(value)
            elif key == "fields":
                names, nested = self.parse_fields(value)
            elif key in self.filters:
                domain.append(filter_term(*self.filters[key], value))
            else:
                raise _bad(self._unknown_param(key))
        return ListQuery(domain, limit, offset, order, names, nested)

    def parse_item(self, query):
        """The query of an item path: ``fields`` only. Returns the field
        names (None: every field) and ``{relation: [names]}``."""
        names, nested = None, {}
        for key, value in query:
            if key != "fields":
                raise _bad(
                    f"A record of this resource takes no query parameter but fields (got {key!r})."
                )
            if names is not None:
                raise _bad("Query parameter 'fields' is given more than once.")
            names, nested = self.selection.parse(value)
        return names, nested

    def _unknown_param(self, key):
        name, _sep, op = key.rpartition("__")
        if name in self.by_name and op:
            meta = self.by_name[name]
            allowed = operators_for(_kind(meta) if meta.get("id") else meta["type"])
            return (
                f"Unknown operator {op!r} in query parameter {key!r}: {name} accepts "
                f"{', '.join(allowed)}."
            )
        if key in self.by_name:
            return f"Query parameter {key!r}: this field cannot be filtered on."
        return (
            f"Unknown query parameter {key!r}: expected limit, offset, order, fields, "
            "or a filter on a field of this resource (field=value, field__op=value)."
        )

    def parse_order(self, text):
        if not re.fullmatch(self.order_pattern[1:-1], text):
            bad = [
                term for term in text.split(",") if not re.fullmatch(self.order_pattern[1:-1], term)
            ]
            raise _bad(
                f"Query parameter order: cannot sort by {', '.join(map(repr, bad or [text]))}: "
                "expected comma-separated sortable fields, each optionally followed by "
                "' asc' or ' desc'."
            )
        return text

    def parse_fields(self, text):
        """``(names, {relation: [names]})`` of a ``fields`` value."""
        return self.selection.parse(text)

    def selected_fields(self, names):
        if names is None:
            return self.fields
        return [self.by_name[n] for n in names]


def filter_term(meta, op, text):
    """The domain term of the filter ``field__op=text``."""
    value = coerce(meta, op, text)
    if op == "isnull":
        return (meta["name"], "=" if text == "true" else "!=", False)
    return (meta["name"], OPERATORS.get(op, "="), value)


def domain_equalities(domain):
    """``{field: value}`` of the top-level ``=`` terms of a domain that is a
    plain conjunction (no ``|`` or ``!``): what a record must hold to be in
    the domain, applied as create defaults. Other domains give {}."""
    found = {}
    for term in domain:
        if isinstance(term, str):
            if term == "&":
                continue
            return {}
        if isinstance(term, list | tuple) and len(term) == 3:
            field, op, value = term
            scalar = isinstance(value, bool | int | float | str) or value is None
            if op == "=" and isinstance(field, str) and "." not in field and scalar:
                found[field] = value
    return found
