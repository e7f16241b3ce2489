"""Can two routes match the same path? The guard of Odoo's own routes.

A published endpoint must never change what an Odoo controller answers:
``/<path:p>`` or ``/<string:a>/login`` would take ``/web/login``. Probing one
sample path per route misses most such overlaps, so both routes are compared
segment by segment instead:

* a static segment overlaps a static segment when the texts are equal, and a
  segment with placeholders when its regex matches the text;
* two segments with placeholders overlap unless neither matches a sample of
  the other (``<int:id>`` and ``<uuid:u>``, say);
* a ``path`` placeholder spans one or more segments, and overlaps whatever it
  could swallow.

The answer errs on the side of "they overlap": a route refused for nothing
can be renamed, a shadowed Odoo route breaks the back office.

Pure Python: routes come in as :class:`Segment` lists built from our parsed
routes (:func:`segments_of_parsed`) or from werkzeug rule strings with their
converters (:func:`segments_of_rule`), so the rules are unit-tested without
Odoo.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from .routes import Placeholder

#: Values tried to find a sample of a segment regex: the first that fits is
#: the segment's sample.
_SAMPLE_CANDIDATES = (
    "1",
    "sample",
    "1.5",
    "00000000-0000-0000-0000-000000000001",
    "sample-1",
    "a",
    "-1",
)
_PLACEHOLDER_RE = re.compile(r"<([^<>]*)>")


@dataclass(frozen=True)
class Segment:
    """One path segment: static ``text``, or a ``regex`` for one segment, or
    (``multi``) a placeholder that spans one or more segments."""

    text: str | None = None
    regex: str | None = None
    multi: bool = False
    sample: str | None = None  # a text the regex matches, when one is known

    @property
    def is_static(self):
        return self.text is not None


def _compile(regex):
    return re.compile(f"(?:{regex})\\Z")


@lru_cache(maxsize=4096)
def _matcher(regex):
    return _compile(regex)


@lru_cache(maxsize=4096)
def _sample(regex):
    matcher = _matcher(regex)
    return next((c for c in _SAMPLE_CANDIDATES if matcher.match(c)), None)


def split_segments(route, placeholder_info):
    """Segments of ``route``; ``placeholder_info(inner)`` gives the
    ``(regex, spans_segments)`` of the placeholder written ``<inner>``."""
    route = route.rstrip("/") if len(route) > 1 else route
    segments = []
    for text in route.split("/")[1:]:
        if "<" not in text:
            segments.append(Segment(text=text))
            continue
        pattern, sample, pos, multi = [], [], 0, False
        for match in _PLACEHOLDER_RE.finditer(text):
            static = text[pos : match.start()]
            regex, spans = placeholder_info(match.group(1))
            multi = multi or spans
            pattern += [re.escape(static), f"(?:{regex})"]
            sample += [static, _sample(regex)]
            pos = match.end()
        pattern.append(re.escape(text[pos:]))
        sample.append(text[pos:])
        segments.append(
            Segment(
                regex="".join(pattern),
                multi=multi,
                sample=None if None in sample else "".join(sample),
            )
        )
    return tuple(segments)


def segments_of_rule(rule, converters):
    """Segments of a werkzeug rule string; ``converters`` maps each
    placeholder name to its werkzeug converter instance."""

    def info(inner):
        name = inner.rsplit(":", 1)[-1].strip()
        converter = converters.get(name)
        if converter is None:  # unknown: assume it takes anything
            return "[^/]+", False
        return converter.regex, not getattr(converter, "part_isolating", True)

    return split_segments(rule, info)


def segments_of_parsed(parsed):
    """Segments of a route parsed by :func:`core.routes.parse_route`."""
    by_name = {p.name: p for p in parsed.placeholders}

    def info(inner):
        placeholder = by_name[inner.rsplit(":", 1)[-1].strip()]
        converter = placeholder.make_converter()
        return converter.regex, placeholder.converter == "path"

    return split_segments(parsed.route, info)


def first_segment_is_static(parsed):
    """Whether the route's first segment is plain text: a placeholder there
    (``/<string:a>/...``, ``/<path:p>``) reaches into every path Odoo and
    every module installed later may serve."""
    first = parsed.parts[0] if parsed.parts else ""
    if isinstance(first, Placeholder):
        return False
    return "/" in first[1:] or len(parsed.parts) == 1


def _segment_overlap(a, b):
    if a.is_static and b.is_static:
        return a.text == b.text
    if a.is_static:
        return bool(_matcher(b.regex).match(a.text))
    if b.is_static:
        return bool(_matcher(a.regex).match(b.text))
    sample_a, sample_b = a.sample, b.sample
    if sample_a is None or sample_b is None:
        return True  # cannot tell: assume they do
    return bool(_matcher(b.regex).match(sample_a) or _matcher(a.regex).match(sample_b))


def overlap(a, b):
    """Whether some path matches both segment lists ``a`` and ``b``."""
    memo = {}

    def walk(i, j):
        key = (i, j)
        if key in memo:
            return memo[key]
        if i == len(a) or j == len(b):
            result = i == len(a) and j == len(b)
        elif a[i].multi and b[j].multi:
            result = True  # two catch-alls: some path fits both
        elif a[i].multi:
            # a[i] swallows b[j], b[j + 1], ... (at least one, not empty)
            result = b[j].text != "" and any(walk(i + 1, k) for k in range(j + 1, len(b) + 1))
        elif b[j].multi:
            result = a[i].text != "" and any(walk(k, j + 1) for k in range(i + 1, len(a) + 1))
        else:
            result = _segment_overlap(a[i], b[j]) and walk(i + 1, j + 1)
        memo[key] = result
        return result

    return walk(0, 0)


class RuleIndex:
    """Odoo's routes, indexed by first segment, to check published routes
    against: a route whose first segment is static only meets the rules with
    the same first segment, or with a placeholder there."""

    def __init__(self, rules):
        """``rules``: iterable of ``(rule string, segments)``."""
        self._by_first = {}
        self._dynamic = []
        for text, segments in rules:
            if segments and segments[0].is_static:
                self._by_first.setdefault(segments[0].text, []).append((text, segments))
            else:
                self._dynamic.append((text, segments))

    def conflicts(self, segments):
        """The rule strings that can match a path ``segments`` match."""
        if segments and segments[0].is_static:
            candidates = self._by_first.get(segments[0].text, []) + self._dynamic
        else:
            candidates = [r for rules in self._by_first.values() for r in rules] + self._dynamic
        return [text for text, other in candidates if overlap(segments, other)]
