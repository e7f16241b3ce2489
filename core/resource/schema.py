"""JSON Schemas of model resources, derived from the published fields.

One source for what is checked and what is documented: the body validators
of create and update (compiled once per sync) and the OpenAPI schemas of a
resource (read, create, update) are the same dicts. Pure Python.
"""

from ..request.schema import JsonSchemaValidator, json_pointer, raise_validation_error
from .values import INT_MAX, INT_MIN, NUMBER_TYPES, STRING_TYPES


def _nullable(schema, nullable):
    if not nullable:
        return schema
    if "enum" in schema:
        return dict(schema, enum=[*schema["enum"], None])
    kind = schema["type"]
    return dict(schema, type=[kind, "null"])


def read_schema(meta):
    """The schema of a field's value in responses."""
    ftype = meta["type"]
    if meta.get("id"):
        return {"type": "integer", "minimum": 1}
    if ftype == "boolean":
        return {"type": "boolean"}
    if ftype == "integer":
        return {"type": "integer"}
    if ftype in NUMBER_TYPES:
        return {"type": "number"}
    if ftype in STRING_TYPES:
        return {"type": ["string", "null"]}
    if ftype == "date":
        return {"type": ["string", "null"], "format": "date"}
    if ftype == "datetime":
        return {"type": ["string", "null"], "format": "date-time"}
    if ftype == "selection":
        return {"enum": [*meta["selection"], None]}
    if ftype == "many2one":
        return {
            "type": ["object", "null"],
            "required": ["id", "display_name"],
            "properties": {
                "id": {"type": "integer"},
                "display_name": {"type": "string"},
            },
            "additionalProperties": False,
        }
    # one2many, many2many
    return {"type": "array", "items": {"type": "integer"}}


def write_schema(meta, *, create):
    """The schema of a value a caller may send. On create, a required field
    without a default takes no ``null`` (and no empty string)."""
    ftype = meta["type"]
    mandatory = create and meta["required"] and not meta["has_default"]
    if ftype == "boolean":
        schema = {"type": "boolean"}
        return schema
    if ftype == "integer":
        return {"type": "integer", "minimum": INT_MIN, "maximum": INT_MAX}
    if ftype in NUMBER_TYPES:
        return {"type": "number"}
    if ftype in STRING_TYPES:
        schema = {"type": "string"}
        if meta.get("size"):
            schema["maxLength"] = meta["size"]
        if meta["required"]:
            schema["minLength"] = 1
        return _nullable(schema, not meta["required"])
    if ftype == "date":
        return _nullable({"type": "string", "format": "date"}, not mandatory)
    if ftype == "datetime":
        return _nullable({"type": "string", "format": "date-time"}, not mandatory)
    if ftype == "selection":
        return _nullable({"enum": list(meta["selection"])}, not meta["required"])
    if ftype == "many2one":
        id_schema = {"type": "integer", "minimum": 1, "maximum": INT_MAX}
        return _nullable(id_schema, not meta["required"])
    # many2many
    return {
        "type": "array",
        "items": {"type": "integer", "minimum": 1, "maximum": INT_MAX},
    }


def record_schema(fields):
    """The schema of a record in responses (every readable field)."""
    properties = {meta["name"]: read_schema(meta) for meta in fields}
    return {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }


def body_schema(fields, *, create, fixed=None):
    """The schema of a create (``create=True``) or update body. ``fixed``:
    ``{field: value}`` the resource's domain imposes (its top-level ``=``
    terms on writable fields): a body may only repeat them."""
    fixed = fixed or {}
    properties = {}
    required = []
    for meta in fields:
        if not meta["writable"]:
            continue
        name = meta["name"]
        properties[name] = write_schema(meta, create=create)
        if name in fixed:
            properties[name] = {"const": fixed[name]}
        elif create and meta["required"] and not meta["has_default"]:
            required.append(name)
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


class BodyValidator:
    """A create or update body validator: the JSON Schema's violations, with
    each unknown or read-only key named on its own."""

    def __init__(self, schema, fields):
        self.schema = schema
        self._validator = JsonSchemaValidator(schema)
        self._readable = {meta["name"] for meta in fields}

    def validate(self, payload):
        if not isinstance(payload, dict):
            raise_validation_error(
                [
                    {
                        "path": "",
                        "message": "The body must be a JSON object of field values.",
                        "validator": "type",
                    }
                ]
            )
        try:
            self._validator.validate(payload)
        except Exception as exc:
            errors = getattr(exc, "errors", None)
            if errors is None:
                raise
            raise_validation_error(self._explain(payload, errors))

    def _explain(self, payload, errors):
        writable = self.schema["properties"]
        explained = [e for e in errors if e["validator"] != "additionalProperties" or e["path"]]
        for key in payload:
            if key in writable:
                continue
            if key in self._readable:
                message = f"'{key}' is read-only on this resource."
            else:
                message = f"'{key}' is not a field of this resource."
            explained.append(
                {"path": json_pointer([key]), "message": message, "validator": "writable"}
            )
        explained.sort(key=lambda e: (e["path"], e["validator"], e["message"]))
        return explained
