"""The OpenAPI 3.1 document of the published endpoints.

Built from the frozen configurations the server actually serves (the
registry snapshots), never from the records being edited, so the document
is a contract for what a caller gets now. Everything a caller can observe is
described from the same sources the pipeline uses:

* paths and path parameters from the route's werkzeug converters
  (``core/routing/routes.py``), with the types and bounds the converters enforce;
* request bodies from the endpoint's content type and request schema (JSON
  Schema in JSON or YAML, hoisted into ``components/schemas`` with its local
  ``$ref`` rewritten; an XSD by the schema derived from it, with ``xml``
  annotations, and attached as the ``x-xsd`` extension);
* one shared error schema matching ``core/request/errors.py`` (``error_body`` and,
  for ``json`` routes, ``jsonrpc_error``), referenced by every error status
  the pipeline can return for the operation;
* security schemes for the ``bearer`` and ``user_endpoint`` auth types.

Pure Python (no Odoo import), so the mapping is unit-tested on its own.
"""

import re

from ..request.schema import SchemaError
from .components import (
    BEARER_SCHEME,
    DESCRIPTION,
    ERROR_COMPONENTS,
    ERROR_SCHEMA,
    JSONRPC_ERROR_SCHEMA,
    OAUTH_SCHEME,
    SECURITY_BY_AUTH,
    SECURITY_SCHEMES,
    SESSION_SCHEME,
    VIOLATION_SCHEMA,
    oauth_scheme,
)
from .operations import OperationBuilder, operation_id
from .resource import resource_operations
from .schemas import (
    DocumentError,
    accepts,
    converter_schema,
    hoist_schema,
    literal_success_statuses,
    load_json_schema,
    nul_free,
    openapi_path,
    path_parameter,
    xsd_root_element,
)

__all__ = [
    "BEARER_SCHEME",
    "DESCRIPTION",
    "ERROR_COMPONENTS",
    "ERROR_SCHEMA",
    "JSONRPC_ERROR_SCHEMA",
    "OPENAPI_VERSION",
    "SECURITY_BY_AUTH",
    "SECURITY_SCHEMES",
    "SESSION_SCHEME",
    "VIOLATION_SCHEMA",
    "DocumentError",
    "accepts",
    "build_document",
    "converter_schema",
    "hoist_schema",
    "literal_success_statuses",
    "load_json_schema",
    "nul_free",
    "openapi_path",
    "operation_id",
    "path_parameter",
    "xsd_root_element",
]

OPENAPI_VERSION = "3.1.0"

METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")

_PARAM_IN_PATH_RE = re.compile(r"\{[^}]*\}")


def build_document(
    configs,
    *,
    server_url,
    title="REST endpoints",
    version="1",
    description=DESCRIPTION,
    route_group=None,
):
    """The OpenAPI 3.1 document (a dict) of ``configs``, the published
    snapshots, optionally only those of ``route_group``."""
    builder = OperationBuilder()
    paths = {}
    skeletons = {}  # path with its parameter names blanked -> path
    used_ids = set()
    undocumented = []
    selected = [
        config
        for config in configs
        if not route_group or (config.get("route_group") or "") == route_group
    ]
    # One entry per (route, method): a model resource gives several.
    entries = []
    for config in selected:
        if config.get("exec_mode") == "resource":
            try:
                entries += [
                    (config, route, method, make)
                    for route, method, make in resource_operations(builder, config)
                ]
            except (DocumentError, SchemaError, ValueError, KeyError) as exc:
                undocumented.append(_undocumented(config, exc))
            continue
        entries.append((config, config["route"], config["method"], None))
    entries.sort(
        key=lambda e: (
            e[1],
            METHOD_ORDER.index(e[2]) if e[2] in METHOD_ORDER else 99,
            e[0]["id"],
        )
    )
    for config, route, config_method, make in entries:
        try:
            path, placeholders = openapi_path(route)
            skeleton = _PARAM_IN_PATH_RE.sub("{}", path)
            if skeletons.setdefault(skeleton, path) != path:
                raise DocumentError(
                    f"its path {path} cannot be told apart from {skeletons[skeleton]} in "
                    "OpenAPI (same segments, other parameter names)"
                )
            method = config_method.lower()
            if method in paths.get(path, {}):
                raise DocumentError(f"{config_method} {path} is already documented")
            op_id = operation_id({"method": config_method, "id": config["id"]}, path)
            if op_id in used_ids:
                op_id = f"{op_id}_{config['id']}"
            if make is not None:
                operation = make(op_id, placeholders)
            else:
                operation = builder.operation(config, op_id, placeholders)
        except (DocumentError, SchemaError, ValueError) as exc:
            undocumented.append(_undocumented(config, exc))
            continue
        used_ids.add(op_id)
        paths.setdefault(path, {})[method] = operation
    document = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title, "version": str(version)},
        "servers": [{"url": server_url.rstrip("/") or "/"}],
        "paths": paths,
        "components": {"schemas": builder.schemas},
    }
    if description:
        document["info"]["description"] = description
    if builder.security_used:
        document["components"]["securitySchemes"] = {
            name: SECURITY_SCHEMES[name] for name in sorted(builder.security_used)
        }
    if builder.oauth_scopes:
        document["components"]["securitySchemes"][OAUTH_SCHEME] = oauth_scheme(builder.oauth_scopes)
    if builder.tags:
        document["tags"] = [{"name": tag} for tag in sorted(builder.tags)]
    if undocumented:
        document["x-rest-endpoint-undocumented"] = undocumented
    return document


def _undocumented(config, exc):
    return {
        "id": config.get("id"),
        "method": config.get("method"),
        "route": config.get("route"),
        "reason": str(exc),
    }
