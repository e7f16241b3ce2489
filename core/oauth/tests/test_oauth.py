"""Token formats, redirect URI matching (RFC 8252) and scope rules."""

import pytest

from ..clients import (
    bad_scopes,
    check_registered_uri,
    granted_scopes,
    redirect_uri_lines,
    redirect_uri_matches,
    scope_list,
)
from ..tokens import (
    ACCESS_PREFIX,
    REFRESH_PREFIX,
    is_access_token,
    looks_like_jwt,
    new_token,
    same_hash,
    token_hash,
)


def test_tokens_are_random_prefixed_and_hashed():
    first, second = new_token(ACCESS_PREFIX), new_token(ACCESS_PREFIX)
    assert first != second
    assert is_access_token(first)
    assert not is_access_token(new_token(REFRESH_PREFIX))
    assert not is_access_token("0" * 40)  # an API key
    assert len(token_hash(first)) == 64 and first not in token_hash(first)
    assert same_hash(first, token_hash(first))
    assert not same_hash(second, token_hash(first))
    assert not same_hash(first, None)


def test_jwt_shape():
    assert looks_like_jwt("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")
    assert looks_like_jwt("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")  # alg none: refused later
    assert not looks_like_jwt(new_token(ACCESS_PREFIX))
    assert not looks_like_jwt("0" * 40)


@pytest.mark.parametrize(
    "uri, ok",
    [
        ("com.example.fieldsales:/oauth/callback", True),
        ("https://app.example.com/cb", True),
        ("http://127.0.0.1/cb", True),
        ("http://127.0.0.1:8080/cb", True),
        ("http://[::1]:8080/cb", True),
        ("http://localhost/cb", False),  # RFC 8252 8.3: loopback IP literals
        ("http://example.com/cb", False),
        ("https://app.example.com/cb#frag", False),
        ("myapp:/cb", False),  # private-use schemes are reverse domain names
        ("/relative", False),
    ],
)
def test_registered_uris(uri, ok):
    assert (check_registered_uri(uri) is None) == ok


def test_redirect_uri_exact_match_and_loopback_port():
    registered = redirect_uri_lines(
        " com.example.fieldsales:/oauth/callback \n\nhttp://127.0.0.1/cb\nhttps://a.example/cb"
    )
    assert registered == [
        "com.example.fieldsales:/oauth/callback",
        "http://127.0.0.1/cb",
        "https://a.example/cb",
    ]
    assert redirect_uri_matches(registered, "com.example.fieldsales:/oauth/callback")
    assert redirect_uri_matches(registered, "http://127.0.0.1:51234/cb")  # any port
    assert not redirect_uri_matches(registered, "http://127.0.0.1:51234/other")
    assert not redirect_uri_matches(registered, "http://localhost:51234/cb")
    assert not redirect_uri_matches(registered, "https://a.example/cb/")
    assert not redirect_uri_matches(registered, "https://a.example:444/cb")
    assert not redirect_uri_matches(registered, "com.example.fieldsales:/oauth/callback?x=1")
    assert not redirect_uri_matches(registered, "")


def test_scopes():
    assert scope_list("mobile  sales mobile") == ["mobile", "sales"]
    assert bad_scopes(["mobile", "no way", "ok.1"]) == ["no way"]
    assert granted_scopes("", "mobile sales") == ["mobile", "sales"]
    assert granted_scopes("sales", "mobile sales") == ["sales"]
    assert granted_scopes("admin", "mobile sales") is None
    assert granted_scopes(None, "") == []
