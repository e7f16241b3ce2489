import pytest

from core.routing.router import Router
from core.routing.routes import (
    RouteError,
    normalize_route,
    parse_route,
    reserved_prefix,
    sample_path,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("api/x", "/api/x"),
        ("  /api/x/ ", "/api/x"),
        ("/", "/"),
        ("", ""),
        (None, ""),
        ("/api/<int:id>/", "/api/<int:id>"),
    ],
)
def test_normalize(raw, expected):
    assert normalize_route(raw) == expected


def test_parse_converters():
    parsed = parse_route("/api/customers/<int:customer_id>/orders/<string(length=4):code>")
    assert [p.name for p in parsed.placeholders] == ["customer_id", "code"]
    assert parsed.static_prefix == ("api", "customers")
    assert not parsed.is_static
    assert parse_route("/api/ping").is_static


@pytest.mark.parametrize(
    ("route", "needle"),
    [
        ("/api/<int:id", "unbalanced"),
        ("/api/<foo:id>", "unknown converter"),
        ("/api/<int:1id>", "not a valid parameter"),
        ("/api/<int:id>/<int:id>", "twice"),
        ("/api/<int(bogus=2):id>", "invalid converter arguments"),
        ("/api//x", "empty path segment"),
        ("/api/x?y=1", "must be a path"),
        ("/api/a b", "must be a path"),
        ("/api/<a><b>", "separated"),
        ("/api/é", "not allowed"),
    ],
)
def test_parse_rejects(route, needle):
    with pytest.raises(RouteError, match=needle):
        parse_route(route)


@pytest.mark.parametrize(
    ("route", "prefix"),
    [
        ("/", "/"),
        ("/web", "/web"),
        ("/web/session/x", "/web"),
        ("/json/2/res.partner", "/json"),
        ("/jsonrpc", "/jsonrpc"),
        ("/xmlrpc/2/object", "/xmlrpc"),
        ("/odoo/action-1", "/odoo"),
        ("/doc", "/doc"),
        ("/websocket", "/websocket"),
        ("/website/x", None),
        ("/webhook", None),
        ("/api/web", None),
        ("/jsonx", None),
    ],
)
def test_reserved(route, prefix):
    assert reserved_prefix(route) == prefix


def test_sample_path_matches_its_route():
    route = "/api/<int:a>/<path:b>/<uuid:c>/<float:d>/<any(x, y):e>/<f>"
    router = Router()
    router.set(route, "GET", "target")
    entry, args = router.match(sample_path(parse_route(route)))
    assert entry.route == route
    assert args["a"] == 1
    assert args["e"] == "x"


def test_router_static_and_methods():
    router = Router()
    router.set("/api/items", "GET", "list")
    router.set("/api/items", "POST", "create")
    entry, args = router.match("/api/items")
    assert entry.methods == {"GET": "list", "POST": "create"}
    assert entry.allowed_methods == ["GET", "POST"]
    assert args == {}
    assert router.match("/api/items/") is not None
    assert router.match("/api/other") is None
    assert len(router) == 2


def test_router_converters():
    router = Router()
    router.set("/api/customer/<int:customer_id>", "GET", "one")
    router.set("/api/customer/<int:customer_id>/orders", "GET", "orders")
    router.set("/api/customer/new", "GET", "new")
    router.set("/api/files/<path:rest>", "GET", "files")
    entry, args = router.match("/api/customer/42")
    assert entry.methods["GET"] == "one"
    assert args == {"customer_id": 42}
    assert isinstance(args["customer_id"], int)
    assert router.match("/api/customer/42/orders")[0].methods["GET"] == "orders"
    assert router.match("/api/customer/new")[0].methods["GET"] == "new"
    assert router.match("/api/customer/abc") is None
    assert router.match("/api/files/a/b/c")[1] == {"rest": "a/b/c"}


def test_router_discard():
    router = Router()
    router.set("/api/customer/<int:cid>", "GET", "one")
    router.set("/api/customer/<int:cid>", "PUT", "put")
    router.discard("/api/customer/<int:cid>", "GET")
    entry, _args = router.match("/api/customer/1")
    assert entry.allowed_methods == ["PUT"]
    router.discard("/api/customer/<int:cid>", "PUT")
    assert router.match("/api/customer/1") is None
    router.discard("/api/nothing", "GET")  # no error
    assert len(router) == 0


def test_router_many_routes():
    router = Router()
    for i in range(1000):
        router.set(f"/api/r{i}/<int:x>", "GET", i)
        router.set(f"/api/s{i}", "GET", -i)
    assert router.match("/api/r999/3")[0].methods["GET"] == 999
    assert router.match("/api/s500")[0].methods["GET"] == -500
    assert len(router) == 2000


def test_router_copy_is_independent():
    router = Router()
    router.set("/api/a", "GET", "a")
    router.set("/api/b/<int:x>", "GET", "b")
    clone = router.clone()
    clone.set("/api/a", "POST", "a2")
    clone.discard("/api/b/<int:x>", "GET")
    assert router.match("/api/a")[0].allowed_methods == ["GET"]
    assert router.match("/api/b/1") is not None
    assert clone.match("/api/a")[0].allowed_methods == ["GET", "POST"]
    assert clone.match("/api/b/1") is None


def test_router_discard_only_its_target():
    router = Router()
    router.set("/api/a", "GET", "new")
    router.discard("/api/a", "GET", "old")
    assert router.match("/api/a")[0].methods == {"GET": "new"}


@pytest.mark.parametrize(
    ("route", "path", "expected"),
    [
        # ids are PostgreSQL integers: a larger value is no id, so no match
        ("/api/c/<int:cid>", "/api/c/2147483647", {"cid": 2**31 - 1}),
        ("/api/c/<int:cid>", "/api/c/2147483648", None),
        ("/api/c/<int:cid>", "/api/c/99999999999999999999", None),
        # over Python's 4300-digit limit for int(): no ValueError, no match
        ("/api/c/<int:cid>", "/api/c/" + "9" * 5000, None),
        ("/api/c/<int(signed=True):n>", "/api/c/-2147483648", {"n": -(2**31)}),
        ("/api/c/<int(signed=True):n>", "/api/c/-2147483649", None),
        # the route's own bounds win
        ("/api/c/<int(max=10000000000):n>", "/api/c/9999999999", {"n": 9999999999}),
        ("/api/c/<int(max=9):n>", "/api/c/10", None),
        ("/api/c/<int(min=10):n>", "/api/c/10", {"n": 10}),
        ("/api/c/<int(min=10):n>", "/api/c/9", None),
        # a float path never reads as inf
        ("/api/f/<float:x>", "/api/f/1.5", {"x": 1.5}),
        ("/api/f/<float:x>", "/api/f/" + "9" * 400 + ".5", None),
    ],
)
def test_router_numeric_bounds(route, path, expected):
    router = Router()
    router.set(route, "GET", "target")
    found = router.match(path)
    assert (found[1] if found else None) == expected
