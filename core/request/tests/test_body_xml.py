"""XML bodies: parsing, the DTD/entity/network refusals and positions of errors."""

import json

import pytest

from core.request import body
from core.request.body import (
    parse_body,
    parse_xml,
    xml_to_dict,
)
from core.request.errors import MalformedBody

SECRET = "secret-from-the-filesystem"

# --- Content-Type ------------------------------------------------------------


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">\n' for i in range(1, 10)
    )
    + "]>\n<lolz>&lol9;</lolz>\n"
)

XXE = (
    '<?xml version="1.0" encoding="{encoding}"?>\n'
    '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    "<foo>&xxe;</foo>\n"
)


def test_xml_to_dict():
    data = (
        b'<?xml version="1.0"?>\n<!-- comment --><?pi data?>\n'
        b'<order id="7" xmlns:x="urn:x" x:kind="rush">\n'
        b"  <line qty='2'>  Widget  <!-- c --></line>\n"
        b"  <x:note/>\n"
        b"  <empty>   </empty>\n"
        b"</order>"
    )
    assert parse_body(data, "application/xml") == {
        "tag": "order",
        "attrib": {"id": "7", "{urn:x}kind": "rush"},
        "text": None,
        "children": [
            {"tag": "line", "attrib": {"qty": "2"}, "text": "Widget", "children": []},
            {"tag": "{urn:x}note", "attrib": {}, "text": None, "children": []},
            {"tag": "empty", "attrib": {}, "text": None, "children": []},
        ],
    }


def test_xml_to_dict_is_plain_data():
    root = parse_xml(b'<a xmlns="urn:d" k="v">t<b>&amp;&#233;<c/></b></a>')
    view = xml_to_dict(root)
    assert json.loads(json.dumps(view)) == view
    assert type(view["attrib"]) is dict
    assert type(view["tag"]) is str
    assert view["children"][0]["text"] == "&é"
    assert view["children"][0]["children"][0]["tag"] == "{urn:d}c"


def test_text_xml_alias():
    assert parse_body(b"<a>1</a>", "text/xml")["text"] == "1"


def test_xml_billion_laughs_refused_before_parsing(monkeypatch):
    """The byte check refuses the DTD: libxml2 never parses (nor expands) it."""
    parsed = []
    monkeypatch.setattr(body.etree, "fromstring", lambda *a, **k: parsed.append(a))
    with pytest.raises(MalformedBody) as info:
        parse_body(BILLION_LAUGHS.encode(), "application/xml")
    assert parsed == []
    assert info.value.status == 400
    assert info.value.message == "DTDs are not allowed in XML bodies."


@pytest.mark.parametrize(
    "data",
    [
        XXE.format(encoding="UTF-8").encode(),
        b'<!doctype foo SYSTEM "file:///etc/passwd"><foo/>',
        b'<foo><!ENTITY x "y"></foo>',
        b"<foo><![CDATA[ <!DOCTYPE is refused even here ]]></foo>",
    ],
)
def test_xml_dtd_refused_before_parsing(data, monkeypatch):
    monkeypatch.setattr(body, "new_xml_parser", None)  # never reached
    with pytest.raises(MalformedBody) as info:
        parse_xml(data)
    assert info.value.message == "DTDs are not allowed in XML bodies."


@pytest.mark.parametrize("encoding", ["UTF-16", "UTF-16BE"])
def test_xml_dtd_in_other_encodings_refused_after_parsing(encoding, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    data = XXE.format(encoding=encoding).replace("/etc/passwd", str(secret)).encode(encoding)
    assert b"<!DOCTYPE" not in data  # the byte check cannot see it...
    with pytest.raises(MalformedBody) as info:
        parse_xml(data)
    assert info.value.message == "DTDs are not allowed in XML bodies."  # ...the tree does


def test_xml_dtd_in_utf7_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    data = (
        '<?xml version="1.0" encoding="UTF-7"?>'
        f"+ADwAIQ-DOCTYPE r +AFsAPAAh-ENTITY x SYSTEM +ACI-file://{secret}+ACIAPgBdAD4-"
        "<r>+ACY-x;</r>"
    ).encode()
    with pytest.raises(MalformedBody) as info:
        parse_xml(data)
    assert info.value.message == "DTDs are not allowed in XML bodies."


def test_xml_undefined_entity_is_malformed():
    with pytest.raises(MalformedBody) as info:
        parse_xml(b"<r>&xxe;</r>")
    assert info.value.message == "Malformed XML: Entity 'xxe' not defined (line 1, column 9)."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"<order>\n  <line>\n    <qty>1</line>\n</order>",
            "Malformed XML: Opening and ending tag mismatch: qty line 3 and line "
            "(line 3, column 18).",
        ),
        (b"not xml", "Malformed XML: Start tag expected, '<' not found (line 1, column 1)."),
        (b"<a></a><b/>", "Malformed XML: Extra content at the end of the document"),
    ],
)
def test_xml_malformed_with_position(data, message):
    with pytest.raises(MalformedBody) as info:
        parse_body(data, "application/xml")
    assert info.value.status == 400
    assert info.value.message.startswith(message)
    assert "(line " in info.value.message


def test_xml_too_deep_refused_by_libxml2():
    data = b"<a>" * 300 + b"</a>" * 300
    with pytest.raises(MalformedBody, match="Excessive depth"):
        parse_xml(data)


def test_xml_parser_is_hardened():
    parser = body.new_xml_parser()
    options = body.XML_PARSER_OPTIONS
    assert options["resolve_entities"] is False
    assert options["no_network"] is True
    assert options["load_dtd"] is False
    assert options["huge_tree"] is False
    assert parser is not body.new_xml_parser()


# --- CSV ---------------------------------------------------------------------
