"""Endpoints as code and as collections: the YAML file format and its JSON Schema
(``yaml_format``), the import plan and its diff (``diff``), and the Postman
collection v2.1 built from the OpenAPI document (``postman``).

Pure Python: may import ``core.routing``, ``core.request`` (the example values
that pass a schema, the YAML loader) and PyYAML/jsonschema.
"""
