# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The OpenAPI document of the published endpoints, and Swagger UI on it.

The document describes what the process serves: the compiled table of
``registry.py``, which holds the published snapshots (never the records being
edited). Building it walks every endpoint and re-reads every schema, so it is
kept per (database, registry version, route group, server URL): the registry
version changes with every sync and deletion, and is read with one indexed
query, so a cached document is never stale and never rebuilt for nothing.
"""

import json
import threading
from collections import OrderedDict
from urllib.parse import urlencode

from odoo import http
from odoo.http import content_disposition, request

from .. import auth
from ..core import errors as core_errors
from ..core import openapi as core_openapi
from ..core import postman as core_postman
from ..dispatcher import JSON_CONTENT_TYPE, error_response, param_enabled
from ..registry import get_table

#: System parameter that serves the document (and the docs page) to anybody.
PUBLIC_PARAM = "rest_endpoint.openapi_public"
_CACHE_SIZE = 32
_cache = OrderedDict()  # (db, version, route group, server url) -> JSON bytes
_cache_lock = threading.Lock()


def is_public(env):
    return param_enabled(env, PUBLIC_PARAM)


def document_bytes(env, route_group, server_url):
    """The JSON of the document for this request, from the cache when the
    registry version has not moved."""
    table = get_table(env.registry)
    table.refresh(env)
    # Version first, endpoints second: the endpoints are then at least as
    # new as the version they are cached under, never older.
    version = table.version
    endpoints = list(table.endpoints.values())
    key = (env.cr.dbname, version, route_group, server_url)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    document = core_openapi.build_document(
        [compiled.config for compiled in endpoints],
        server_url=server_url,
        title=f"REST endpoints ({env.cr.dbname})",
        version=str(version),
        route_group=route_group,
    )
    data = json.dumps(document, ensure_ascii=False, indent=1).encode()
    with _cache_lock:
        _cache[key] = data
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return data


def clear_cache():
    with _cache_lock:
        _cache.clear()


def _json_error(exc):
    info = core_errors.describe(exc)
    return error_response(info, core_errors.error_body(info))


class OpenApiController(http.Controller):
    @http.route(
        "/rest_endpoint/openapi.json",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
        readonly=True,
    )
    def openapi_json(self, route_group=None, **_kw):
        """Served to a logged-in user or an API key holder (JSON 401 for
        anybody else), or to everybody when the system parameter says so."""
        env = request.env
        if env.user._is_public() and not is_public(env):
            header = request.httprequest.headers.get("Authorization")
            if not header:
                return _json_error(
                    core_errors.Unauthorized(
                        "Authentication required: log in, or send "
                        "'Authorization: Bearer <API key>'."
                    )
                )
            try:
                auth.authenticate(env.cr, header)
            except core_errors.Unauthorized as exc:
                return _json_error(exc)
        data = document_bytes(env, route_group or None, request.httprequest.host_url.rstrip("/"))
        return request.make_response(
            data,
            headers=[("Content-Type", JSON_CONTENT_TYPE), ("Cache-Control", "no-cache")],
        )

    @http.route(
        "/rest_endpoint/docs",
        type="http",
        auth="public",
        methods=["GET"],
        readonly=True,
    )
    def docs(self, route_group=None, **_kw):
        """Swagger UI on the document, from the addon's own static files."""
        if request.env.user._is_public() and not is_public(request.env):
            here = "/rest_endpoint/docs"
            if route_group:
                here += "?" + urlencode({"route_group": route_group})
            return request.redirect("/web/login?" + urlencode({"redirect": here}))
        spec_url = "/rest_endpoint/openapi.json"
        if route_group:
            spec_url += "?" + urlencode({"route_group": route_group})
        return request.render(
            "rest_endpoint.openapi_docs_page",
            {"spec_url": spec_url, "route_group": route_group or ""},
            headers={"Cache-Control": "no-cache"},
        )

    @http.route(
        "/rest_endpoint/postman.json",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
        readonly=True,
    )
    def postman_collection(self, route_group=None, **_kw):
        """The Postman collection (v2.1) of the same document, with the same
        access rules: built from what ``openapi_json`` answers."""
        response = self.openapi_json(route_group=route_group)
        if response.status_code != 200:
            return response
        collection = core_postman.collection(json.loads(response.get_data()))
        name = f"rest_endpoint-{route_group}" if route_group else "rest_endpoint"
        return request.make_response(
            json.dumps(collection, ensure_ascii=False, indent=1).encode(),
            headers=[
                ("Content-Type", JSON_CONTENT_TYPE),
                ("Content-Disposition", content_disposition(f"{name}.postman_collection.json")),
                ("Cache-Control", "no-cache"),
            ],
        )
