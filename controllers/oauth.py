# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The OAuth 2.1 endpoints (protocol in ``serving/oauth_server.py``):

- ``/oauth/authorize``: authorization code with PKCE. A visitor who is not
  logged in goes to Odoo's own login page (two-factor and SSO apply) and
  comes back; a trusted client gets its code at once, another one a consent
  page (CSRF-protected, never framed). An unknown client or an unregistered
  redirect URI gets an error page, never a redirect.
- ``/oauth/token``: codes, refresh tokens, client credentials; rate-limited
  per client and address.
- ``/oauth/revoke`` (RFC 7009), ``/oauth/introspect`` (RFC 7662),
  ``/.well-known/oauth-authorization-server`` (RFC 8414).
"""

import json
from collections import namedtuple

from authlib.oauth2.rfc6749 import errors as oauth_errors
from authlib.oauth2.rfc6749.util import extract_basic_authorization

from odoo import http
from odoo.http import Response, request

from ..core.request import ratelimit as core_ratelimit
from ..serving import oauth_server, rate_limit
from ..serving.params import int_param

NOT_FRAMED = [("X-Frame-Options", "DENY"), ("Content-Security-Policy", "frame-ancestors 'none'")]
TOKEN_RATE_PARAM = "rest_endpoint.oauth_token_rate_limit"
#: The token endpoint's limit, as rate_limit.hit wants an endpoint (id 0:
#: no endpoint has it).
_TokenLimit = namedtuple("_TokenLimit", "id rate_limit rate_limit_period")


def _issuer():
    return request.httprequest.url_root.rstrip("/")


def _server():
    return oauth_server.Server(request.env(su=True), _issuer())


def _json(status, body, headers=()):
    headers = [("Content-Type", "application/json"), ("Cache-Control", "no-store"), *headers]
    return Response(json.dumps(body), status=status, headers=headers)


def _endpoint_response(endpoint_class):
    """Authlib's answer of one of its endpoints (RFC 7009, RFC 7662)."""
    return _server().create_endpoint_response(
        endpoint_class.ENDPOINT_NAME, oauth_server.OdooRequest(request.httprequest)
    )


class OauthController(http.Controller):
    @http.route(
        "/oauth/authorize",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        readonly=False,
        sitemap=False,
    )
    def authorize(self, **_kw):
        server = _server()
        try:
            oauth_request = oauth_server.OdooRequest(request.httprequest)
            grant = server.get_consent_grant(oauth_request, end_user=None)
        except oauth_errors.OAuth2Error as error:
            if error.redirect_uri:
                return server.handle_error_response(None, error)
            return self._error_page(error)
        user = request.env.user
        if not request.session.uid or user._is_public():
            return request.redirect_query("/web/login", {"redirect": request.httprequest.full_path})
        client = grant.request.client.record
        if request.httprequest.method == "POST":
            # Odoo checked the CSRF token of this POST (csrf=True)
            decision = request.httprequest.form.get("decision")
            granted = user if decision == "allow" else None
            return server.create_authorization_response(oauth_request, granted, grant)
        if client.trusted:
            return server.create_authorization_response(oauth_request, user, grant)
        values = {
            "client": client,
            "scopes": grant.request.client.get_allowed_scope(
                request.httprequest.args.get("scope")
            ).split(),
            "params": [(k, v) for k, v in request.httprequest.args.items(multi=True)],
            "user": user,
        }
        return request.render("rest_endpoint.oauth_consent", values, headers=NOT_FRAMED)

    def _error_page(self, error):
        values = {"error": error.error, "description": error.get_error_description()}
        response = request.render("rest_endpoint.oauth_error", values, headers=NOT_FRAMED)
        response.status_code = 400
        return response

    @http.route(
        "/oauth/token",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def token(self, **_kw):
        refused = self._rate_limited()
        if refused is not None:
            return refused
        return _server().create_token_response(oauth_server.OdooRequest(request.httprequest))

    def _rate_limited(self):
        """A 429 past the token endpoint's limit (per client and address),
        else None."""
        limit = int_param(request.env, TOKEN_RATE_PARAM, 60)
        if limit <= 0:
            return None
        httprequest = request.httprequest
        client_id = httprequest.form.get("client_id")
        if not client_id:
            client_id, _secret = extract_basic_authorization(httprequest.headers)
        caller = f"oauth:{client_id or '-'}|{httprequest.remote_addr}"
        allowed, headers = rate_limit.hit(request.db, _TokenLimit(0, limit, 60), caller)
        if allowed:
            return None
        body = {
            "error": "slow_down",
            "error_description": core_ratelimit.refusal(limit, 60, headers["Retry-After"]),
        }
        return _json(429, body, list(headers.items()))

    @http.route(
        "/oauth/revoke",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def revoke(self, **_kw):
        return _endpoint_response(oauth_server.RevocationEndpoint)

    @http.route(
        "/oauth/introspect",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=True,
    )
    def introspect(self, **_kw):
        return _endpoint_response(oauth_server.IntrospectionEndpoint)

    @http.route(
        "/.well-known/oauth-authorization-server",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
        readonly=True,
        sitemap=False,
    )
    def metadata(self, **_kw):
        issuer = _issuer()
        return _json(
            200,
            {
                "issuer": issuer,
                "authorization_endpoint": f"{issuer}/oauth/authorize",
                "token_endpoint": f"{issuer}/oauth/token",
                "revocation_endpoint": f"{issuer}/oauth/revoke",
                "introspection_endpoint": f"{issuer}/oauth/introspect",
                "scopes_supported": request.env["endpoint.oauth.client"].sudo()._scopes_supported(),
                "response_types_supported": ["code"],
                "grant_types_supported": [
                    "authorization_code",
                    "refresh_token",
                    "client_credentials",
                ],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                    "none",
                ],
                "revocation_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                    "none",
                ],
                "introspection_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
            },
        )
