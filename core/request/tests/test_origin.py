import pytest

from core.request import origin

OWN = origin.trusted_origins(
    ["http://127.0.0.1:8069/", "https://erp.example.com"], ["https://app.example.com", "*"]
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://erp.example.com", "https://erp.example.com"),
        ("HTTPS://ERP.Example.com:443/web?x=1", "https://erp.example.com"),
        ("http://erp.example.com:80", "http://erp.example.com"),
        ("http://127.0.0.1:8069/", "http://127.0.0.1:8069"),
        ("https://[::1]:8443", "https://[::1]:8443"),
        ("null", None),
        ("", None),
        (None, None),
        ("file:///etc/passwd", None),
        ("https://", None),
        ("https://host:notaport", None),
    ],
)
def test_normalize_origin(value, expected):
    assert origin.normalize_origin(value) == expected


def test_trusted_origins_ignore_star_and_junk():
    expected = {"http://127.0.0.1:8069", "https://erp.example.com", "https://app.example.com"}
    assert expected == OWN
    assert origin.trusted_origins([None, "junk"], ["*"]) == frozenset()


@pytest.mark.parametrize(
    ("method", "org", "site"),
    [
        ("GET", "https://evil.example", "cross-site"),  # safe methods are never checked
        ("HEAD", "null", "cross-site"),
        ("OPTIONS", "https://evil.example", None),
        ("POST", None, None),  # curl, scripts
        ("POST", None, "same-origin"),
        ("POST", None, "none"),  # typed in the address bar
        ("POST", "http://127.0.0.1:8069", None),  # the host URL
        ("PUT", "https://erp.example.com", "same-origin"),  # web.base.url
        ("PATCH", "https://ERP.example.com:443", None),
        ("DELETE", "https://app.example.com", "cross-site"),  # a CORS origin
        ("POST", "https://app.example.com", "same-site"),
        # the browser attests same-origin (a proxy may hide our public origin)
        ("POST", "https://erp-public.example.com", "same-origin"),
        ("POST", None, "unknown-value"),
    ],
)
def test_passes(method, org, site):
    assert origin.cross_site_refusal(method, org, site, OWN) is None


@pytest.mark.parametrize(
    ("method", "org", "site", "needle"),
    [
        ("POST", "https://evil.example", "cross-site", "comes from https://evil.example"),
        ("POST", "https://evil.example", None, "neither this server"),
        ("PUT", "null", None, "opaque origin"),
        ("POST", "null", "cross-site", "opaque origin"),
        ("POST", "chrome-extension://abc", None, "unusable origin"),
        ("DELETE", None, "cross-site", "marks the request cross-site"),
        ("POST", None, "same-site", "marks the request same-site"),
        ("POST", None, "Cross-Site", "marks the request cross-site"),
        # another port is another origin
        ("POST", "http://127.0.0.1:8070", None, "http://127.0.0.1:8070"),
        ("POST", "http://erp.example.com", None, "http://erp.example.com"),  # not https
    ],
)
def test_refused(method, org, site, needle):
    message = origin.cross_site_refusal(method, org, site, OWN)
    assert message is not None
    assert needle in message
    assert "CSRF token" in message


def test_star_cors_does_not_open_session_endpoints():
    trusted = origin.trusted_origins(["https://erp.example.com"], ["*"])
    assert origin.cross_site_refusal("POST", "https://any.example", "cross-site", trusted)
