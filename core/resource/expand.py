"""Related records of a model resource: the ``fields`` grammar with embedded
relations, and the nested JSON Schemas. Pure Python.

The endpoint's ``resource_expand`` setting names, for some relational fields
among the readable ones, the fields of the related model callers may read
through them: ``parent_id(name, email), child_ids(name, email, phone)``
(spaces allowed). Callers then select with the ``fields`` query parameter::

    fields=name,parent_id(name),child_ids(name,email)

(no spaces): a many2one becomes a nested object (or ``null``), a one2many
or many2many a nested list of objects, each with its ``id`` and the
selected fields. A relation given without parentheses stays as it is
without expansion (``{"id", "display_name"}`` or a list of ids).
"""

import re

from ..request.errors import BadRequest
from .schema import read_schema
from .values import ID_FIELD, ID_TYPES

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_TERM_RE = re.compile(rf"({_NAME})(?:\(([^()]*)\))?")


class ExpandSyntaxError(ValueError):
    """A ``fields`` value or a ``resource_expand`` setting that does not
    follow the grammar: the message says where."""


def split_terms(text):
    """``[(name, [sub, ...] or None)]`` of ``a,b(c,d),e``; raises
    :class:`ExpandSyntaxError`."""
    terms, pos = [], 0
    while True:
        found = _TERM_RE.match(text, pos)
        if not found:
            raise ExpandSyntaxError(f"expected a field name at character {pos + 1} of {text!r}")
        subs = None
        if found[2] is not None:
            subs = found[2].split(",")
            bad = [s for s in subs if not re.fullmatch(_NAME, s)]
            if bad:
                raise ExpandSyntaxError(
                    f"expected field names, comma-separated, inside {found[1]}(...), "
                    f"got {found[2]!r}"
                )
        terms.append((found[1], subs))
        pos = found.end()
        if pos == len(text):
            return terms
        if text[pos] != ",":
            raise ExpandSyntaxError(f"expected ',' at character {pos + 1} of {text!r}")
        pos += 1


def parse_setting(text):
    """``{relation: [field, ...]}`` of a ``resource_expand`` setting
    (whitespace ignored; empty: no expansion)."""
    text = re.sub(r"\s+", "", text or "")
    if not text:
        return {}
    found = {}
    for name, subs in split_terms(text):
        if subs is None:
            raise ExpandSyntaxError(
                f"{name}: name the related fields callers may read, e.g. {name}(name, email)"
            )
        if name in found:
            raise ExpandSyntaxError(f"{name} is given twice")
        found[name] = list(dict.fromkeys(subs))
    return found


def expansions(resource, by_name):
    """``{relation: [meta of each related field]}`` of a snapshot (``expand``:
    ``[{"name", "fields"}]``) whose relations are readable relational fields."""
    found = {}
    for entry in resource.get("expand") or ():
        meta = by_name.get(entry["name"])
        if meta is not None and meta["type"] in ID_TYPES:
            found[entry["name"]] = [f for f in entry["fields"] if f["name"] != "id"]
    return found


class FieldSelection:
    """The ``fields`` grammar of one resource: its pattern (for the OpenAPI
    document, the same the parser accepts) and the parser."""

    def __init__(self, fields, expand):
        self.by_name = {meta["name"]: meta for meta in fields}
        self.expand = expand
        names = "|".join(re.escape(m["name"]) for m in fields)
        terms = [names]
        for rel, subs in expand.items():
            sub = "|".join(re.escape(s) for s in ["id", *(m["name"] for m in subs)])
            terms.append(rf"{re.escape(rel)}\((?:{sub})(?:,(?:{sub}))*\)")
        term = f"(?:{'|'.join(terms)})"
        self.pattern = f"^{term}(?:,{term})*$"

    def parse(self, text):
        """``(names, {relation: [sub names]})``; ``names`` starts with ``id``
        and includes the expanded relations."""
        try:
            terms = split_terms(text)
        except ExpandSyntaxError as exc:
            raise BadRequest(f"Query parameter fields: {exc}.") from exc
        names, nested = {"id": None}, {}
        unknown = [name for name, _subs in terms if name not in self.by_name]
        if unknown:
            raise BadRequest(
                f"Query parameter fields: unknown or unpublished field(s) "
                f"{', '.join(map(repr, unknown))}."
            )
        for name, subs in terms:
            if name in names and (subs is not None or name in nested):
                raise BadRequest(f"Query parameter fields: {name} is given more than once.")
            names[name] = None
            if subs is None:
                continue
            allowed = self.expand.get(name)
            if allowed is None:
                raise BadRequest(
                    f"Query parameter fields: {name} cannot be expanded on this resource"
                    + (
                        f" (expandable: {', '.join(self.expand)})."
                        if self.expand
                        else " (it expands no relation)."
                    )
                )
            allowed_names = {"id", *(m["name"] for m in allowed)}
            bad = [s for s in subs if s not in allowed_names]
            if bad:
                raise BadRequest(
                    f"Query parameter fields: {name}(...) offers "
                    f"{', '.join(m['name'] for m in allowed)}, not {', '.join(map(repr, bad))}."
                )
            nested[name] = list(dict.fromkeys(["id", *subs]))
        return list(names), nested


def sub_metas(expand, relation, names):
    """The metas of the related fields ``names`` (``id`` first)."""
    by_name = {m["name"]: m for m in expand[relation]}
    return [ID_FIELD] + [by_name[n] for n in names if n != "id"]


def nested_schema(meta, subs):
    """The schema of an expanded relation holding the related ``subs``."""
    properties = {"id": {"type": "integer", "minimum": 1}}
    properties.update({m["name"]: read_schema(m) for m in subs if m["name"] != "id"})
    item = {
        "type": "object",
        "required": ["id"],
        "properties": properties,
        "additionalProperties": False,
    }
    if meta["type"] == "many2one":
        return dict(item, type=["object", "null"])
    return {"type": "array", "items": item}


def selectable_record_schema(fields, expand):
    """The schema of a record read with ``fields``: only ``id`` always
    there; an expandable relation is either its plain or its nested form."""
    properties = {}
    for meta in fields:
        schema = read_schema(meta)
        if meta["name"] in expand:
            schema = {"anyOf": [schema, nested_schema(meta, expand[meta["name"]])]}
        properties[meta["name"]] = schema
    return {
        "type": "object",
        "required": ["id"],
        "properties": properties,
        "additionalProperties": False,
    }
