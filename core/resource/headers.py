"""HTTP details of model resources: RFC 8288 ``Link`` headers of pages and
strong ETags with their ``If-None-Match`` / ``If-Match`` checks. Pure Python."""

import hashlib
import json
from urllib.parse import urlencode

from ..request.errors import ApiError


class PreconditionFailed(ApiError):
    """``If-Match`` names another version of the record (lost-update
    protection): read it again, then retry."""

    status = 412
    error_name = "rest_endpoint.errors.PreconditionFailed"


def link_header(path, query, total, limit, offset):
    """The RFC 8288 ``Link`` header of a page (None when there is one page)."""
    links = []
    base = [(k, v) for k, v in query if k not in ("limit", "offset")]

    def url(new_offset):
        return f"{path}?{urlencode([*base, ('limit', limit), ('offset', new_offset)])}"

    if offset + limit < total:
        links.append(f'<{url(offset + limit)}>; rel="next"')
    if offset > 0:
        links.append(f'<{url(max(0, offset - limit))}>; rel="prev"')
    return ", ".join(links) or None


def etag(model, data, write_date):
    """A strong ETag: a hash of the record's identity, its ``write_date``
    and the JSON it is served as, so two representations that differ in
    one byte never share a tag."""
    blob = json.dumps(
        [model, data.get("id"), write_date, data], sort_keys=True, default=str
    ).encode()
    return '"' + hashlib.sha256(blob).hexdigest()[:32] + '"'


def _tags(header):
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def none_match(header, current):
    """Whether ``If-None-Match: header`` matches ``current`` (weak
    comparison, RFC 9110 13.1.2): then the answer is 304."""
    if not header:
        return False
    tags = _tags(header)
    return "*" in tags or any(tag.removeprefix("W/") == current for tag in tags)


def check_match(header, current):
    """Raise 412 unless ``If-Match: header`` matches ``current`` (strong
    comparison, RFC 9110 13.1.1). No header: no condition."""
    if header is None:
        return
    tags = _tags(header)
    if "*" in tags or current in tags:
        return
    raise PreconditionFailed(
        "The record changed since you read it (If-Match does not match its ETag "
        f"{current}): read it again, then retry.",
        headers={"ETag": current},
    )


def preferences(header):
    """``{name: value}`` of a ``Prefer`` header (RFC 7240): names lowercased,
    a preference without a value is ``""``, parameters after ``;`` ignored,
    the first of a repeated preference wins. Unknown ones are for the caller
    to ignore, as the RFC says."""
    found = {}
    for item in (header or "").split(","):
        head = item.split(";", 1)[0].strip()
        if not head:
            continue
        name, _eq, value = head.partition("=")
        found.setdefault(name.strip().lower(), value.strip().strip('"'))
    return found
