# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Odoo's own routes come first: which Odoo routes a published route could
take over.

``ir.http._match`` asks Odoo's routing map before the published endpoints,
so at serve time an Odoo route always wins a path both could match (see
``models/ir_http.py``). This module is the save-time side: a route that
could match a path some installed controller serves is refused when it is
saved, and published routes are checked again whenever modules are
installed or upgraded (see ``models/endpoint_publish.py``).

Odoo's map is indexed once per map (it is rebuilt, as a new object, when
modules change), by first segment: a check costs a few regex matches.
"""

import threading

from ..core.routing.route_overlap import RuleIndex, segments_of_parsed, segments_of_rule


def _routing_map(env):
    # routing_map() finds its registry through the thread's database name,
    # which is not set while a registry loads (the install hook runs then).
    thread = threading.current_thread()
    previous = getattr(thread, "dbname", None)
    thread.dbname = env.cr.dbname
    try:
        return env["ir.http"].routing_map()
    finally:
        if previous is None:
            del thread.dbname
        else:
            thread.dbname = previous


def odoo_rule_index(env):
    """The :class:`RuleIndex` of Odoo's current routing map."""
    routing_map = _routing_map(env)
    index = getattr(routing_map, "_rest_endpoint_index", None)
    if index is None:
        index = RuleIndex(
            (rule.rule, segments_of_rule(rule.rule, rule._converters))
            for rule in routing_map.iter_rules()
        )
        routing_map._rest_endpoint_index = index
    return index


def odoo_conflicts(env, parsed):
    """The Odoo route strings that can match a path ``parsed`` matches."""
    return odoo_rule_index(env).conflicts(segments_of_parsed(parsed))
