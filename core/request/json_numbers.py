"""Finite numbers only, for the JSON bodies of ``body.parse_json``.

``NaN`` and ``Infinity`` are not JSON, and Python's decoder reads ``1e999`` as
``inf``: a value no schema bound catches, no column stores, and which would
be echoed back as invalid JSON. :func:`finite_float` and
:func:`reject_constant` are the decoder's hooks; they cannot know where in
the text they were called, so :func:`non_finite_message` finds it on the
error path only, and the caller gets a position like for any syntax error.
"""

import math
import re


class NonFiniteNumber(ValueError):
    """A JSON number that is not a finite double, or NaN/Infinity."""

    def __init__(self, token):
        super().__init__(token)
        self.token = token


def finite_float(token):
    value = float(token)
    if math.isinf(value):  # a literal never reads as NaN
        raise NonFiniteNumber(token)
    return value


def reject_constant(name):
    raise NonFiniteNumber(name)


_CONSTANTS = ("NaN", "Infinity", "-Infinity")
# A JSON string, or a number or constant outside strings (group 1).
_JSON_SCAN_RE = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)')


def non_finite_message(text, token):
    """Name the refused number with its position. The decoder's callbacks do
    not get one, so on this (error) path only, the text is scanned again for
    the first number outside strings that is not finite: the one the decoder
    stopped at, as everything before it parsed."""
    if token in _CONSTANTS:
        what = f"{token} is not valid JSON"
    else:
        what = f"{token} is out of range (JSON numbers must be finite doubles)"
    for match in _JSON_SCAN_RE.finditer(text):
        found = match.group(1)
        if found is None or not (found in _CONSTANTS or _is_infinite(found)):
            continue
        pos = match.start(1)
        line = text.count("\n", 0, pos) + 1
        column = pos - text.rfind("\n", 0, pos)
        return f"{what} at line {line}, column {column} (char {pos})"
    return what


def _is_infinite(number):
    # integers are read exactly (as int), only floats overflow
    return any(c in number for c in ".eE") and math.isinf(float(number))
