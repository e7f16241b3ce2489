"""The test script of each Postman request: the documented status, and for a
JSON answer the documented schema; a create also keeps the new record's id
for the requests on that record.

Postman (and newman) check schemas with Ajv 6 (JSON Schema draft-07), which
resolves no reference into the OpenAPI document and refuses formats it does
not know: the schema is written out self-contained, references inlined (a
recursive one is cut to ``{}``: anything), unknown formats dropped.
"""

import json

_MAX_DEPTH = 10
# The formats Ajv 6 knows; it throws on any other.
_AJV_FORMATS = {
    "date",
    "time",
    "date-time",
    "uri",
    "uri-reference",
    "uri-template",
    "url",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "regex",
    "uuid",
    "json-pointer",
    "relative-json-pointer",
}
# Keywords of 2019-09/2020-12 that draft-07 does not have, and annotations.
_DROP = {"$schema", "$id", "$anchor", "$defs", "examples", "example", "xml", "discriminator"}


def inline(document, schema, depth=0, seen=()):
    """``schema`` self-contained: every ``$ref`` into ``document`` inlined."""
    if isinstance(schema, list):
        return [inline(document, item, depth, seen) for item in schema]
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref")
    if isinstance(ref, str):
        if not ref.startswith("#/") or ref in seen or depth > _MAX_DEPTH:
            return {}
        node = document
        for part in ref[2:].split("/"):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        return inline(document, node, depth + 1, (*seen, ref))
    result = {}
    for key, value in schema.items():
        if key in _DROP or key.startswith("x-"):
            continue
        if key == "format" and value not in _AJV_FORMATS:
            continue
        if key in ("properties", "patternProperties", "dependentSchemas"):
            result[key] = {k: inline(document, v, depth + 1, seen) for k, v in value.items()}
        elif key in ("const", "enum", "default", "required", "type"):
            result[key] = value
        else:
            result[key] = inline(document, value, depth + 1, seen)
    return result


def success_statuses(operation):
    return sorted(int(code) for code in operation.get("responses", {}) if code.startswith("2"))


def json_schema_of(document, operation, statuses):
    """The self-contained schema of the JSON success body, or None."""
    for status in statuses:
        response = operation["responses"].get(str(status)) or {}
        media = (response.get("content") or {}).get("application/json")
        if media and media.get("schema") is not None:
            return inline(document, media["schema"])
    return None


def test_script(document, operation, keeps_id=None):
    """The lines of the request's test script. ``keeps_id``: the collection
    variable the new record's id goes to (a create)."""
    statuses = success_statuses(operation)
    lines = []
    if statuses:
        lines += [
            f"pm.test('status is a documented success: {', '.join(map(str, statuses))}', "
            "function () {",
            f"    pm.expect(pm.response.code).to.be.oneOf({json.dumps(statuses)});",
            "});",
        ]
    schema = json_schema_of(document, operation, statuses)
    if schema is not None:
        lines += [
            f"const schema = {json.dumps(schema, ensure_ascii=False)};",
            "pm.test('the JSON body matches the documented schema', function () {",
            "    pm.response.to.have.jsonSchema(schema);",
            "});",
        ]
    if keeps_id:
        lines += [
            "if (pm.response.code < 300) {",
            "    const body = pm.response.json();",
            "    const id = body && body.data && body.data.id !== undefined ? body.data.id"
            " : body && body.id;",
            f"    if (id !== undefined) pm.collectionVariables.set({json.dumps(keeps_id)}, "
            "String(id));",
            "}",
        ]
    return lines
