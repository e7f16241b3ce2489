# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Records of a model resource as JSON, with their related records embedded
(``fields=name,parent_id(name),child_ids(name,email)``).

Each expanded relation costs one query for the whole page, never one per
record: the related ids come from the cache the page's own query filled,
then one ``search_fetch`` on the related model reads every related record
of the page. That search runs as the resource's user (never sudo), so the
related model's access rights (a model the user may not read: 403) and
record rules apply: a related record the rules hide is left out (``null``
for a many2one). Archived related records are read like active ones (the
relation holds them); a one2many whose field hides archived records keeps
hiding them.
"""

from ..core.resource.expand import sub_metas
from ..core.resource.query import field_names
from ..core.resource.values import record_to_json


def records_to_json(spec, records, fields, nested):
    """The JSON objects of ``records`` with ``fields`` (metas), the
    relations in ``nested`` (``{relation: [related names]}``) embedded."""
    if not records:
        return []
    plain = [meta for meta in fields if meta["name"] not in nested]
    rows = records._read_format(field_names(plain))
    data = [record_to_json(row, plain) for row in rows]
    for name, subnames in nested.items():
        _embed(spec, records, data, name, subnames)
    order = [meta["name"] for meta in fields]
    return [{key: obj[key] for key in order} for obj in data]


def check_relations(model, spec, nested):
    """403 before anything is read if a nested relation's model is closed
    to the user (even when the page has no related record)."""
    for name in nested:
        model.env[spec.by_name[name]["relation"]].check_access("read")


def _embed(spec, records, data, name, subnames):
    meta = spec.by_name[name]
    related = [record[name].ids for record in records]  # cached by the page's query
    wanted = list(dict.fromkeys(i for ids in related for i in ids))
    comodel = records.env[meta["relation"]].with_context(active_test=False)
    subs = sub_metas(spec.expand, name, subnames)
    found = {}
    if wanted:
        fetched = comodel.search_fetch([("id", "in", wanted)], field_names(subs), order="id")
        found = {
            row["id"]: record_to_json(row, subs) for row in fetched._read_format(field_names(subs))
        }
    many2one = meta["type"] == "many2one"
    for obj, ids in zip(data, related, strict=True):
        if many2one:
            obj[name] = found.get(ids[0]) if ids else None
        else:
            obj[name] = [found[i] for i in ids if i in found]
