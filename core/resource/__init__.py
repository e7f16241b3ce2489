"""Model resources without Odoo: the query language of a list (filters, order,
fields, paging: ``query``), how record values become JSON and JSON becomes values
(``values``), and the JSON Schemas derived from the published fields (``schema``).

Pure Python: may import ``core.request`` (errors and schema validation).
"""
