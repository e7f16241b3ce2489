# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Glue into Odoo's request handling: matching and authentication.

``_match`` is the one door of every request of the database, Odoo's own
included, so Odoo's routing map answers first: a path that some controller
serves (with any method, or through a redirect) is Odoo's, whatever has been
published; Odoo's requests pay nothing for the endpoints. Only when Odoo's
map has nothing for the path are the published endpoints tried, after
checking the registry version (one indexed read), in case another process
published something. A path with a published route gets a rule of our
routing type whatever the method, so a wrong method is a JSON 405 with the
exact ``Allow`` header from our dispatcher, not werkzeug's HTML page.

With a read replica (``--db_replica_host``) ``_match`` runs on the replica's
cursor: ``serving/freshness.py`` says when the version and the key stamp
must come from the primary instead (read/write endpoints, JSON 404s, a
replica lagging more than ``rest_endpoint.replica_max_lag``); which methods
stay on the replica is each endpoint's ``routing_for(method)``.
"""

from werkzeug.exceptions import NotFound

from odoo import models
from odoo.http import request

from ..core.request import errors as core_errors
from ..serving import auth, freshness
from ..serving.dispatcher import RestEndpointDispatcher
from ..serving.registry import EndpointHandler, Rule, get_table

#: Where ``_match`` leaves the key stamp it read with the version (auth.Seen).
_SEEN = "rest_endpoint.key_stamp_seen"


def _compiled_for(entry, method):
    """The endpoint of a route entry that serves ``method`` (HEAD: GET's)."""
    compiled = entry.methods.get(method)
    if compiled is None and method == "HEAD":
        compiled = entry.methods.get("GET")
    return compiled


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _match(cls, path_info):
        try:
            return super()._match(path_info)
        except NotFound:
            table = get_table(request.env.registry)
            method = request.httprequest.method
            # Match as this process has the table, then bring it up to date:
            # match again if its version moved since, whichever thread
            # loaded the new one (the version is swapped in after the router).
            held = table.version
            hit = table.match(path_info)
            env = request.env
            # The version and the key stamp (auth.Seen) in one statement: a
            # bearer request makes no query of its own for its key.
            state = freshness.read(env)
            if state.lagging:
                # on a replica further behind than the bound: the primary's
                state = freshness.read_primary(env, table)
            else:
                freshness.refresh(env, table, state)
            if table.version != held:
                hit = table.match(path_info)
            if (
                state.on_replica
                and not state.seen.primary
                and cls._answered_from_primary(table, hit, path_info, method)
            ):
                # It must see every sync and revocation committed before it,
                # whatever the replica lags (see serving/freshness.py).
                held = table.version
                state = freshness.read_primary(env, table)
                if table.version != held:
                    hit = table.match(path_info)
            request.httprequest.environ[_SEEN] = state.seen
            if hit is None:
                if table.is_api_path(path_info):
                    # Answer this 404 (after Odoo's fallbacks) in JSON.
                    request.dispatcher = RestEndpointDispatcher(request)
                raise
        entry, args = hit
        handler = EndpointHandler(entry, _compiled_for(entry, method), args, method)
        return Rule(handler, entry.route, tuple(entry.allowed_methods)), args

    @classmethod
    def _answered_from_primary(cls, table, hit, path_info, method):
        """Whether this request's answer must reflect the primary: a
        read/write endpoint (Odoo serves it there), and the JSON 404 of a
        path where endpoints live (an endpoint just synced answers at once).
        Read-only endpoints and Odoo's own 404s are answered by the replica
        (within the bound, see serving/freshness.py)."""
        if hit is None:
            return table.is_api_path(path_info)
        compiled = _compiled_for(hit[0], method)
        return compiled is None or not compiled.routing_for(method)["readonly"]

    @classmethod
    def _authenticate(cls, endpoint):
        if not isinstance(endpoint, EndpointHandler):
            return super()._authenticate(endpoint)
        if isinstance(request.dispatcher, RestEndpointDispatcher):
            request.dispatcher.handler = endpoint
        compiled = endpoint.compiled
        if compiled is None or request.httprequest.method == "OPTIONS":
            # 405 or CORS preflight: nothing runs, nobody to authenticate.
            cls._authenticate_explicit("none")
            return
        cls._authenticate_endpoint(compiled)

    @classmethod
    def _authenticate_endpoint(cls, compiled):
        """Establish the caller and the user the snippet runs as."""
        auth_type = compiled.auth_type
        dispatcher = request.dispatcher
        if not isinstance(dispatcher, RestEndpointDispatcher):
            dispatcher = None
        if auth_type == "bearer":
            httprequest = request.httprequest
            header, seen = httprequest.headers.get("Authorization"), httprequest.environ.get(_SEEN)
            if seen is not None and seen.primary and request.env.cr.readonly:
                # A stamp read on the primary, a request on the replica: a
                # key not trusted yet is looked up on the primary (auth.Seen).
                with request.env.registry.cursor() as primary_cr:
                    caller = auth.verify(primary_cr, header, seen)
            else:
                caller = auth.verify(request.env.cr, header, seen)
            uid = caller.uid
            if dispatcher is not None:
                dispatcher.caller_uid, dispatcher.caller_key_id = uid, caller.key_id
            auth.check_scope(caller.scope, compiled.api_key_scope)
            request.session.can_save = False
        elif auth_type == "user_endpoint":
            cls._authenticate_explicit("public")
            uid = request.session.uid
            if not uid or uid in cls._get_public_users():
                raise core_errors.Unauthorized(
                    "Authentication required: this endpoint needs a logged-in session.",
                    scheme=None,
                )
            if dispatcher is not None:
                dispatcher.caller_uid = uid
        elif auth_type == "public":
            uid = None
            if compiled.group_ids:
                # refused at save time; a snapshot published before that
                # check must not serve anonymous callers either
                raise core_errors.InternalError(
                    f"Endpoint {compiled.name!r} (#{compiled.id}) is public but has allowed "
                    "groups, which anonymous callers cannot satisfy: refused."
                )
        else:
            return getattr(cls, f"_authenticate_endpoint__{auth_type}")(compiled)
        if uid and compiled.group_ids:
            caller = request.env(user=uid)["res.users"].browse(uid)
            if not compiled.group_ids.intersection(caller.sudo().all_group_ids.ids):
                raise core_errors.Forbidden(
                    "Your user is not in a group allowed to call this endpoint."
                )
        run_as = compiled.exec_as_user_id or uid
        if not run_as:
            raise core_errors.InternalError(f"Endpoint {compiled.name!r} has no user to run as.")
        company_id = compiled.config.get("company_id")
        context = None
        if compiled.exec_as_user_id or company_id:
            cls._check_run_as(compiled, run_as, company_id)
        if company_id:
            context = dict(request.env.context, allowed_company_ids=[company_id])
        if dispatcher is not None:
            # An access error describes the rights of the user the code runs
            # as: only that user may read it (public callers never).
            dispatcher.hide_access_details = run_as != uid
        request.update_env(user=run_as, context=context)

    @classmethod
    def _check_run_as(cls, compiled, run_as, company_id):
        """Refuse to run as an archived 'Exec as user', or in a company the
        user the snippet runs as may not access (Odoo would only say "Access
        to unauthorized or invalid companies" from deep inside the snippet).

        Costs no query: the user's state is ormcached, and Odoo clears that
        cache whenever a user's ``active`` flag or companies change.
        """
        active, company_ids = request.env["endpoint.endpoint"]._serving_user_state(run_as)
        label = f"Endpoint {compiled.name!r} (#{compiled.id})"
        if compiled.exec_as_user_id:
            if not active:
                raise core_errors.InternalError(
                    f"{label} runs as user #{run_as}, which is archived (or deleted): "
                    "restore that user or pick another 'Exec as user', then sync the endpoint."
                )
            if company_id and company_id not in company_ids:
                raise core_errors.InternalError(
                    f"{label} runs in company #{company_id}, which its 'Exec as user' "
                    f"#{run_as} may not access: give the user that company, or change "
                    "the endpoint's company, then sync the endpoint."
                )
        elif company_id and company_id not in company_ids:
            raise core_errors.Forbidden("This endpoint runs in a company your user may not access.")
