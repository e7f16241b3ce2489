"""Shared by the schema tests: an order XSD and the error a validator raises."""

import pytest

from core.request.errors import RequestValidationError

ORDER_XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="order">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="qty" type="xs:positiveInteger" maxOccurs="unbounded"/>
        <xs:element name="ref" type="xs:string"/>
      </xs:sequence>
      <xs:attribute name="id" type="xs:int" use="required"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""


def errors_of(validator, payload):
    with pytest.raises(RequestValidationError) as info:
        validator.validate(payload)
    assert info.value.status == 400
    return info.value
