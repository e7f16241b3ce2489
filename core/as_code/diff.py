"""What applying an endpoints file would change: the plan of an import.

``plan()`` compares the definitions in the database with the file's, both in
the normalized form of ``endpoints_yaml.normalize``: endpoints to create,
endpoints to change (field by field), and, only when asked, endpoints to
archive. ``format_plan()`` renders it for a reviewer: short values inline,
multi-line text (snippets, schemas) as a unified diff.

Pruning is scoped to the route groups the file holds (an endpoint without a
group is in group ""): a file exported with ``--group mobile`` can never
archive the endpoints of another group, and an empty file archives nothing.
Pruning archives (``active: false``) rather than deletes: like any edit, it
waits for a sync before callers see it, and it can be undone.
"""

import difflib
from dataclasses import dataclass, field

from .yaml_format import FIELDS, identity, label, sort_key


@dataclass
class Plan:
    create: list = field(default_factory=list)  # file definitions
    change: list = field(default_factory=list)  # (file definition, {key: (old, new)})
    archive: list = field(default_factory=list)  # database definitions
    unchanged: list = field(default_factory=list)  # file definitions

    @property
    def empty(self):
        return not (self.create or self.change or self.archive)

    def counts(self):
        return {
            "create": len(self.create),
            "change": len(self.change),
            "archive": len(self.archive),
            "unchanged": len(self.unchanged),
        }


def changes(old, new):
    """``{key: (old value, new value)}`` of the keys that differ."""
    return {key: (old[key], new[key]) for key in FIELDS if old[key] != new[key]}


def plan(current, wanted, prune=False):
    """The plan that turns ``current`` (database) into ``wanted`` (file).

    ``current`` may hold several definitions with one identity (archived
    duplicates): the first one is matched, so callers pass them in the order
    they prefer (active first).
    """
    by_key = {}
    for definition in current:
        by_key.setdefault(identity(definition), definition)
    result = Plan()
    for definition in sorted(wanted, key=sort_key):
        existing = by_key.get(identity(definition))
        if existing is None:
            result.create.append(definition)
            continue
        diff = changes(existing, definition)
        if diff:
            result.change.append((definition, diff))
        else:
            result.unchanged.append(definition)
    if prune:
        groups = {d["route_group"] for d in wanted}
        keys = {identity(d) for d in wanted}
        result.archive = sorted(
            (
                d
                for d in by_key.values()
                if d["active"] and d["route_group"] in groups and identity(d) not in keys
            ),
            key=sort_key,
        )
    return result


def _value(value):
    if isinstance(value, str):
        return repr(value) if value else "(empty)"
    return repr(value)


def format_plan(result):
    """A plain-text report of ``result``, the same in the CLI and the wizard."""
    lines = []
    for definition in result.create:
        lines.append(f"+ create  {label(definition)}  ({definition['name']})")
    for definition, diff in result.change:
        lines.append(f"~ change  {label(definition)}: {', '.join(diff)}")
        for key, (old, new) in diff.items():
            if isinstance(old, str) and isinstance(new, str) and ("\n" in old or "\n" in new):
                lines.append(f"    {key}:")
                lines.extend(
                    f"      {line.rstrip(chr(10))}"
                    for line in difflib.unified_diff(
                        old.splitlines(True),
                        new.splitlines(True),
                        "database",
                        "file",
                        n=1,
                    )
                )
            else:
                lines.append(f"    {key}: {_value(old)} -> {_value(new)}")
    for definition in result.archive:
        lines.append(f"- archive {label(definition)}  ({definition['name']})")
    counts = result.counts()
    lines.append(
        "{create} to create, {change} to change, {archive} to archive, "
        "{unchanged} unchanged.".format(**counts)
    )
    return "\n".join(lines)
