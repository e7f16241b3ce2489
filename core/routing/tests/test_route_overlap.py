import pytest
from werkzeug.routing import Map, Rule

from core.routing.route_overlap import (
    RuleIndex,
    first_segment_is_static,
    overlap,
    segments_of_parsed,
    segments_of_rule,
)
from core.routing.routes import parse_route


def ours(route):
    return segments_of_parsed(parse_route(route))


def werkzeug_rule(text):
    """Segments of a werkzeug rule as Odoo's routing map holds it."""
    rule = Rule(text, endpoint="x")
    Map([rule])  # binds the rule, which builds its converters
    return segments_of_rule(rule.rule, rule._converters)


ODOO_RULES = [
    "/web/login",
    "/web/session/authenticate",
    "/web/webclient/version_info",
    "/websocket",
    "/web/content/<int:id>-<string:unique>",
    "/web/image/<string:model>/<int:id>/<string:field>",
    "/json/2/<model>/<method>",
    "/odoo/<path:subpath>",
    "/",
]


@pytest.mark.parametrize(
    ("route", "rule"),
    [
        ("/<path:p>", "/websocket"),
        ("/<path:p>", "/web/webclient/version_info"),
        ("/<string:a>/login", "/web/login"),
        ("/<string:a>/<string:b>", "/web/login"),
        ("/web/<int:x>", "/web/<string:y>"),
        ("/api/<path:p>/end", "/api/a/b/c/end"),
        ("/odoo/action", "/odoo/<path:subpath>"),
        ("/json/2/res.partner/search", "/json/2/<model>/<method>"),
        ("/api/item-<int:i>", "/api/<string:s>"),
    ],
)
def test_overlapping_routes(route, rule):
    assert overlap(ours(route), werkzeug_rule(rule))
    assert overlap(werkzeug_rule(rule), ours(route))


@pytest.mark.parametrize(
    ("route", "rule"),
    [
        ("/api/customers", "/web/login"),
        ("/api/<int:i>", "/api/<uuid:u>"),
        ("/api/a/<int:i>", "/api/b/<int:i>"),
        ("/api/<int:i>/x", "/api/<int:i>"),
        ("/webhooks/in", "/web/<string:s>"),
        ("/api/<path:p>", "/api"),
        ("/api/item-<int:i>", "/api/other-<int:i>"),
    ],
)
def test_disjoint_routes(route, rule):
    assert not overlap(ours(route), werkzeug_rule(rule))
    assert not overlap(werkzeug_rule(rule), ours(route))


def test_trailing_slash_of_a_rule_is_ignored():
    # Odoo's map has strict_slashes=False: /web/ and /web are one path.
    assert overlap(ours("/odoo"), werkzeug_rule("/odoo/"))


@pytest.mark.parametrize(
    ("route", "static"),
    [
        ("/api/x", True),
        ("/api", True),
        ("/api/<int:i>", True),
        ("/<path:p>", False),
        ("/<string:a>/login", False),
        ("/api<int:i>", False),
    ],
)
def test_first_segment_is_static(route, static):
    assert first_segment_is_static(parse_route(route)) is static


def test_rule_index_finds_every_conflict_and_only_those():
    index = RuleIndex((text, werkzeug_rule(text)) for text in ODOO_RULES)
    assert index.conflicts(ours("/api/customers/<int:id>")) == []
    # /odoo/login fits /odoo/<path:subpath> too
    assert set(index.conflicts(ours("/<string:a>/login"))) == {
        "/web/login",
        "/odoo/<path:subpath>",
    }
    assert index.conflicts(ours("/odoo/x/y")) == ["/odoo/<path:subpath>"]
    assert set(index.conflicts(ours("/<path:p>"))) == set(ODOO_RULES) - {"/"}


def test_rule_index_dynamic_rule_meets_every_route():
    index = RuleIndex([("/<string:page>", werkzeug_rule("/<string:page>"))])
    assert index.conflicts(ours("/shop")) == ["/<string:page>"]
    assert index.conflicts(ours("/shop/items")) == []
