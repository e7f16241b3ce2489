# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Bulk create of a model resource: a JSON array body on the collection's
``POST`` creates every record in one ``create()`` call, in the request's
transaction, or none.

Every item is checked before anything is written, and the 400 lists each
problem of each item with its index as the first step of its JSON pointer
(``/2/email``). A problem Odoo finds while creating (a database constraint,
a record leaving the resource's domain) fails the whole request: the
transaction is rolled back, nothing is half-written.
"""

from ..core.request import errors as core_errors
from ..core.request.schema import raise_validation_error


def create_many(spec, model, payload, values):
    """The created records of an array body; ``values(item)`` gives the ORM
    values of one item or raises the 400 of its problems."""
    if not payload:
        raise core_errors.BadRequest("An array body creates at least one record: it is empty.")
    if len(payload) > spec.max_batch:
        raise core_errors.BadRequest(
            f"An array body creates at most {spec.max_batch} records per request "
            f"(got {len(payload)}): split it."
        )
    all_vals, errors = [], []
    for index, item in enumerate(payload):
        try:
            all_vals.append(values(item))
        except core_errors.RequestValidationError as exc:
            errors += [dict(e, path=f"/{index}{e['path']}") for e in exc.errors]
    if errors:
        raise_validation_error(errors)  # in the order of the items
    defaults = {k: v for k, v in spec.defaults.items() if k in model._fields}
    records = model.create([{**defaults, **vals} for vals in all_vals])
    if spec.domain:
        inside = records.filtered_domain(spec.domain)
        outside = [i for i, record in enumerate(records) if record not in inside]
        if outside:
            raise_validation_error(
                [
                    {
                        "path": f"/{index}",
                        "message": "The record would be outside this resource: its values "
                        "must satisfy the resource's domain.",
                        "validator": "domain",
                    }
                    for index in outside
                ]
            )
    return records
