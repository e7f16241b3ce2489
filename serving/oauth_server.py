# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The OAuth 2.1 authorization server: Authlib's grants bound to Odoo.

Authlib does the protocol (RFC 6749 grants and errors, RFC 7636 PKCE,
RFC 7009 revocation, RFC 7662 introspection); this module gives it the
request, the clients, the codes and the tokens (``endpoint.oauth.*``), and
the rules of OAuth 2.1 and RFC 9700 that Authlib leaves to its user:

- PKCE is mandatory for every client, with ``S256`` only;
- a code is single use (a second use revokes what it issued);
- refresh tokens rotate; a refresh token used twice revokes its family;
- scopes are endpoint scopes the client may request (``core/oauth``).
"""

import json
from collections import defaultdict
from functools import cached_property

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import rfc6749, rfc7009, rfc7636, rfc7662
from authlib.oauth2.rfc6749 import errors as oauth_errors
from authlib.oauth2.rfc6749 import grants

from odoo.http import Response

from ..core.oauth import clients as core_clients

JSON_HEADERS = [("Content-Type", "application/json"), ("Cache-Control", "no-store")]


class OdooPayload(rfc6749.OAuth2Payload):
    def __init__(self, httprequest):
        self._values = httprequest.values

    @property
    def data(self):
        return self._values

    @cached_property
    def datalist(self):
        values = defaultdict(list)
        for key in self._values:
            values[key].extend(self._values.getlist(key))
        return values


class OdooRequest(rfc6749.OAuth2Request):
    def __init__(self, httprequest):
        super().__init__(httprequest.method, httprequest.url, headers=httprequest.headers)
        self._httprequest = httprequest
        self.payload = OdooPayload(httprequest)

    @property
    def args(self):
        return self._httprequest.args

    @property
    def form(self):
        return self._httprequest.form


class Client(rfc6749.ClientMixin):
    """An ``endpoint.oauth.client`` record as Authlib sees a client."""

    def __init__(self, record):
        self.record = record
        self.client_id = record.client_id

    def get_client_id(self):
        return self.record.client_id

    def get_default_redirect_uri(self):
        uris = core_clients.redirect_uri_lines(self.record.redirect_uris)
        return uris[0] if len(uris) == 1 else None

    def get_allowed_scope(self, scope):
        granted = core_clients.granted_scopes(scope, self.record.scopes)
        return " ".join(granted or [])

    def check_redirect_uri(self, redirect_uri):
        registered = core_clients.redirect_uri_lines(self.record.redirect_uris)
        return core_clients.redirect_uri_matches(registered, redirect_uri)

    def check_client_secret(self, client_secret):
        return self.record.check_secret(client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        if self.record.client_type == "public":
            return method == "none" and endpoint != "introspection"
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code" and bool(self.record.redirect_uris)

    def check_grant_type(self, grant_type):
        if grant_type == "client_credentials":
            return self.record.allow_client_credentials
        return grant_type in ("authorization_code", "refresh_token") and bool(
            self.record.redirect_uris
        )


class Code(rfc6749.AuthorizationCodeMixin):
    def __init__(self, grant):
        self.grant = grant

    def get_redirect_uri(self):
        return self.grant.redirect_uri

    def get_scope(self):
        return self.grant.scope

    @property
    def code_challenge(self):
        return self.grant.code_challenge

    @property
    def code_challenge_method(self):
        return self.grant.code_challenge_method


class Token(rfc6749.TokenMixin):
    def __init__(self, record):
        self.record = record

    def check_client(self, client):
        return self.record.grant_id.client_id == client.record

    def get_scope(self):
        return self.record.grant_id.scope

    def get_expires_in(self):
        return 0

    def is_expired(self):
        return not self.record._is_live()

    def is_revoked(self):
        return self.record.revoked or self.record.grant_id.revoked


def _check_scope(grant):
    """Refuse (``invalid_scope``) a scope the client may not request."""
    scope = grant.request.payload.scope
    client = grant.request.client
    if scope and core_clients.granted_scopes(scope, client.record.scopes) is None:
        raise oauth_errors.InvalidScopeError()
    if not core_clients.granted_scopes(scope, client.record.scopes):
        raise oauth_errors.InvalidScopeError("The client has no scope: give it endpoint scopes.")


class S256Only(rfc7636.CodeChallenge):
    """PKCE for every client, ``S256`` only (OAuth 2.1, RFC 9700 2.1.1)."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise oauth_errors.InvalidRequestError("PKCE is required: send 'code_challenge'.")
        if data.get("code_challenge_method") != "S256":
            raise oauth_errors.InvalidRequestError(
                "Only 'code_challenge_method=S256' is supported."
            )
        return super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant, result):
        if not grant.request.form.get("code_verifier"):
            raise oauth_errors.InvalidRequestError("Missing 'code_verifier'.")
        return super().validate_code_verifier(grant, result)


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    def validate_requested_scope(self):
        _check_scope(self)

    def save_authorization_code(self, code, request):
        raise NotImplementedError  # codes are made by create_authorization_response

    def create_authorization_response(self, redirect_uri, grant_user):
        if not grant_user:
            raise oauth_errors.AccessDeniedError(redirect_uri=redirect_uri)
        data = self.request.payload.data
        client = self.request.client
        scope = " ".join(core_clients.granted_scopes(data.get("scope"), client.record.scopes))
        code = self.server.env["endpoint.oauth.grant"]._create_code(
            client.record,
            grant_user,
            scope,
            redirect_uri,
            data.get("code_challenge"),
            data.get("code_challenge_method"),
        )
        params = [("code", code)]
        if self.request.payload.state:
            params.append(("state", self.request.payload.state))
        return 302, "", [("Location", add_params_to_uri(redirect_uri, params))]

    def query_authorization_code(self, code, client):
        grants_model = self.server.env["endpoint.oauth.grant"]
        grant = grants_model._find_code(code, client.record)
        if not grant:
            return None
        if not grant._use_code():
            grant._revoke()  # used by a concurrent request: a replay
            return None
        return Code(grant)

    def delete_authorization_code(self, authorization_code):
        """Kept, marked used: a second use must find it to revoke its tokens."""

    def authenticate_user(self, authorization_code):
        user = authorization_code.grant.user_id
        return user if user.active else None


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token):
        record = self.server.env["endpoint.oauth.token"]._find(refresh_token, "refresh")
        if not record:
            return None
        if record.used or not record._claim():
            # a rotated refresh token used again: the family is compromised
            record.grant_id._revoke()
            return None
        if not record._is_live():
            return None
        return Token(record)

    def authenticate_user(self, refresh_token):
        user = refresh_token.record.grant_id.user_id
        return user if user.active else None

    def revoke_old_credential(self, refresh_token):
        """Already marked used by :meth:`authenticate_refresh_token`."""


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def validate_requested_scope(self):
        _check_scope(self)


