# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The OpenAPI document of the published endpoints, and Swagger UI on it.

The document describes what the process serves: the compiled table of
``registry.py``, which holds the published snapshots (never the records being
edited). Building it walks every endpoint and re-reads every schema, so it is
kept per (database, registry version, route group): the registry version
changes with every sync and deletion, and is read with one indexed query, so
a cached document is never stale and never rebuilt for nothing. Nothing a
caller makes up reaches the key: the route group must be one of the
published ones (404 otherwise), and the server URL is relative ("/": the
document is served by the server it describes), not the request's Host.

Internal users and API keys of internal users read the document; portal
users get a JSON 403 (the document lists every endpoint, its code's
statuses and schemas: back-office knowledge), public callers a 401.
"""

import json
import threading
from collections import OrderedDict
from urllib.parse import urlencode

from odoo import http
from odoo.http import content_disposition, request

from ..core.as_code import postman as core_postman
from ..core.openapi import document as core_openapi
from ..core.request import errors as core_errors
from ..serving import auth
from ..serving.dispatcher import JSON_CONTENT_TYPE, json_error
from ..serving.params import param_enabled
from ..serving.registry import get_table

#: System parameter that serves the document (and the docs page) to anybody.
PUBLIC_PARAM = "rest_endpoint.openapi_public"
_CACHE_SIZE = 32
_cache = OrderedDict()  # (db, registry version, route group) -> JSON bytes
#: The document is served by the server it describes: a relative server URL
#: is right behind any proxy or host name, and is no input of the caller's.
SERVER_URL = "/"
_cache_lock = threading.Lock()


def is_public(env):
    return param_enabled(env, PUBLIC_PARAM)


def document_bytes(env, route_group):
    """The JSON of the document for this request, from the cache when the
    registry version has not moved. A route group that no published
    endpoint has is refused (404), so callers cannot fill the cache."""
    table = get_table(env.registry)
    table.refresh(env)
    # Version first, endpoints second: the endpoints are then at least as
    # new as the version they are cached under, never older.
    version = table.version
    endpoints = list(table.endpoints.values())
    if route_group is not None:
        groups = {compiled.config.get("route_group") or "" for compiled in endpoints}
        if route_group not in groups:
            raise core_errors.NotFound(
                f"No published endpoint is in the route group {route_group!r}."
            )
    key = (env.cr.dbname, version, route_group)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    document = core_openapi.build_document(
        [compiled.config for compiled in endpoints],
        server_url=SERVER_URL,
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


def existing_ids(env):
    """{item path: {"id": id}}: a record each published model resource
    serves on this database, the example of its item requests (the
    collection's record variables start from it)."""
    values = {}
    for compiled in get_table(env.registry).endpoints.values():
        resource = compiled.config.get("resource")
        if not resource or resource.get("model") not in env:
            continue
        try:
            record = (
                env[resource["model"]]
                .sudo()
                .search(resource.get("domain") or [], limit=1, order="id")
            )
        except Exception:  # a domain the model refuses now: no example
            continue
        if record:
            values[compiled.config["route"].rstrip("/") + "/{id}"] = {"id": record.id}
    return values


def clear_cache():
    with _cache_lock:
        _cache.clear()


def _reader_error(env):
    """The JSON error for a caller who may not read the document, or None.

    Internal users (a session, or the API key of one) may; portal users get
    a 403; anybody else a 401 saying how to authenticate, unless the system
    parameter makes the document public."""
    if is_public(env):
        return None
    user = env.user
    if user._is_public():
        header = request.httprequest.headers.get("Authorization")
        if not header:
            return json_error(
                core_errors.Unauthorized(
                    "Authentication required: log in, or send 'Authorization: Bearer <API key>'."
                )
            )
        try:
            uid = auth.authenticate(env.cr, header)
        except core_errors.ApiError as exc:  # 401, or 403 for a scoped key
            return json_error(exc)
        user = env["res.users"].browse(uid)
    if not user._is_internal():
        return json_error(
            core_errors.Forbidden("The API documentation is for internal users only.")
        )
    return None


#: Where Swagger UI's *Authorize* comes back from the OAuth sign-in: a client
#: that registers this URL of the server is offered there (code + PKCE).
SWAGGER_REDIRECT = "rest_endpoint/static/lib/swagger-ui/oauth2-redirect.html"


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
        """Served to internal users (a session or an API key): JSON 401 for
        anonymous callers, 403 for portal users; to everybody when the
        system parameter says so."""
        env = request.env
        refused = _reader_error(env)
        if refused is not None:
            return refused
        try:
            data = document_bytes(env, route_group or None)
        except core_errors.NotFound as exc:
            return json_error(exc)
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
        """Swagger UI on the document, from the addon's own static files
        (anonymous visitors are sent to the login page, portal users get the
        document's 403)."""
        env = request.env
        if env.user._is_public() and not is_public(env):
            here = "/rest_endpoint/docs"
            if route_group:
                here += "?" + urlencode({"route_group": route_group})
            return request.redirect("/web/login?" + urlencode({"redirect": here}))
        refused = _reader_error(env)
        if refused is not None:
            return refused
        spec_url = "/rest_endpoint/openapi.json"
        if route_group:
            spec_url += "?" + urlencode({"route_group": route_group})
        redirect_url = request.httprequest.url_root + SWAGGER_REDIRECT
        client = env["endpoint.oauth.client"].sudo()._for_redirect_uri(redirect_url)
        return request.render(
            "rest_endpoint.openapi_docs_page",
            {
                "spec_url": spec_url,
                "route_group": route_group or "",
                "oauth_client_id": client.client_id or "",
                "oauth_redirect_url": redirect_url,
            },
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
        collection = core_postman.collection(
            json.loads(response.get_data()),
            base_url=request.httprequest.host_url,
            path_values=existing_ids(request.env),
        )
        name = f"rest_endpoint-{route_group}" if route_group else "rest_endpoint"
        return request.make_response(
            json.dumps(collection, ensure_ascii=False, indent=1).encode(),
            headers=[
                ("Content-Type", JSON_CONTENT_TYPE),
                ("Content-Disposition", content_disposition(f"{name}.postman_collection.json")),
                ("Cache-Control", "no-cache"),
            ],
        )
