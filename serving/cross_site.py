# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Who may call from a browser: the cross-site checks of session endpoints
and the CORS headers of every endpoint, for ``RestEndpointDispatcher``.

Odoo's session cookie has no ``SameSite`` attribute, so a page of another
site can make the victim's browser send it with a form POST: session
endpoints refuse unsafe cross-site calls unless they carry Odoo's CSRF
token (the decision itself, headers in and verdict out, is pure Python in
``core/request/origin.py``). CORS is deny-by-default: the caller's origin is echoed
only when an endpoint of the path allows it.
"""

from odoo.http import SAFE_HTTP_METHODS

from ..core.request import errors as core_errors
from ..core.request import origin as core_origin


class CrossSiteChecks:
    """Mixed into the dispatcher: needs ``self.request`` and ``self.handler``."""

    def _check_csrf(self, compiled):
        """Refuse, before the body is read, an unsafe request that needs a
        CSRF token and has no valid one; see ``core/request/origin.py``.

        A token is needed when the endpoint's ``csrf`` flag asks for it
        always, and on session endpoints when the browser says the caller is
        another site (Odoo's session cookie has no ``SameSite``). Bearer and
        public endpoints carry no ambient credentials: only the flag applies.
        Returns the refusal message when the token may still come in the
        form body (checked once parsed, within the size limit), else None.
        """
        request = self.request
        httprequest = request.httprequest
        if httprequest.method in SAFE_HTTP_METHODS:
            return None
        refusal = None
        if compiled.auth_type == "user_endpoint":
            headers = httprequest.headers
            trusted = core_origin.trusted_origins(
                (httprequest.host_url, self._base_url()), compiled.cors_origins
            )
            refusal = core_origin.cross_site_refusal(
                httprequest.method, headers.get("Origin"), headers.get("Sec-Fetch-Site"), trusted
            )
        if refusal is None and compiled.config.get("csrf"):
            refusal = (
                "Missing or invalid CSRF token: this endpoint requires Odoo's CSRF token "
                "(X-CSRF-Token header or csrf_token parameter) on every unsafe call."
            )
        if refusal is None:
            return None
        token = httprequest.headers.get("X-CSRF-Token") or httprequest.args.get("csrf_token")
        if token is None and compiled.content_type == "application/x-www-form-urlencoded":
            return refusal
        if not request.validate_csrf(token):
            raise core_errors.Forbidden(refusal)
        return None

    def _check_form_csrf(self, payload, refusal):
        """The ``csrf_token`` field of a form body (taken out of the payload,
        as Odoo does), or the refusal :meth:`_check_csrf` postponed."""
        token = payload.get("csrf_token") if isinstance(payload, dict) else None
        if not isinstance(token, str) or not self.request.validate_csrf(token):
            raise core_errors.Forbidden(refusal)
        # a copy: a retried request (serialization failure) may reuse the payload
        return {key: value for key, value in payload.items() if key != "csrf_token"}

    def _base_url(self):
        return self.request.env["ir.config_parameter"].sudo().get_param("web.base.url")

    def _cors_headers(self):
        """CORS headers for this request: the caller's origin echoed when an
        endpoint of the path allows it, nothing otherwise (the browser then
        denies the call: deny by default)."""
        origin = self.request.httprequest.headers.get("Origin")
        if not origin or self.handler is None:
            return {}
        compiled = self.handler.compiled
        candidates = [compiled] if compiled is not None else self._endpoints_of_path()
        if any(ep.allows_origin(origin) for ep in candidates):
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        return {}

    def _endpoints_of_path(self):
        if self.handler is None:
            return []
        return list(self.handler.entry.methods.values())
