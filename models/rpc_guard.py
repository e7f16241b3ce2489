# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""No external RPC on the models of this addon, for any user, admin included.

An endpoint runs code on the server: creating or editing one over an API
would turn a leaked API key or password into remote code execution, and
reading one (or a preview of an import, or the request log) discloses its
code, schemas and callers. So every model this addon defines (endpoints,
the import and API key wizards, the request log, and any model added later)
is managed in the back office only: :func:`is_guarded` decides it from the
module that defines the model, not from a list to keep up to date.

Where to refuse: Odoo 19 serves three external protocols, and they meet in
one place. XML-RPC (``/xmlrpc/2/object``) and JSON-RPC (``/jsonrpc``) call
``odoo.service.model.dispatch``, then ``call_kw``; JSON-2
(``/json/2/<model>/<method>``, the ``rpc`` addon's ``json2`` controller)
calls the model method itself. All of them first resolve the method name sent
over the wire with ``odoo.service.model.get_public_method``, Odoo's single
"may this be called remotely?" gate (private names, ``@api.private``). The
web client's ``/web/dataset/call_kw`` and ``call_button`` resolve through it
too, so the gate is extended with where the call comes from:

* XML-RPC and JSON-RPC services run with the HTTP request borrowed
  (``odoo.http.borrow_request``): there is no current request;
* JSON-2 runs in a request of the ``json2`` dispatcher;
* the web client runs in a JSON-RPC request (``jsonrpc`` dispatcher) of a
  logged-in session.

Only the last one may call a model marked ``_block_external_rpc``. Any other
caller gets an AccessError, which each protocol renders its own way (an
XML-RPC fault, a JSON-RPC error, a JSON-2 403), all with the message below.
Server-side code (server actions, crons, snippets, other modules) calls the
ORM directly and is not concerned. What this does not cover: an
administrator's API key can still create and run Odoo's own server actions
(``ir.actions.server``, Python code), which can do anything, this module's
models included; such keys should be scoped (``endpoint.apikey.wizard``).
"""

from odoo.exceptions import AccessError
from odoo.http import request
from odoo.service import model as service_model

from ..core.request.logsafe import get_logger

_logger = get_logger(__name__)


MODULE = "rest_endpoint"


def is_guarded(model):
    """Whether external RPC is refused on ``model``: every model defined by
    this addon, and any other model that sets ``_block_external_rpc``."""
    return bool(
        getattr(model, "_block_external_rpc", False)
        or getattr(type(model), "_original_module", None) == MODULE
    )


def called_from_web_client():
    """Whether the current remote call is the web client's: a JSON-RPC
    request of a logged-in session (``/web/dataset/call_kw``...)."""
    if not request:
        return False
    dispatcher = getattr(request, "dispatcher", None)
    return bool(
        getattr(dispatcher, "routing_type", None) == "jsonrpc"
        and request.db
        and request.session.uid
    )


def _guarded(get_public_method):
    def get_public_method_guarded(model, name):
        if is_guarded(model) and not called_from_web_client():
            _logger.warning(
                "External RPC refused: %s.%s by user #%s", model._name, name, model.env.uid
            )
            raise AccessError(
                model.env._(
                    "%(model)s cannot be used over XML-RPC, JSON-RPC or JSON-2 (call to "
                    "%(model)s.%(method)s refused): endpoints run code on the server, so "
                    "they are managed in the back office only (Settings > Technical > "
                    "Endpoints).",
                    model=model._name,
                    method=name,
                )
            )
        return get_public_method(model, name)

    get_public_method_guarded.rest_endpoint_guard = True
    return get_public_method_guarded


def install_guard():
    """Wrap Odoo's resolver of remotely callable methods, under both names it
    is used by: ``odoo.service.model`` (``call_kw``: XML-RPC, JSON-RPC, web
    client) and the JSON-2 controller, which imported it by name."""
    targets = [service_model]
    try:
        from odoo.addons.rpc.controllers import json2  # noqa: PLC0415
    except ImportError:  # pragma: no cover - the rpc addon ships with Odoo 19
        json2 = None
    if json2 is not None:
        targets.append(json2)
    for module in targets:
        current = getattr(module, "get_public_method", None)
        if current is not None and not getattr(current, "rest_endpoint_guard", False):
            module.get_public_method = _guarded(current)


install_guard()
