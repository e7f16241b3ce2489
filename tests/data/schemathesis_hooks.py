# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""schemathesis hooks of the fuzz test (test_openapi_fuzz), loaded with
``SCHEMATHESIS_HOOKS``.

One hook: XML bodies are written with their child elements in the order
their schema lists them, as the document asks ("child elements come in the
order the XSD gives": an XSD sequence). JSON objects have no order, so the
generated values do not keep it, and schemathesis writes an object's
members in the order they come; an integrator's client follows the
documented order, and so does this. Nothing else of the case changes:
values, missing or extra members, and every check stay schemathesis's own.
"""

import schemathesis


def _ordered(value, schema):
    if isinstance(value, list):
        items = schema.get("items", {}) if isinstance(schema, dict) else {}
        return [_ordered(item, items) for item in value]
    if not isinstance(value, dict) or not isinstance(schema, dict):
        return value
    properties = schema.get("properties", {})
    rank = {name: index for index, name in enumerate(properties)}
    keys = sorted(value, key=lambda key: rank.get(key, len(rank)))
    return {key: _ordered(value[key], properties.get(key, {})) for key in keys}


@schemathesis.hook
def before_call(context, case, kwargs):  # pylint: disable=unused-argument
    media_type = case.media_type or ""
    if "xml" not in media_type or not isinstance(case.body, dict):
        return
    for body in case.operation.body:
        if body.media_type == media_type:
            definition = body.definition or {}
            case.body = _ordered(case.body, definition.get("schema", definition))
            return
