# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A real OAuth client (Authlib's ``OAuth2Session``, on requests) signing a
user in through Odoo's own login page: what a mobile app does with a
browser tab, minus the browser. Used in-process and across two servers."""

import re
from contextlib import nullcontext
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

REDIRECT_URI = "com.example.fieldsales:/oauth/callback"
_CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


def discover(base, headers=None, cookies=None):
    """The server's RFC 8414 metadata (every endpoint is found from it)."""
    response = requests.get(
        f"{base}/.well-known/oauth-authorization-server",
        headers=headers,
        cookies=cookies,
        timeout=20,
    )
    response.raise_for_status()
    return response.json()


def new_session(client_id, scope, metadata, redirect_uri=REDIRECT_URI, headers=None, cookies=None):
    session = OAuth2Session(
        client_id,
        scope=scope,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="none",
        revocation_endpoint_auth_method="none",
        token_endpoint=metadata["token_endpoint"],
    )
    session.headers.update(headers or {})
    if cookies is not None:
        session.cookies = cookies  # HttpCase's test cursor cookie
    return session


def browse_to_callback(browser, url, login, password, redirect_uri=REDIRECT_URI, consent=None):
    """Follow ``url`` as a browser would, logging in on Odoo's login form
    (with its CSRF token) and answering the consent page with ``consent``
    ("allow"/"deny"), until the redirect to the app: return that URL."""
    for _hop in range(12):
        response = browser.get(url, allow_redirects=False, timeout=20)
        while response.status_code in (301, 302, 303, 307, 308):
            location = response.headers["Location"]
            if location.startswith(redirect_uri):
                return location
            url = urljoin(url, location)
            response = browser.get(url, allow_redirects=False, timeout=20)
        if response.status_code != 200:
            raise AssertionError(f"{url}: {response.status_code} {response.text[:500]}")
        page = response.text
        csrf = _CSRF_RE.search(page)
        if "oe_login_form" in page:
            query = parse_qs(urlsplit(url).query)
            response = browser.post(
                urljoin(url, "/web/login"),
                data={
                    "csrf_token": csrf.group(1),
                    "login": login,
                    "password": password,
                    "redirect": query.get("redirect", [""])[0],
                },
                allow_redirects=False,
                timeout=20,
            )
            if response.status_code not in (302, 303):
                raise AssertionError(f"login refused: {response.status_code}")
            url = urljoin(url, response.headers["Location"])
            continue
        if "oauth_consent" in page:
            if consent is None:
                raise AssertionError("unexpected consent page")
            fields = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', page))
            fields["decision"] = consent
            response = browser.post(
                urljoin(url, "/oauth/authorize"), data=fields, allow_redirects=False, timeout=20
            )
            location = response.headers.get("Location", "")
            if location.startswith(redirect_uri):
                return location
            raise AssertionError(f"consent: {response.status_code} {response.text[:300]}")
        raise AssertionError(f"unexpected page at {url}: {page[:300]}")
    raise AssertionError("too many hops")


def sign_in(
    base,
    client_id,
    scope,
    login,
    password,
    consent=None,
    headers=None,
    browser=None,
    around=nullcontext,
):
    """The whole code + PKCE flow: (OAuth2Session with its token, metadata).
    ``headers``: sent by the app (``X-Odoo-Database``); ``browser``: the
    requests session of the user's browser (its cookies choose the
    database where several exist); in-process tests share its cookies with
    the app (Odoo's test server serves only requests with its cookie, set
    within ``around()``)."""
    cookies = browser.cookies if browser is not None else None
    with around():
        metadata = discover(base, headers, cookies)
    session = new_session(client_id, scope, metadata, headers=headers, cookies=cookies)
    verifier = generate_token(48)
    url, state = session.create_authorization_url(
        metadata["authorization_endpoint"], code_verifier=verifier
    )
    browser = browser or requests.Session()
    callback = browse_to_callback(browser, url, login, password, consent=consent)
    with around():
        session.fetch_token(
            metadata["token_endpoint"],
            authorization_response=callback,
            code_verifier=verifier,
            state=state,
        )
    return session, metadata
