"""An OpenAPI schema, with ``xml`` annotations, derived from an XSD.

OpenAPI describes XML bodies with a JSON Schema whose ``xml`` objects name
the elements and mark the attributes. :func:`xsd_schema` derives one from the
XSD an endpoint checks its bodies with: the first global element becomes the
root object; child elements (sequence, all, choice) its properties, in
order; attributes properties with ``xml.attribute``; ``minOccurs``/
``maxOccurs`` required properties and arrays (repeated elements, unwrapped);
the built-in simple types their JSON type and format; restrictions
(enumerations, patterns, lengths, bounds) the matching keywords. What the
schema cannot say (element order, an exactly-one choice, identity
constraints, wildcards, mixed content, derivations, facets without a JSON
keyword) is listed in :func:`xsd_schema`'s ``notes``: the XSD, attached to the
document as ``x-xsd``, stays the rule the server applies.

:func:`to_xml` writes a value of such a schema as the XML document it
stands for (used for the example body); :func:`media` is the OpenAPI media
type object of an XSD-checked body.
"""

from lxml import etree

from ..request import examples
from ..request.body import new_xml_parser
from .schemas import xsd_root_element

XS = "{http://www.w3.org/2001/XMLSchema}"
_MAX_DEPTH = 12

#: XSD's time zone: Z or an offset of at most 14 hours (RFC 3339's
#: date-time allows any two-digit hour, and lowercase letters; XSD does not)
_TZ = "(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_TIME = "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]+)?"
_DATE = "(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}"  # XSD 1.0 has no year 0000

#: The largest integer the server's XSD validator (libxml2) reads: 24
#: digits (XSD asks every processor for 18 at least); the bound of integer
#: types that have none of their own.
_DIGITS = 10**24 - 1

_INTEGERS = {
    "integer": {},
    "int": {"minimum": -(2**31), "maximum": 2**31 - 1},
    "long": {"minimum": -(2**63), "maximum": 2**63 - 1},
    "short": {"minimum": -(2**15), "maximum": 2**15 - 1},
    "byte": {"minimum": -128, "maximum": 127},
    "nonNegativeInteger": {"minimum": 0},
    "positiveInteger": {"minimum": 1},
    "nonPositiveInteger": {"maximum": 0},
    "negativeInteger": {"maximum": -1},
    "unsignedInt": {"minimum": 0, "maximum": 2**32 - 1},
    "unsignedLong": {"minimum": 0, "maximum": 2**64 - 1},
    "unsignedShort": {"minimum": 0, "maximum": 2**16 - 1},
    "unsignedByte": {"minimum": 0, "maximum": 255},
}
_BUILTINS = {
    "string": {"type": "string"},
    # the parser normalizes their whitespace: any text is accepted
    "normalizedString": {"type": "string"},
    "token": {"type": "string"},
    "boolean": {"type": "boolean"},
    "decimal": {"type": "number"},
    "double": {"type": "number"},
    "float": {"type": "number"},
    # the format for generators, the pattern for what XSD's lexical space adds
    "date": {"type": "string", "format": "date", "pattern": f"^{_DATE}$"},
    "dateTime": {"type": "string", "format": "date-time", "pattern": f"^{_DATE}T{_TIME}{_TZ}$"},
    "time": {"type": "string", "format": "time", "pattern": f"^{_TIME}{_TZ}$"},
    "anyURI": {"type": "string", "format": "uri"},
    "NCName": {"type": "string", "pattern": "^[A-Za-z_][\\w.-]*$"},
    "ID": {"type": "string", "pattern": "^[A-Za-z_][\\w.-]*$"},
    **{
        name: {"type": "integer", "minimum": -_DIGITS, "maximum": _DIGITS, **bounds}
        for name, bounds in _INTEGERS.items()
    },
}
_FACETS = {
    "minLength": "minLength",
    "maxLength": "maxLength",
    "minInclusive": "minimum",
    "maxInclusive": "maximum",
    "minExclusive": "exclusiveMinimum",
    "maxExclusive": "exclusiveMaximum",
}


def media(xsd):
    """The OpenAPI media type object of an XML body checked by ``xsd``: the
    schema derived from the XSD, so that generators and fuzzers build
    documents it accepts, what the XSD says beyond it in its description,
    an example, and the XSD itself as ``x-xsd`` (the rule the server
    applies). An XSD no schema can be derived from leaves the body as XML
    text (``format: binary``: sent as is; client generators map it to a
    file or bytes)."""
    if not xsd.strip():
        # Any well-formed XML document is accepted: nothing to constrain.
        return {"schema": {"description": "A well-formed XML document."}}
    described = (
        "An XML document, valid against the XSD in x-xsd (400 with every violation otherwise)."
    )
    schema, notes = xsd_schema(xsd)
    if schema is None:
        schema = {"type": "string", "format": "binary", "contentMediaType": "application/xml"}
        schema["description"] = described
        root = xsd_root_element(xsd)
        if root:
            schema["xml"] = {"name": root}
        return {"schema": schema, "x-xsd": xsd}
    if notes:
        described += " The XSD also requires what this schema cannot say: " + "; ".join(notes) + "."
    schema["description"] = described
    found = {"schema": schema, "x-xsd": xsd}
    value = examples.example(schema)
    if value is not None:
        found["example"] = to_xml(schema, value)
    return found


