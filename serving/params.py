# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""System parameters (``ir.config_parameter``) read by the request path.

One reading rule for each kind, so that a typo in Settings > Technical >
System Parameters never breaks a request: a boolean is off when empty or
one of "0", "false", "no", "off"; a number that does not parse is its
default. A module of its own, because the dispatcher, the request log and
the log model all read them and the dispatcher imports the request log.
"""

import math


def _get(env, key):
    return env["ir.config_parameter"].sudo().get_param(key)


def param_enabled(env, key):
    """Whether a boolean system parameter is on."""
    value = _get(env, key) or ""
    return value.strip().lower() not in ("", "0", "false", "no", "off")


def int_param(env, key, default):
    """An integer system parameter; ``default`` when unset or not a number."""
    value = _get(env, key)
    try:
        return int(value) if value else default
    except ValueError:
        return default


def float_param(env, key, default):
    """A finite number system parameter; ``default`` when unset or not one."""
    value = _get(env, key)
    try:
        number = float(value) if value else default
    except ValueError:
        return default
    return number if math.isfinite(number) else default


def list_param(env, key):
    """A list system parameter: names separated by commas or spaces,
    lowercased, as a sorted tuple (empty when unset)."""
    value = _get(env, key) or ""
    return tuple(sorted({name for name in value.replace(",", " ").lower().split() if name}))
