# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The evaluation context of code snippets, built from ``core.snippet.VARIABLES``.

The names a snippet sees are declared once, with their documentation, in
``core/request/snippet.py``; this module gives them their Odoo values. A test checks
that both lists agree, so the form's Code Help can never drift from what runs.
"""

import hashlib as _hashlib
import hmac as _hmac
import logging

import werkzeug as _werkzeug

from odoo import exceptions as _exceptions
from odoo.http import Response
from odoo.tools import safe_eval

from ..core.request.logsafe import escape_controls, get_logger
from ..core.request.snippet import EndpointValue

_logger = get_logger("odoo.addons.rest_endpoint.snippet")

HASHLIB = safe_eval.wrap_module(
    _hashlib,
    [
        "md5",
        "sha1",
        "sha224",
        "sha256",
        "sha384",
        "sha512",
        "sha3_256",
        "sha3_512",
        "blake2b",
        "blake2s",
        "new",
    ],
)
HMAC = safe_eval.wrap_module(_hmac, ["new", "compare_digest"])
WERKZEUG = safe_eval.wrap_module(
    _werkzeug,
    {"exceptions": ["NotFound", "BadRequest", "Unauthorized", "Forbidden", "Conflict"]},
)
EXCEPTIONS = safe_eval.wrap_module(
    _exceptions, ["UserError", "ValidationError", "AccessError", "MissingError"]
)

#: Values that do not depend on the request.
STATIC_VALUES = {
    "datetime": safe_eval.datetime,
    "dateutil": safe_eval.dateutil,
    "time": safe_eval.time,
    "json": safe_eval.json,
    "Response": Response,
    "werkzeug": WERKZEUG,
    "exceptions": EXCEPTIONS,
    "hashlib": HASHLIB,
    "hmac": HMAC,
}

_LEVELS = {"debug", "info", "warning", "error", "critical"}


def _query_dict(args):
    return {key: (values if len(values) > 1 else values[0]) for key, values in args.lists()}


def _make_log(env, compiled):
    def log(message, level="info"):
        level = level if level in _LEVELS else "info"
        _logger.log(getattr(logging, level.upper()), "[%s] %s", compiled.name, message)
        env.cr.execute(
            """
            INSERT INTO ir_logging (create_date, create_uid, type, dbname, name,
                                    level, message, path, line, func)
            VALUES (now() at time zone 'UTC', %s, 'server', %s, %s, %s, %s, %s, %s, %s)
            """,
            (
                env.uid,
                env.cr.dbname,
                "rest_endpoint",
                level.upper(),
                escape_controls(message),
                compiled.route,
                str(compiled.id),
                compiled.name,
            ),
        )

    return log


def build_context(request, compiled, args, payload):
    env = request.env
    httprequest = request.httprequest
    context = {
        "env": env,
        "user": env.user,
        # a value, never a record: a record readable here would be a sudo one
        "endpoint": EndpointValue(compiled.config, compiled.version),
        "request": request,
        "params": dict(args),
        "query": _query_dict(httprequest.args),
        "payload": payload,
        "headers": httprequest.headers,
        "log": _make_log(env, compiled),
    }
    context.update(STATIC_VALUES)
    return context
