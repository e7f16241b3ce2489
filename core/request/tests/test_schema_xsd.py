"""XSD request schemas: compiling, validation, refusals."""

import threading

import pytest

from core.request.body import parse_xml
from core.request.errors import RequestValidationError
from core.request.schema import (
    SchemaError,
    XsdValidator,
    compile_xsd,
)
from core.request.tests.schema_cases import ORDER_XSD, errors_of

SECRET = "secret-from-the-filesystem"

# --- Loading -------------------------------------------------------------------


def test_xsd_accepts_valid_document():
    validator = compile_xsd(ORDER_XSD)
    assert isinstance(validator, XsdValidator)
    assert validator.kind == "xsd"
    assert validator.source == ORDER_XSD
    assert validator.validate(parse_xml(b'<order id="1"><qty>2</qty><ref>A</ref></order>')) is None


def test_xsd_lists_errors_with_lines():
    validator = compile_xsd(ORDER_XSD)
    root = parse_xml(b'<order id="x">\n  <qty>0</qty>\n  <qty>3</qty>\n  <bad/>\n</order>')
    exc = errors_of(validator, root)
    assert exc.message == "Request body does not match the schema (3 errors)."
    assert exc.errors == [
        {
            "path": "/order",
            "line": 1,
            "message": "Element 'order', attribute 'id': 'x' is not a valid value of the "
            "atomic type 'xs:int'.",
            "validator": "xsd",
        },
        {
            "path": "/order/qty[1]",
            "line": 2,
            "message": "Element 'qty': '0' is not a valid value of the atomic type "
            "'xs:positiveInteger'.",
            "validator": "xsd",
        },
        {
            "path": "/order/bad",
            "line": 4,
            "message": "Element 'bad': This element is not expected. "
            "Expected is one of ( qty, ref ).",
            "validator": "xsd",
        },
    ]


def test_xsd_validator_is_safe_across_threads():
    validator = compile_xsd(ORDER_XSD)
    good = parse_xml(b'<order id="1"><qty>2</qty><ref>A</ref></order>')
    bad = parse_xml(b'<order id="1"><qty>0</qty><ref>A</ref></order>')
    failures = []

    def work(index):
        for _ in range(50):
            try:
                validator.validate(bad if index % 2 else good)
                if index % 2:
                    failures.append("bad document accepted")
            except RequestValidationError as exc:
                if not index % 2 or [e["line"] for e in exc.errors] != [1]:
                    failures.append(exc.errors)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


@pytest.mark.parametrize("element", ["include", "import", "redefine", "override"])
def test_xsd_external_documents_refused(element, tmp_path):
    other = tmp_path / "other.xsd"
    other.write_text(ORDER_XSD)
    text = (
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">\n'
        f'  <xsd:{element} schemaLocation="file://{other}"/>\n'
        "</xsd:schema>"
    )
    with pytest.raises(SchemaError) as info:
        compile_xsd(text)
    assert str(info.value).startswith(
        f"XSD includes/imports are not allowed (xs:{element} at line 2)"
    )


@pytest.mark.parametrize(
    "text",
    [
        '<!DOCTYPE xs:schema [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + ORDER_XSD[38:],
        ORDER_XSD.replace("<xs:schema", '<!ENTITY x "y"><xs:schema'),
    ],
)
def test_xsd_dtd_refused(text):
    with pytest.raises(SchemaError) as info:
        compile_xsd(text)
    assert str(info.value) == "DTDs are not allowed in XSD schemas."


def test_xsd_dtd_in_utf16_bytes_refused():
    text = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r><r/>'.encode("utf-16")
    with pytest.raises(SchemaError) as info:
        compile_xsd(text)
    assert str(info.value) == "DTDs are not allowed in XSD schemas."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            ORDER_XSD.replace("</xs:sequence>", ""),
            "Invalid XSD: Opening and ending tag mismatch: sequence line 5 and complexType "
            "(line 10, column 22).",
        ),
        (
            ORDER_XSD.replace("xs:positiveInteger", "xs:nope"),
            "Invalid XSD: element decl. 'qty', attribute 'type': The QName value "
            "'{http://www.w3.org/2001/XMLSchema}nope' does not resolve to a(n) type "
            "definition. (line 6)",
        ),
        (
            "<order/>",
            "Invalid XSD: The XML document 'in_memory_buffer' is not a schema document.",
        ),
    ],
)
def test_xsd_invalid_refused_with_line(text, message):
    with pytest.raises(SchemaError) as info:
        compile_xsd(text)
    assert str(info.value) == message


# --- Entry points ----------------------------------------------------------------
