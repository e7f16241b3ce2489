"""An OpenAPI schema with xml annotations derived from an XSD: the example it
gives, written as XML, is valid against the XSD."""

import re
from pathlib import Path

import pytest
from lxml import etree

from core.openapi.xsd_schema import to_xml, xsd_schema
from core.request.examples import example

DEMO_XSD = (Path(__file__).parents[3] / "demo" / "shipment_notice.xsd").read_text()
XS = '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{}</xs:schema>'

RICH = XS.format(
    """
    <xs:simpleType name="code">
      <xs:restriction base="xs:string"><xs:pattern value="[A-Z]{2}\\d{3}"/></xs:restriction>
    </xs:simpleType>
    <xs:element name="order">
      <xs:complexType>
        <xs:sequence>
          <xs:element name="code" type="code"/>
          <xs:element name="note" type="xs:string" minOccurs="0"/>
          <xs:element name="status">
            <xs:simpleType>
              <xs:restriction base="xs:string">
                <xs:enumeration value="open"/><xs:enumeration value="done"/>
              </xs:restriction>
            </xs:simpleType>
          </xs:element>
          <xs:element name="line" minOccurs="2" maxOccurs="3">
            <xs:complexType>
              <xs:attribute name="qty" type="xs:positiveInteger" use="required"/>
              <xs:attribute name="price" type="xs:decimal"/>
            </xs:complexType>
          </xs:element>
          <xs:choice>
            <xs:element name="pickup" type="xs:boolean"/>
            <xs:element name="address" type="xs:string"/>
          </xs:choice>
        </xs:sequence>
        <xs:attribute name="version" type="xs:string" fixed="1"/>
      </xs:complexType>
    </xs:element>
    """
)


def valid(xsd, text):
    schema = etree.XMLSchema(etree.fromstring(xsd.encode()))
    return schema.validate(etree.fromstring(text.encode())), schema.error_log


@pytest.mark.parametrize("xsd", [DEMO_XSD, RICH], ids=["demo", "rich"])
def test_the_example_of_the_derived_schema_is_valid_xml(xsd):
    schema, _notes = xsd_schema(xsd)
    value = example(schema)
    assert value is not None
    ok, log = valid(xsd, to_xml(schema, value))
    assert ok, log


def test_elements_attributes_occurrences_and_simple_types():
    schema, notes = xsd_schema(RICH)
    assert schema["xml"] == {"name": "order"}
    props = schema["properties"]
    assert props["code"]["pattern"] == "^(?:[A-Z]{2}\\d{3})$"
    assert props["status"]["enum"] == ["open", "done"]
    assert props["line"]["type"] == "array"
    assert (props["line"]["minItems"], props["line"]["maxItems"]) == (2, 3)
    qty = props["line"]["items"]["properties"]["qty"]
    assert qty == {
        "type": "integer",
        "minimum": 1,
        "maximum": 10**24 - 1,
        "xml": {"attribute": True},
    }
    assert props["version"]["const"] == "1"
    assert set(schema["required"]) == {"code", "status", "line"}  # not note, not the choice
    assert schema["allOf"] == [{"oneOf": [{"required": ["pickup"]}, {"required": ["address"]}]}]
    assert "child elements come in the order the XSD gives" in notes


def test_demo_shipment_notice():
    schema, _notes = xsd_schema(DEMO_XSD)
    assert schema["properties"]["reference"]["xml"] == {"attribute": True}
    assert schema["properties"]["package"]["minItems"] == 1
    assert schema["properties"]["shippedAt"]["format"] == "date-time"


def test_unreadable_or_empty_xsd():
    assert xsd_schema("<not xml")[0] is None
    assert xsd_schema(XS.format(""))[0] is None


TIMES = XS.format(
    '<xs:element name="t"><xs:complexType><xs:attribute name="at" type="xs:dateTime"/>'
    '<xs:attribute name="on" type="xs:time"/></xs:complexType></xs:element>'
)


@pytest.mark.parametrize(
    "value",
    [
        "2026-12-01T10:00:00Z",
        "2026-12-01T10:00:00.125+14:00",
        "0727-02-08T07:50:52-13:59",
        "2026-12-01T10:00:00",  # no time zone: XSD allows it
        "0727-02-08T07:50:52-16:21",  # RFC 3339 allows it, XSD does not
        "2026-12-01t10:00:00z",  # lowercase: RFC 3339 only
        "2026-12-01T10:00:60Z",  # a leap second: RFC 3339 only
        "0000-01-01T00:00:00Z",  # no year 0 in XSD 1.0
    ],
)
def test_date_time_patterns_say_what_the_xsd_accepts(value):
    """The pattern added to the date-time and time formats keeps generated
    values inside XSD's lexical space: the pattern and the XSD agree."""
    schema, _notes = xsd_schema(TIMES)
    at = re.compile(schema["properties"]["at"]["pattern"])
    xsd_ok, _log = valid(TIMES, f'<t at="{value}"/>')
    assert bool(at.match(value)) == xsd_ok
    time = value.partition("T")[2] or value.partition("t")[2]
    on = re.compile(schema["properties"]["on"]["pattern"])
    xsd_ok, _log = valid(TIMES, f'<t on="{time}"/>')
    assert bool(on.match(time)) == xsd_ok


@pytest.mark.parametrize("kind", ["integer", "positiveInteger", "long", "unsignedLong"])
def test_integer_bounds_are_what_the_validator_reads(kind):
    """An integer type without bounds of its own is bounded by what the
    server's validator reads (24 digits): the bound is accepted, one past
    it refused, so generated values are never refused as too long."""
    xsd = XS.format(
        f'<xs:element name="n"><xs:complexType><xs:attribute name="v" type="xs:{kind}"/>'
        "</xs:complexType></xs:element>"
    )
    schema, _notes = xsd_schema(xsd)
    bound = schema["properties"]["v"]["maximum"]
    assert valid(xsd, f'<n v="{bound}"/>')[0]
    assert not valid(xsd, f'<n v="{bound + 1}"/>')[0]