class RevocationEndpoint(rfc7009.RevocationEndpoint):
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    def query_token(self, token_string, token_type_hint):
        record = self.server.env["endpoint.oauth.token"]._find(token_string)
        return Token(record) if record else None

    def authenticate_token(self, request, client):
        self.check_params(request, client)
        token = self.query_token(request.form.get("token"), None)
        # RFC 7009 2.2: an unknown token, or another client's, is a 200
        return token if token and token.check_client(client) else None

    def create_endpoint_response(self, request):
        client = self.authenticate_endpoint_client(request)
        token = self.authenticate_token(request, client)
        if token is not None:
            self.revoke_token(token, request)
        return 200, {}, JSON_HEADERS

    def revoke_token(self, token, request):
        # revoking a refresh token revokes the grant (RFC 7009 2.1)
        if token.record.kind == "refresh":
            token.record.grant_id._revoke()
        else:
            token.record.revoked = True


class IntrospectionEndpoint(rfc7662.IntrospectionEndpoint):
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def query_token(self, token_string, token_type_hint):
        record = self.server.env["endpoint.oauth.token"]._find(token_string)
        return Token(record) if record else None

    def check_permission(self, token, client, request):
        return client.record.client_type == "confidential"

    def introspect_token(self, token):
        record = token.record
        grant = record.grant_id
        return {
            "active": True,
            "client_id": grant.client_id.client_id,
            "token_type": "Bearer" if record.kind == "access" else "refresh_token",
            "username": grant.user_id.login,
            "scope": grant.scope,
            "sub": str(grant.user_id.id),
            "exp": int(record.expires_at.timestamp()),
            "iat": int(record.create_date.timestamp()),
            "iss": self.server.issuer,
        }


class Server(rfc6749.AuthorizationServer):
    """One authorization server per request, bound to a superuser env."""

    def __init__(self, env, issuer):
        super().__init__()
        self.env = env
        self.issuer = issuer
        self.register_token_generator("default", self._generate_token)
        self.register_grant(AuthorizationCodeGrant, [S256Only(required=True)])
        self.register_grant(RefreshTokenGrant)
        self.register_grant(ClientCredentialsGrant)
        self.register_endpoint(RevocationEndpoint)
        self.register_endpoint(IntrospectionEndpoint)

    def query_client(self, client_id):
        if not client_id:
            return None
        record = self.env["endpoint.oauth.client"].search([("client_id", "=", client_id)], limit=1)
        return Client(record) if record else None

    def _generate_token(self, grant_type, client, user=None, scope=None, **kw):
        granted = core_clients.granted_scopes(scope, client.record.scopes)
        if not granted:
            raise oauth_errors.InvalidScopeError()
        token = {
            "token_type": "Bearer",
            "expires_in": client.record.access_token_lifetime,
            "scope": " ".join(granted),
        }
        if kw.get("include_refresh_token", True) and grant_type != "client_credentials":
            token["refresh_token"] = True  # made by save_token with its row
        return token

    def save_token(self, token, request):
        grant_model = self.env["endpoint.oauth.grant"]
        tokens = self.env["endpoint.oauth.token"]
        client = request.client.record
        if request.authorization_code is not None:
            grant = request.authorization_code.grant
        elif request.refresh_token is not None:
            grant = request.refresh_token.record.grant_id
        else:
            grant = grant_model.create(
                {"client_id": client.id, "user_id": client.user_id.id, "scope": token["scope"]}
            )
        grant.last_use = grant._fields["last_use"].default(grant)
        token["access_token"] = tokens._issue(grant, client.access_token_lifetime, "access")
        if token.pop("refresh_token", None):
            token["refresh_token"] = tokens._issue(grant, client.refresh_token_lifetime, "refresh")

    def create_oauth2_request(self, request):
        return request if isinstance(request, OdooRequest) else OdooRequest(request)

    def create_json_request(self, request):
        raise NotImplementedError

    def handle_response(self, status, body, headers):
        headers = list(headers or [])
        if isinstance(body, dict):
            body = json.dumps(body)
            if not any(name.lower() == "content-type" for name, _ in headers):
                headers.append(("Content-Type", "application/json"))
        return Response(body, status=status, headers=headers)

    def send_signal(self, name, *args, **kwargs):
        """Authlib's signals: nothing listens here."""
