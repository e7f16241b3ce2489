"""OpenAPI operations of a model resource (``exec_mode`` ``resource``).

One published resource is up to six operations on two paths. Everything is
derived from the snapshot's field descriptions through the same
:class:`~core.resource_query.ResourceSpec` the server runs: the body
schemas are the validators' own, and the ``order``, ``fields`` and filter
patterns are the regular expressions the parser matches, so the document
accepts exactly what the server accepts.

Pure Python, no Odoo import.
"""

import re

from ..request import idempotency
from ..resource.cursor import MAX_TEXT as MAX_CURSOR
from ..resource.query import MAX_LIMIT, MAX_OFFSET, ResourceSpec, filter_value_schema
from ..resource.values import STRING_TYPES
from .components import security
from .operations import idempotency_key_parameter
from .schemas import forbid_nul, path_parameter

_SLUG_RE = re.compile(r"[^A-Za-z0-9]+")

ETAG_HEADER = {
    "description": "A strong validator of the record's representation: send it back in "
    "If-None-Match (GET: 304 when unchanged) or If-Match (PUT, PATCH, DELETE: 412 when "
    "the record changed since).",
    "schema": {"type": "string"},
}
LINK_HEADER = {
    "description": 'RFC 8288 links to the next and previous pages (rel="next", '
    'rel="prev"); absent when everything fits in one page.',
    "schema": {"type": "string"},
}
LOCATION_HEADER = {"description": "The path of the created record.", "schema": {"type": "string"}}


def _header_param(name, description):
    return {
        "name": name,
        "in": "header",
        "required": False,
        "description": description,
        "schema": {"type": "string"},
    }


def _query(name, schema, description):
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


IF_NONE_MATCH = _header_param(
    "If-None-Match", "ETags of copies the caller holds: 304 (no body) if one is current."
)
IF_MATCH = _header_param(
    "If-Match",
    "The ETag the caller read: the change is refused with 412 if the record changed since "
    "(lost-update protection).",
)


PREFER_WRITE = _header_param(
    "Prefer",
    "RFC 7240 preferences: return=minimal answers 201 (create) or 204 (update) without a "
    "body, with Location and ETag; Preference-Applied says so. Others are ignored.",
)
PREFER_LIST = _header_param(
    "Prefer",
    "RFC 7240 preferences: count=none skips counting the records (meta.total is then "
    "absent; the Link header stays right). Others are ignored.",
)


def resource_operations(builder, config):
    """``[(route, method, operation)]`` of a resource's published operations;
    ``builder`` is the document's :class:`OperationBuilder`."""
    spec = ResourceSpec(config["resource"], config["route"])
    slug = _SLUG_RE.sub("_", spec.route).strip("_").lower() or f"resource_{config['id']}"
    record = builder.component(f"{slug}_record", spec.record_schema)
    single = {
        "type": "object",
        "required": ["status", "data"],
        "properties": {"status": {"const": "success"}, "data": record},
        "additionalProperties": False,
    }
    name = config.get("summary") or config["name"]
    # ``fields`` selects some (only ``id`` is always there) and expands relations
    partial = builder.component(f"{slug}_record_fields", spec.selectable_schema)
    selected = {
        "type": "object",
        "required": ["status", "data"],
        "properties": {"status": {"const": "success"}, "data": partial},
        "additionalProperties": False,
    }
    ops = []
    if "list" in spec.operations:
        ops.append((spec.route, "GET", f"List {name}", _list(builder, spec, partial)))
    if "create" in spec.operations:
        one = builder.component(f"{slug}_create", spec.create_schema, request=True)
        body = {
            "oneOf": [
                one,
                {"type": "array", "minItems": 1, "maxItems": spec.max_batch, "items": one},
            ]
        }
        many = {
            "type": "object",
            "required": ["status", "data"],
            "properties": {
                "status": {"const": "success"},
                "data": {"type": "array", "items": record},
            },
            "additionalProperties": False,
        }
        responses = {
            "201": {
                "description": "Created. An object body creates one record (Location and ETag "
                "are its own); an array body (at most "
                f"{spec.max_batch} items) creates every record in one transaction or none, "
                "and a 400 lists each invalid item by its index (/2/email). With "
                "Prefer: return=minimal, no body.",
                "headers": {"Location": LOCATION_HEADER, "ETag": ETAG_HEADER},
                "content": {"application/json": {"schema": {"oneOf": [single, many]}}},
            }
        }
        params = [PREFER_WRITE]
        ops.append((spec.route, "POST", f"Create {name}", (params, body, responses)))
    if "read" in spec.operations:
        responses = {
            "200": {
                "description": "The record.",
                "headers": {"ETag": ETAG_HEADER},
                "content": {"application/json": {"schema": selected}},
            },
            "304": {
                "description": "Not modified: the If-None-Match ETag is current.",
                "headers": {"ETag": ETAG_HEADER},
            },
        }
        params = [IF_NONE_MATCH, _fields_param(spec)]
        ops.append((spec.item_route, "GET", f"Read {name}", (params, None, responses)))
    if "update" in spec.operations:
        body = builder.component(f"{slug}_update", spec.update_schema, request=True)
        for method in ("PUT", "PATCH"):
            responses = {
                "200": {
                    "description": "The updated record (only the fields the body gives change).",
                    "headers": {"ETag": ETAG_HEADER},
                    "content": {"application/json": {"schema": single}},
                },
                "204": {
                    "description": "Updated (Prefer: return=minimal): no body.",
                    "headers": {"ETag": ETAG_HEADER},
                },
            }
            params = [IF_MATCH, PREFER_WRITE]
            ops.append((spec.item_route, method, f"Update {name}", (params, body, responses)))
    if "delete" in spec.operations:
        responses = {"204": {"description": "Deleted."}}
        ops.append((spec.item_route, "DELETE", f"Delete {name}", ([IF_MATCH], None, responses)))
    return [
        (
            route,
            method,
            lambda op_id, placeholders, o=op, s=summary, m=method, r=route: _operation(
                builder, config, op_id, placeholders, r, m, s, *o
            ),
        )
        for route, method, summary, op in ops
    ]