def xsd_schema(xsd):
    """``(schema, notes)`` for the first global element of ``xsd`` (text),
    or ``(None, notes)`` when there is none or the XSD cannot be read."""
    data = xsd.encode("utf-8") if isinstance(xsd, str) else xsd
    try:
        root = etree.fromstring(data, new_xml_parser(encoding="utf-8"))
    except etree.XMLSyntaxError as exc:
        return None, [f"the XSD cannot be read: {exc}"]
    deriver = _Deriver(root)
    element = next((e for e in root.iterchildren(f"{XS}element") if e.get("name")), None)
    if element is None:
        return None, ["the XSD declares no global element"]
    schema = deriver.element_schema(element, 0)
    schema["xml"] = {"name": element.get("name")}
    return schema, sorted(set(deriver.notes))


class _Deriver:
    def __init__(self, root):
        self.notes = []
        self.globals = {}
        for kind in ("element", "simpleType", "complexType", "attribute", "group"):
            for node in root.iterchildren(f"{XS}{kind}"):
                if node.get("name"):
                    self.globals[(kind, node.get("name"))] = node
        if root.find(f".//{XS}sequence") is not None:
            self.notes.append("child elements come in the order the XSD gives")

    def _global(self, kind, qname):
        return self.globals.get((kind, (qname or "").split(":")[-1]))

    def element_schema(self, element, depth):
        if element.get("ref"):
            target = self._global("element", element.get("ref"))
            if target is None:
                self.notes.append(f"element reference {element.get('ref')!r} is not described")
                return {}
            return self.element_schema(target, depth)
        if depth > _MAX_DEPTH:
            self.notes.append("elements nested deeper than described here")
            return {}
        for unsupported in ("unique", "key", "keyref"):
            if element.find(f"{XS}{unsupported}") is not None:
                self.notes.append(f"identity constraints ({unsupported})")
        inline_complex = element.find(f"{XS}complexType")
        inline_simple = element.find(f"{XS}simpleType")
        if inline_complex is not None:
            return self.complex_schema(inline_complex, depth)
        if inline_simple is not None:
            return self.simple_schema(inline_simple)
        return self.type_schema(element.get("type"), depth)

    def type_schema(self, qname, depth):
        if not qname:
            return {"type": "string"}
        local = qname.split(":")[-1]
        complex_type = self._global("complexType", qname)
        if complex_type is not None:
            return self.complex_schema(complex_type, depth)
        simple_type = self._global("simpleType", qname)
        if simple_type is not None:
            return self.simple_schema(simple_type)
        if local in _BUILTINS:
            if local == "decimal":
                self.notes.append("decimals are written without an exponent (1.5, not 1.5E0)")
            return dict(_BUILTINS[local])
        self.notes.append(f"type {qname!r} is described as text")
        return {"type": "string"}

    def simple_schema(self, simple_type):
        restriction = simple_type.find(f"{XS}restriction")
        if restriction is None:
            self.notes.append("list and union simple types are described as text")
            return {"type": "string"}
        base = restriction.find(f"{XS}simpleType")
        schema = self.simple_schema(base) if base is not None else None
        if schema is None:
            schema = self.type_schema(restriction.get("base"), 0)
        enum = [e.get("value") for e in restriction.iterchildren(f"{XS}enumeration")]
        if enum:
            schema["enum"] = [_typed(value, schema.get("type")) for value in enum]
        patterns = [p.get("value") for p in restriction.iterchildren(f"{XS}pattern")]
        if patterns:
            # XSD patterns match the whole value: anchor them
            schema["pattern"] = "^(?:" + ")$|^(?:".join(patterns) + ")$"
        for facet, keyword in _FACETS.items():
            node = restriction.find(f"{XS}{facet}")
            if node is not None:
                schema[keyword] = _typed(node.get("value"), schema.get("type") or "number")
        length = restriction.find(f"{XS}length")
        if length is not None:
            schema["minLength"] = schema["maxLength"] = int(length.get("value"))
        for facet in ("totalDigits", "fractionDigits", "whiteSpace"):
            if restriction.find(f"{XS}{facet}") is not None:
                self.notes.append(f"the {facet} facet")
        return schema

    def complex_schema(self, complex_type, depth):
        schema = {"type": "object", "properties": {}}
        required = []
        if complex_type.get("mixed") == "true":
            self.notes.append("mixed content (text between child elements)")
        body = complex_type
        for content in ("simpleContent", "complexContent"):
            node = complex_type.find(f"{XS}{content}")
            if node is not None:
                self.notes.append(f"{content} derivations (extension, restriction)")
                body = next(iter(node), node)
        self._particles(body, schema, required, depth, optional=False)
        for attribute in body.iterchildren(f"{XS}attribute"):
            self._attribute(attribute, schema, required)
        if body.find(f"{XS}anyAttribute") is not None:
            self.notes.append("attribute wildcards (anyAttribute)")
        else:
            schema["additionalProperties"] = False
        if required:
            schema["required"] = required
        return schema

    def _particles(self, node, schema, required, depth, optional):
        for particle in node:
            tag = particle.tag if isinstance(particle.tag, str) else ""
            if tag in (f"{XS}sequence", f"{XS}all", f"{XS}choice"):
                is_choice = tag == f"{XS}choice"
                nested_optional = optional or is_choice or particle.get("minOccurs") == "0"
                before = set(schema["properties"])
                self._particles(particle, schema, required, depth, nested_optional)
                if is_choice:
                    names = [n for n in schema["properties"] if n not in before]
                    self._choice(particle, schema, names, optional)
            elif tag == f"{XS}element":
                self._element(particle, schema, required, depth, optional)
            elif tag == f"{XS}group":
                group = self._global("group", particle.get("ref"))
                if group is not None:
                    self._particles(group, schema, required, depth, optional)
            elif tag == f"{XS}any":
                self.notes.append("element wildcards (any)")

    def _choice(self, choice, schema, names, optional):
        """One of the choice's elements (or none, when the choice is optional)."""
        if choice.get("maxOccurs", "1") != "1" or len(names) < 2:
            self.notes.append("a repeated choice")
            return
        options = [{"required": [name]} for name in names]
        if optional or choice.get("minOccurs") == "0":
            options.append({"not": {"anyOf": [{"required": [name]} for name in names]}})
        schema.setdefault("allOf", []).append({"oneOf": options})

    def _element(self, element, schema, required, depth, optional):
        name = element.get("name") or (element.get("ref") or "").split(":")[-1]
        sub = self.element_schema(element, depth + 1)
        low = int(element.get("minOccurs", "1"))
        high = element.get("maxOccurs", "1")
        if high != "1":
            array = {"type": "array", "items": sub}
            if low:
                array["minItems"] = low
            if high != "unbounded":
                array["maxItems"] = int(high)
            sub = array
        schema["properties"][name] = sub
        if low and not optional:
            required.append(name)

    def _attribute(self, attribute, schema, required):
        if attribute.get("ref"):
            target = self._global("attribute", attribute.get("ref"))
            attribute = target if target is not None else attribute
        name = attribute.get("name")
        if not name:
            return
        inline = attribute.find(f"{XS}simpleType")
        sub = self.simple_schema(inline) if inline is not None else None
        if sub is None:
            sub = self.type_schema(attribute.get("type"), 0)
        if attribute.get("fixed") is not None:
            sub["const"] = _typed(attribute.get("fixed"), sub.get("type"))
        elif attribute.get("default") is not None:
            sub["default"] = _typed(attribute.get("default"), sub.get("type"))
        sub["xml"] = {"attribute": True}
        schema["properties"][name] = sub
        if attribute.get("use") == "required":
            required.append(name)


def _typed(value, kind):
    """An XSD literal as the JSON value of ``kind`` (kept as text when it is
    not one: the XSD itself is then wrong, and the server says so)."""
    if kind == "boolean":
        return value in ("true", "1")
    if kind not in ("integer", "number"):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return int(number) if kind == "integer" or number.is_integer() else number


def to_xml(schema, value, name=None):
    """The XML text (with its declaration) that ``value`` stands for under
    ``schema`` (an object schema with ``xml`` annotations, as derived above)."""
    name = name or (schema.get("xml") or {}).get("name") or "root"
    element = _to_element(schema, value, name)
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8").decode()


def _to_element(schema, value, name):
    element = etree.Element(name)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for key, sub_value in value.items():
            sub = properties.get(key, {})
            if (sub.get("xml") or {}).get("attribute"):
                element.set(key, _text(sub_value))
            elif isinstance(sub_value, list):
                for item in sub_value:
                    element.append(_to_element(sub.get("items", {}), item, key))
            else:
                element.append(_to_element(sub, sub_value, key))
    elif value is not None:
        element.text = _text(value)
    return element


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
