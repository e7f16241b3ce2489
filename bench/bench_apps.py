"""Targets of apps (issue 21), for ``bench.py``'s main group: a resource
list with related records expanded against the JSON-2 calls an app makes
for the same data, and POSTs with a new ``Idempotency-Key`` each time
against the same POSTs without it: one that creates a contact (a model
resource: what keys are for) and one that writes nothing (the key is then
the only write, and the request pays a durable commit it never paid)."""

import json
import subprocess

from bench_setup import (
    COMPANIES,
    COMPANY_FIELDS,
    CONTACT_FIELDS,
    CONTACTS_PER_COMPANY,
    DB_OURS,
    ORDER,
)

#: the contact the creating POST sends (in the resource's domain)
CONTACT = {"name": "Bench new contact", "email": "new@example.com", "ref": "bench-new"}


def app_targets(bench):
    """Related records and idempotency keys (issue 21). The JSON-2 side
    of the expanded list is the two calls an app makes for the same
    data (the companies, then the contacts whose parent_id is one of
    them: their parent_id ties them to their company), sent in turn on
    each connection: its req/s are halved into pairs/s (``calls``)."""
    ours, j = bench.ours, "application/json"
    json2 = bench.headers(DB_OURS, ours["key"], j)
    contacts = ",".join(CONTACT_FIELDS)
    expanded = f"companies + {CONTACTS_PER_COMPANY} contacts each"
    return {
        f"resource list, {COMPANIES} {expanded} expanded": (
            f"/bench/res/companies?fields={','.join(COMPANY_FIELDS)},child_ids({contacts})",
            {"headers": bench.headers(DB_OURS, ours["key"])},
        ),
        f"JSON-2, {COMPANIES} {expanded}: 2 search_read (pairs/s, ms per call)": (
            "/json/2/res.partner/search_read",
            {
                "calls": 2,
                "sequence": [
                    {
                        "method": "POST",
                        "path": "/json/2/res.partner/search_read",
                        "headers": json2,
                        "body": json.dumps(
                            {
                                "domain": [["ref", "=", "bench-co"]],
                                "fields": list(COMPANY_FIELDS),
                                "limit": COMPANIES,
                                "order": "id",
                            }
                        ),
                    },
                    {
                        "method": "POST",
                        "path": "/json/2/res.partner/search_read",
                        "headers": json2,
                        "body": json.dumps(
                            {
                                "domain": [["parent_id", "in", ours["companies"]]],
                                "fields": [*CONTACT_FIELDS, "parent_id"],
                                "order": "id",
                            }
                        ),
                    },
                ],
            },
        ),
        "resource POST, creates a contact": (
            "/bench/res/contacts",
            {"method": "POST", "body": json.dumps(CONTACT), "headers": json2},
        ),
        "resource POST, creates a contact + Idempotency-Key (new key each)": (
            "/bench/res/contacts",
            {
                "method": "POST",
                "body": json.dumps(CONTACT),
                "headers": json2,
                "unique_header": "Idempotency-Key",
            },
        ),
        "rest_endpoint POST + Idempotency-Key (new key each)": (
            "/bench/ep/order",
            {
                "method": "POST",
                "body": json.dumps(ORDER),
                "headers": bench.headers(DB_OURS, None, j),
                "unique_header": "Idempotency-Key",
            },
        ),
    }


def check_expanded(name, body):
    """The expanded list answers what the JSON-2 pair reads."""
    rows = body.get("data") if isinstance(body, dict) else body
    ok = len(rows) == COMPANIES and all(
        len(row["child_ids"]) == CONTACTS_PER_COMPANY
        and all(set(child) >= set(CONTACT_FIELDS) for child in row["child_ids"])
        for row in rows
    )
    if not ok:
        raise RuntimeError(f"{name}: unexpected answer {json.dumps(body)[:300]}")


def stored_keys():
    out = subprocess.run(
        ["psql", "-d", DB_OURS, "-tAc", "SELECT count(*) FROM endpoint_idempotency"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.strip())
