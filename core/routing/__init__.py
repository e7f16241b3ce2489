"""Route strings and matching: parsing and normalising routes with werkzeug-style
converters (``routes``), the process's router of published paths (``router``) and
the overlap test against Odoo's own routing map (``route_overlap``).

Pure Python: imports only the standard library and werkzeug's converters.
"""
