# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""One request to a model resource: the thin ORM glue.

Everything a request asks for is checked by the compiled
:class:`~core.resource_query.ResourceSpec` before the ORM is touched. The
ORM runs as the user the endpoint runs as (never sudo): its access rights
and record rules apply, so an operation that user may not do is a 403
(AccessError) and a record its rules hide is a 404, like a record outside
the resource's domain.

Answers use the snippet result shape (``{"payload", "status_code",
"headers"}``), so the dispatcher's response path serves them; a 304 is a
bare response.
"""

from odoo.fields import Domain
from odoo.http import Response

from ..core.request import errors as core_errors
from ..core.request.schema import raise_validation_error
from ..core.resource import headers as rh
from ..core.resource import query as rq
from ..core.resource.values import body_to_vals, record_to_json
from . import resource_bulk, resource_expand, resource_sync


def handle(spec, context):
    request = context["request"]
    httprequest = request.httprequest
    method = "GET" if httprequest.method == "HEAD" else httprequest.method
    model = context["env"][spec.model]
    query = list(httprequest.args.items(multi=True))
    record_id = context["params"].get("id")
    prefer = rh.preferences(httprequest.headers.get("Prefer"))
    if record_id is None:
        if method == "POST":
            return _create(spec, model, context["payload"], prefer)
        if any(key == "after" for key, _value in query):
            return resource_sync.handle(spec, model, query)
        return _list(spec, model, query, httprequest.path, prefer)
    headers = httprequest.headers
    if method == "GET":
        names, nested = spec.parse_item(query)
        fields = spec.selected_fields(names)
        resource_expand.check_relations(model, spec, nested)
        record = _find(spec, model, record_id, fields)
        return _read(spec, record, headers.get("If-None-Match"), fields, nested)
    if query:
        raise core_errors.BadRequest(
            f"A record of this resource takes no query parameters (got {query[0][0]!r})."
        )
    record = _find(spec, model, record_id)
    if method == "DELETE":
        _check_if_match(spec, record, headers.get("If-Match"))
        record.unlink()
        return {"payload": None, "status_code": 204}
    return _update(spec, record, context["payload"], headers.get("If-Match"), prefer)


def _list(spec, model, query, path, prefer):
    domain, limit, offset, order, names, nested = spec.parse_list(query)
    fields = spec.selected_fields(names)
    resource_expand.check_relations(model, spec, nested)
    full_domain = Domain(spec.domain) & Domain(domain) if domain else Domain(spec.domain)
    fnames = rq.field_names(fields)
    counted = prefer.get("count") != "none"
    # without a count, one record more than the page tells whether a next page exists
    fetch = limit if counted else limit + 1
    records = model.search_fetch(full_domain, fnames, offset=offset, limit=fetch, order=order)
    headers = {}
    if not counted:
        more = len(records) > limit
        records = records[:limit]
        total = offset + len(records) + (limit if more else 0)  # for the links only
        headers["Preference-Applied"] = "count=none"
    elif records and len(records) < limit:
        total = offset + len(records)  # the last page: no count needed
    else:
        total = model.search_count(full_domain)
    meta = {"total": total} if counted else {}
    meta.update(limit=limit, offset=offset)
    data = resource_expand.records_to_json(spec, records, fields, nested)
    link = rh.link_header(path, query, total, limit, offset)
    if link:
        headers["Link"] = link
    return {
        "payload": {"status": "success", "data": data, "meta": meta},
        "headers": headers,
    }


def _find(spec, model, record_id, fields=None):
    """The record, with the fields it is served with and its ``write_date``
    (the ETag) fetched by the same query that checks the domain and the
    record rules: reading them afterwards would apply the rules again."""
    fnames = spec.field_names if fields is None else rq.field_names(fields)
    if "write_date" in model._fields:
        fnames = [*fnames, "write_date"]
    record = model.search_fetch(
        Domain(spec.domain) & Domain("id", "=", record_id), fnames, limit=1, order="id"
    )
    if not record:
        raise core_errors.NotFound(f"No record {record_id} in this resource.")
    return record


def _represent(spec, record, fields=None, nested=None):
    """``(data, etag)`` of a record with ``fields`` (default: every readable
    field) and the relations ``nested`` embeds."""
    if nested:
        [data] = resource_expand.records_to_json(spec, record, fields, nested)
    else:
        fields = spec.fields if fields is None else fields
        data = record_to_json(record._read_format(rq.field_names(fields))[0], fields)
    write_date = record.write_date if "write_date" in record._fields else None
    return data, rh.etag(spec.model, data, write_date and write_date.isoformat())


def _read(spec, record, if_none_match, fields, nested):
    data, tag = _represent(spec, record, fields, nested)
    if rh.none_match(if_none_match, tag):
        return {"response": Response(status=304, headers={"ETag": tag})}
    return {"payload": {"status": "success", "data": data}, "headers": {"ETag": tag}}


def _check_if_match(spec, record, if_match):
    if if_match is not None:
        _data, tag = _represent(spec, record)
        rh.check_match(if_match, tag)


def _values(spec, validator, model, payload):
    """The ORM values of a body, or a 400 listing every problem."""
    validator.validate(payload)
    vals, errors = body_to_vals(payload, spec.writable)
    for name, value in vals.items():
        meta = spec.writable[name]
        ids = []
        if meta["type"] == "many2one" and value:
            ids = [value]
        elif meta["type"] == "many2many":
            ids = value[0][2]
        if not ids:
            continue
        missing = set(ids) - set(model.env[meta["relation"]].browse(ids).exists().ids)
        if missing:
            errors.append(
                {
                    "path": f"/{name}",
                    "message": f"No {meta['relation']} record with id "
                    f"{', '.join(map(str, sorted(missing)))}.",
                    "validator": "exists",
                }
            )
    if errors:
        raise_validation_error(sorted(errors, key=lambda e: e["path"]))
    return vals


def _check_in_domain(spec, record, action):
    if spec.domain and not record.filtered_domain(spec.domain):
        raise core_errors.BadRequest(
            f"The record would be outside this resource after this {action}: its values "
            "must satisfy the resource's domain."
        )


def _minimal(status, headers):
    """The answer of ``Prefer: return=minimal``: no body (RFC 7240)."""
    response = Response(status=status, headers={**headers, "Preference-Applied": "return=minimal"})
    response.headers.remove("Content-Type")  # no body, no type
    return {"response": response}


def _create(spec, model, payload, prefer):
    if isinstance(payload, list):
        records = resource_bulk.create_many(
            spec, model, payload, lambda item: _values(spec, spec.create_validator, model, item)
        )
        if prefer.get("return") == "minimal":
            return _minimal(201, {})
        data = resource_expand.records_to_json(spec, records, spec.fields, {})
        return {"payload": {"status": "success", "data": data}, "status_code": 201}
    vals = _values(spec, spec.create_validator, model, payload)
    defaults = {k: v for k, v in spec.defaults.items() if k in model._fields and k not in vals}
    record = model.create({**defaults, **vals})
    _check_in_domain(spec, record, "create")
    data, tag = _represent(spec, record)
    headers = {"Location": f"{spec.route}/{record.id}", "ETag": tag}
    if prefer.get("return") == "minimal":
        return _minimal(201, headers)
    return {"payload": {"status": "success", "data": data}, "status_code": 201, "headers": headers}


def _update(spec, record, payload, if_match, prefer):
    vals = _values(spec, spec.update_validator, record, payload)
    _check_if_match(spec, record, if_match)
    if vals:
        record.write(vals)
        _check_in_domain(spec, record, "update")
    data, tag = _represent(spec, record)
    if prefer.get("return") == "minimal":
        return _minimal(204, {"ETag": tag})
    return {"payload": {"status": "success", "data": data}, "headers": {"ETag": tag}}
