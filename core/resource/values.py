"""Values of model resources: Odoo field values to JSON and back.

A resource (``exec_mode`` ``resource``) publishes an Odoo model from
configuration alone. Its published snapshot describes each allowed field
with a plain dict (:func:`field_meta` keys: ``name``, ``type``, ``string``,
``required``, ``has_default``, ``size``, ``selection``, ``relation``,
``writable``, ``searchable``, ``sortable``), so that everything here, and the
schemas and query parsing built on it, is pure Python, tested without Odoo.

JSON shapes (the contract callers see):

* an empty non-boolean field (Odoo's ``False``) is ``null``;
* many2one reads as ``{"id": 3, "display_name": "..."}`` and is written as
  an id; x2many reads as a list of ids and (many2many) is written as one;
* dates are ``YYYY-MM-DD``; datetimes ISO 8601 in UTC with a ``Z``;
* selection values are their keys.
"""

import datetime
import re

#: Field types a resource can publish. Binary fields are left out on purpose
#: (base64 blobs in lists; attachments have their own API), and so are the
#: types without an obvious JSON shape (reference, properties, json).
READ_TYPES = frozenset(
    {
        "char",
        "text",
        "html",
        "integer",
        "float",
        "monetary",
        "boolean",
        "date",
        "datetime",
        "selection",
        "many2one",
        "one2many",
        "many2many",
    }
)
#: Types a caller may set (one2many would need commands: not offered).
WRITE_TYPES = READ_TYPES - {"one2many"}
STRING_TYPES = frozenset({"char", "text", "html"})
NUMBER_TYPES = frozenset({"float", "monetary"})
ID_TYPES = frozenset({"many2one", "one2many", "many2many"})
#: Fields the ORM maintains itself: readable, never writable.
MAGIC_FIELDS = frozenset({"id", "create_uid", "create_date", "write_uid", "write_date"})

#: PostgreSQL ``integer``: Odoo's integer columns and every id.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1

ID_FIELD = {
    "name": "id",
    "type": "integer",
    "string": "ID",
    "required": False,
    "has_default": True,
    "size": None,
    "selection": None,
    "relation": None,
    "writable": False,
    "searchable": True,
    "sortable": True,
    "id": True,
}

_UTC = datetime.UTC
_DATETIME_RE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def field_meta(name, ftype, **kw):
    """The snapshot dict of one field (the keys every pure module reads)."""
    meta = {
        "name": name,
        "type": ftype,
        "string": kw.get("string") or name,
        "required": bool(kw.get("required")),
        "has_default": bool(kw.get("has_default")),
        "size": kw.get("size") or None,
        "selection": list(kw["selection"]) if kw.get("selection") is not None else None,
        "relation": kw.get("relation") or None,
        "writable": bool(kw.get("writable")),
        "searchable": kw.get("searchable", True),
        "sortable": kw.get("sortable", True),
    }
    return meta


# --- Odoo to JSON ------------------------------------------------------------


def format_datetime(value):
    """A naive UTC datetime (Odoo's) as RFC 3339 with ``Z``."""
    text = value.replace(microsecond=0).isoformat()
    return f"{text}Z"


def to_json(value, ftype):
    """The JSON value of ``value`` as ``Model.read()`` returns it."""
    if ftype == "boolean":
        return bool(value)
    if value is False or value is None:
        return None
    if ftype == "many2one":
        return {"id": value[0], "display_name": value[1] or ""}
    if ftype in ("one2many", "many2many"):
        return list(value)
    if ftype == "datetime":
        return format_datetime(value)
    if ftype == "date":
        return value.isoformat()
    if ftype in NUMBER_TYPES:
        return float(value)
    return value


def record_to_json(row, fields):
    """One ``read()`` row as the JSON object of the resource (``id`` first)."""
    data = {"id": row["id"]}
    for meta in fields:
        name = meta["name"]
        if name != "id":
            data[name] = to_json(row[name], meta["type"])
    return data


# --- JSON to Odoo ------------------------------------------------------------


class ValueProblem(ValueError):
    """A value the schema let through but Odoo cannot take (a date that
    does not exist, ...): the message is for the caller."""


def parse_date(text):
    if not isinstance(text, str) or not _DATE_RE.match(text):
        raise ValueProblem(f"{text!r} is not a date (YYYY-MM-DD)")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueProblem(f"{text!r} is not a valid date") from exc


def parse_datetime(text):
    """An RFC 3339 date-time (with an offset) as a naive UTC datetime, which
    is how Odoo stores datetimes. A leap second is read as second 59."""
    found = _DATETIME_RE.match(text) if isinstance(text, str) else None
    if not found:
        raise ValueProblem(f"{text!r} is not a date-time (e.g. 2026-01-31T12:00:00Z)")
    day, clock, fraction, offset = found.groups()
    if clock.endswith(":60"):
        clock = clock[:-2] + "59"
    offset = "+00:00" if offset in ("Z", "z") else offset
    try:
        value = datetime.datetime.fromisoformat(f"{day}T{clock}{fraction or ''}{offset}")
        return value.astimezone(_UTC).replace(tzinfo=None)
    except (ValueError, OverflowError) as exc:
        raise ValueProblem(f"{text!r} is not a valid date-time") from exc


def from_json(value, meta):
    """The Odoo value to write for the JSON ``value`` of field ``meta``
    (already checked against the body schema: only its type is known)."""
    ftype = meta["type"]
    if ftype == "boolean":
        return bool(value)
    if value is None:
        return False
    if ftype == "date":
        return parse_date(value)
    if ftype == "datetime":
        return parse_datetime(value)
    if ftype == "many2many":
        return [(6, 0, list(dict.fromkeys(value)))]  # Command.set
    if ftype in NUMBER_TYPES:
        return float(value)
    return value


def body_to_vals(payload, fields_by_name):
    """``(vals, errors)``: the values to write, and a violation (in the
    error contract's shape) for each value Odoo could not take."""
    vals, errors = {}, []
    for name, value in payload.items():
        try:
            vals[name] = from_json(value, fields_by_name[name])
        except ValueProblem as exc:
            errors.append(
                {"path": "/" + name.replace("~", "~0"), "message": str(exc), "validator": "format"}
            )
    return vals, errors