def _list(builder, spec, record):
    parameters = [
        _query(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            f"Page size (default {spec.page_size}).",
        ),
        _query(
            "offset", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}, "Records to skip."
        ),
        _query(
            "order",
            {"type": "string", "pattern": spec.order_pattern},
            "Sort keys, comma-separated, each optionally followed by ' asc' or ' desc', "
            "e.g. 'name desc,id'.",
        ),
        _fields_param(spec),
        PREFER_LIST,
        AFTER,
    ]
    for key, (meta, op) in spec.filters.items():
        schema = filter_value_schema(meta, op)
        if schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
            forbid_nul(schema)
        what = "equal to" if op is None else f"'{op}'"
        if op in ("in", "not_in"):
            what += " (a comma-separated list)"
        text = f"Filter: {meta['name']} {what} the value."
        if op == "isnull":
            text = f"Filter: true keeps the records without a {meta['name']}, false those with one."
        elif op is None and meta["type"] in STRING_TYPES:
            text += " An empty value matches empty text and null alike."
        parameters.append(_query(key, schema, text))
    page = {
        "type": "object",
        "required": ["status", "data", "meta"],
        "properties": {
            "status": {"const": "success"},
            "data": {"type": "array", "items": record},
            "meta": {
                "type": "object",
                "required": ["limit", "offset"],
                "properties": {
                    "total": {"type": "integer", "minimum": 0},
                    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                    "offset": {"type": "integer", "minimum": 0},
                },
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    }
    responses = {
        "200": {
            "description": "A page of records; with after, a page of the offline sync "
            "(records changed since the cursor, the ids of those gone, the next cursor).",
            "headers": {"Link": LINK_HEADER},
            "content": {"application/json": {"schema": {"oneOf": [page, _sync_page(record)]}}},
        }
    }
    return parameters, None, responses


AFTER = _query(
    "after",
    {
        "type": "string",
        "maxLength": MAX_CURSOR,
        "pattern": r"^(?:[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)?$",
    },
    "Offline sync: empty for a first full read, then the meta.cursor of the previous answer. "
    "The answer lists every record of the resource changed since that cursor once (by id, "
    "limit per page; meta.more: more pages of this batch), and in deleted the ids of those "
    "deleted or no longer in the resource. Only limit and fields combine with it. 410: the "
    "cursor is older than the changes kept (start over).",
)


def _sync_page(record):
    return {
        "type": "object",
        "required": ["status", "data", "deleted", "meta"],
        "properties": {
            "status": {"const": "success"},
            "data": {"type": "array", "items": record},
            "deleted": {"type": "array", "items": {"type": "integer", "minimum": 1}},
            "meta": {
                "type": "object",
                "required": ["limit", "more", "cursor"],
                "properties": {
                    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                    "more": {"type": "boolean"},
                    "cursor": {"type": "string", "pattern": AFTER["schema"]["pattern"]},
                },
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    }


def _fields_param(spec):
    text = "The fields to return, comma-separated (id always is)."
    if spec.expand:
        offers = "; ".join(
            f"{rel}({', '.join(['id', *(m['name'] for m in subs)])})"
            for rel, subs in spec.expand.items()
        )
        text += (
            " A relation followed by related fields in parentheses is expanded: a many2one "
            "becomes a nested object (or null), a one2many or many2many a nested list, e.g. "
            f"{next(iter(spec.expand))}(id). Expandable: {offers}. Related records the "
            "caller's user may not read are left out."
        )
    return _query("fields", {"type": "string", "pattern": spec.fields_pattern}, text)


def _operation(
    builder, config, op_id, placeholders, route, method, summary, extra, body, responses
):
    """One operation, with the security and error responses every endpoint's
    operation has (see ``OperationBuilder``)."""
    operation = {"operationId": op_id, "summary": summary}
    description = (config.get("description") or "").strip()
    if description:
        operation["description"] = description
    if config.get("route_group"):
        operation["tags"] = [config["route_group"]]
        builder.tags.add(config["route_group"])
    parameters = [path_parameter(p) for p in placeholders] + list(extra or ())
    if idempotency.applies(method, config.get("idempotency_put_delete")):
        parameters.append(idempotency_key_parameter())
    if parameters:
        operation["parameters"] = parameters
    operation["security"] = security(builder, config)
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
    view = dict(config, method=method, route_type="http", content_type="application/json")
    for status, text in builder.error_statuses(view):
        responses[str(status)] = builder.error_response(
            status, text, False, bool(placeholders), view
        )
    if method in ("PUT", "PATCH", "DELETE"):
        responses["412"] = builder.error_response(
            412,
            "Precondition failed: If-Match does not match the record's current ETag "
            "(read it again).",
            False,
            True,
            view,
        )
    if AFTER in parameters:
        for status, text in (
            (410, "Gone: the sync cursor is older than the changes kept; start over (after=)."),
            (503, "This server is behind the sync cursor (a lagging replica): retry."),
        ):
            responses[str(status)] = builder.error_response(status, text, False, False, view)
    operation["responses"] = dict(sorted(responses.items()))
    operation["x-rest-endpoint"] = {
        "id": config["id"],
        "route": route,  # the path served: the collection's or the item's
        "route_type": "http",
        "auth_type": config["auth_type"],
        "exec_mode": "resource",
    }
    return operation
