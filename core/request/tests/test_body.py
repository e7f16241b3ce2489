import io
import json

import pytest

from core.request import body, snippet
from core.request.body import (
    DEFAULT_MAX_BODY_SIZE,
    MAX_DEPTH,
    check_content_type,
    parse_body,
    read_limited,
    split_content_type,
)
from core.request.errors import MalformedBody, PayloadTooLarge, UnsupportedMediaType

SECRET = "secret-from-the-filesystem"

# --- Content-Type ------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("application/json", ("application/json", {})),
        ("Application/JSON; Charset=UTF-8", ("application/json", {"charset": "UTF-8"})),
        ('text/plain; charset="latin-1"', ("text/plain", {"charset": "latin-1"})),
        ("", ("", {})),
        (None, ("", {})),
    ],
)
def test_split_content_type(header, expected):
    assert split_content_type(header) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("application/json", "application/json"),
        ("application/json; charset=utf-8", "application/json"),
        ("APPLICATION/JSON", "application/json"),
        ("text/csv; charset=latin-1; header=present", "text/csv"),
        ("text/xml", "application/xml"),
        ("application/xml; charset=utf-8", "application/xml"),
        ("application/x-www-form-urlencoded", "application/x-www-form-urlencoded"),
        ("anything/at-all", None),
        (None, ""),
    ],
)
def test_check_content_type_accepts(header, expected):
    mimetype, _params = check_content_type(header, expected)
    assert mimetype == split_content_type(header)[0]


@pytest.mark.parametrize(
    ("header", "expected", "message"),
    [
        (
            "text/plain",
            "application/json",
            "Expected Content-Type 'application/json', got 'text/plain'.",
        ),
        (
            "application/problem+json",
            "application/json",
            "Expected Content-Type 'application/json', got 'application/problem+json'.",
        ),
        (
            "application/json-seq",
            "application/json",
            "Expected Content-Type 'application/json', got 'application/json-seq'.",
        ),
        (None, "application/json", "Expected Content-Type 'application/json', got none."),
        ("", "text/csv", "Expected Content-Type 'text/csv', got none."),
        (
            "application/xml",
            "text/plain",
            "Expected Content-Type 'text/plain', got 'application/xml'.",
        ),
        (
            "text/html",
            "application/xml",
            "Expected Content-Type 'application/xml', got 'text/html'.",
        ),
    ],
)
def test_check_content_type_refuses(header, expected, message):
    with pytest.raises(UnsupportedMediaType) as info:
        check_content_type(header, expected)
    assert info.value.status == 415
    assert info.value.message == message


# --- Size limit --------------------------------------------------------------


class ExplodingStream:
    def read(self, size=-1):
        raise AssertionError("the stream must not be read")


class TrickleStream(io.BytesIO):
    """Returns at most 3 bytes per read, as a socket may."""

    def read(self, size=-1):
        return super().read(min(size, 3) if size >= 0 else 3)


def test_read_limited_refuses_declared_length_without_reading():
    with pytest.raises(PayloadTooLarge) as info:
        read_limited(ExplodingStream(), DEFAULT_MAX_BODY_SIZE + 1, DEFAULT_MAX_BODY_SIZE)
    assert info.value.status == 413
    assert info.value.message == "Request body exceeds the limit of 1048576 bytes."


def test_read_limited_default_limit_is_one_mebibyte():
    assert DEFAULT_MAX_BODY_SIZE == 1048576
    data = b"x" * DEFAULT_MAX_BODY_SIZE
    assert read_limited(io.BytesIO(data), None) == data
    with pytest.raises(PayloadTooLarge):
        read_limited(io.BytesIO(data + b"x"), None)


@pytest.mark.parametrize("content_length", [None, 10, 0])
def test_read_limited_refuses_more_than_declared_or_undeclared(content_length):
    # Absent (chunked) or lying Content-Length: the bytes decide.
    with pytest.raises(PayloadTooLarge) as info:
        read_limited(io.BytesIO(b"y" * 11), content_length, 10)
    assert info.value.status == 413
    assert "10 bytes" in info.value.message


@pytest.mark.parametrize("content_length", [None, 10, 4])
def test_read_limited_reads_up_to_the_limit(content_length):
    assert read_limited(io.BytesIO(b"0123456789"), content_length, 10) == b"0123456789"


def test_read_limited_empty_and_short_reads():
    assert read_limited(io.BytesIO(b""), None, 10) == b""
    assert read_limited(TrickleStream(b"abcdefgh"), None, 10) == b"abcdefgh"
    with pytest.raises(PayloadTooLarge):
        read_limited(TrickleStream(b"abcdefghijk"), None, 10)


# --- Generic -----------------------------------------------------------------


@pytest.mark.parametrize(
    "mimetype",
    [*body.SUPPORTED_TYPES, "text/xml", "image/png", ""],
)
@pytest.mark.parametrize("data", [b"", None])
def test_empty_body_is_none(mimetype, data):
    assert parse_body(data, mimetype) is None


@pytest.mark.parametrize("mimetype", ["image/png", "application/problem+json", "text/html", ""])
def test_unsupported_type(mimetype):
    with pytest.raises(UnsupportedMediaType) as info:
        parse_body(b"x", mimetype)
    assert info.value.status == 415
    message = info.value.message
    assert message.startswith("Unsupported Content-Type")
    for supported in body.SUPPORTED_TYPES:
        assert supported in message


@pytest.mark.parametrize("charset", ["klingon", "base64", "rot13"])
def test_unknown_charset(charset):
    with pytest.raises(UnsupportedMediaType) as info:
        parse_body(b"hello", "text/plain", charset)
    assert info.value.status == 415
    assert info.value.message == f"Unsupported charset '{charset}'."


@pytest.mark.parametrize("mimetype", ["application/json", "text/csv", "text/plain"])
def test_invalid_utf8(mimetype):
    data = b'["ok", "\xff\xfe"]'
    with pytest.raises(MalformedBody) as info:
        parse_body(data, mimetype)
    assert info.value.status == 400
    assert info.value.message == "Body is not valid utf-8: invalid start byte at byte offset 8."


def test_truncated_utf8_sequence():
    with pytest.raises(MalformedBody) as info:
        parse_body("é".encode()[:1] + b"abc", "text/plain")
    assert "byte offset 0" in info.value.message


# --- JSON --------------------------------------------------------------------


def test_json_values():
    payload = {"a": [1, 2.5, None, True], "b": {"c": "é"}}
    assert parse_body(json.dumps(payload).encode(), "application/json") == payload
    assert parse_body(b"3", "application/json") == 3
    assert parse_body(b'"x"', "Application/JSON") == "x"


@pytest.mark.parametrize("charset", ["latin-1", "utf-16", " UTF-8 ", "utf8"])
def test_json_charset(charset):
    text = '{"name": "Zoë", "list": [[1]]}'
    assert parse_body(text.encode(charset.strip()), "application/json", charset) == {
        "name": "Zoë",
        "list": [[1]],
    }


def test_json_utf8_is_strict_even_for_latin1_bytes():
    with pytest.raises(MalformedBody) as info:
        parse_body('{"n": "Zoë"}'.encode("latin-1"), "application/json")
    assert info.value.message == (
        "Body is not valid utf-8: invalid continuation byte at byte offset 9."
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[1, ]", "Malformed JSON: Expecting value at line 1, column 5 (char 4)."),
        (
            b'{\n  "a": 1\n  "b": 2\n}',
            "Malformed JSON: Expecting ',' delimiter at line 3, column 3 (char 13).",
        ),
        (b'{"a": 1} x', "Malformed JSON: Extra data at line 1, column 10 (char 9)."),
        (b"[NaN]", "Malformed JSON: NaN is not valid JSON at line 1, column 2 (char 1)."),
        (
            b'{"a": -Infinity}',
            "Malformed JSON: -Infinity is not valid JSON at line 1, column 7 (char 6).",
        ),
        (b"[Infinity]", "Malformed JSON: Infinity is not valid JSON at line 1, column 2 (char 1)."),
        (
            b'{"1e999": "-1e999 in a string", "n": [1.5, 2e3, 1e-999, 99],\n "x": 1e999}',
            "Malformed JSON: 1e999 is out of range (JSON numbers must be finite doubles)"
            " at line 2, column 7 (char 67).",
        ),
        (
            b"[-1.0e999]",
            "Malformed JSON: -1.0e999 is out of range (JSON numbers must be finite doubles)"
            " at line 1, column 2 (char 1).",
        ),
        (
            b'{"esc\\"aped": "\\" 1e999", "v": 12345678901234567890e300}',
            "Malformed JSON: 12345678901234567890e300 is out of range (JSON numbers must be"
            " finite doubles) at line 1, column 32 (char 31).",
        ),
    ],
)
def test_json_malformed(data, message):
    with pytest.raises(MalformedBody) as info:
        parse_body(data, "application/json")
    assert info.value.status == 400
    assert info.value.message == message


def test_json_huge_integer_is_malformed_not_a_crash():
    with pytest.raises(MalformedBody) as info:
        parse_body(b"1" * 5000, "application/json")
    assert "4300 digits" in info.value.message


def _nested(depth, opener="[", closer="]"):
    return (opener * depth + "1" + closer * depth).encode()


def test_json_hundred_thousand_levels_are_refused_before_decoding(monkeypatch):
    """The depth scan refuses the body: the recursive decoder never sees it."""
    decoded = []
    monkeypatch.setattr(json, "loads", lambda *a, **k: decoded.append(a))
    with pytest.raises(MalformedBody) as info:
        parse_body(b"[" * 100_000, "application/json")
    assert decoded == []
    assert info.value.status == 400
    assert "nesting too deep" in info.value.message
    assert info.value.message == (
        f"Malformed JSON: nesting too deep (more than {MAX_DEPTH} levels)."
    )


def test_json_depth_limit_is_exact():
    assert MAX_DEPTH == 100
    assert parse_body(_nested(MAX_DEPTH), "application/json") is not None
    with pytest.raises(MalformedBody, match="nesting too deep"):
        parse_body(_nested(MAX_DEPTH + 1), "application/json")
    objects = ('{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1)).encode()
    with pytest.raises(MalformedBody, match="nesting too deep"):
        parse_body(objects, "application/json")
    mixed = ('[{"a":' * 50 + "[1]" + "}]" * 50).encode()  # 101 levels
    with pytest.raises(MalformedBody, match="nesting too deep"):
        parse_body(mixed, "application/json")


def test_json_depth_ignores_brackets_inside_strings():
    data = json.dumps({"text": "[{" * 500, "tricky": '\\"[[[' * 100 + "\\", "n": [[1]]})
    assert parse_body(data.encode(), "application/json")["n"] == [[1]]
    # Many shallow containers are fine: depth is not a count.
    wide = json.dumps([[{"a": [1]}] for _ in range(5000)])
    assert len(parse_body(wide.encode(), "application/json")) == 5000


def test_json_depth_scan_with_utf16_charset():
    assert parse_body(_nested(MAX_DEPTH).decode().encode("utf-16"), "application/json", "utf-16")
    with pytest.raises(MalformedBody, match="nesting too deep"):
        parse_body(_nested(MAX_DEPTH + 1).decode().encode("utf-16"), "application/json", "utf-16")


def test_json_recursion_error_is_malformed(monkeypatch):
    # Only reachable if the pre-scan limit were set too high.
    monkeypatch.setattr(body, "MAX_DEPTH", 10**9)
    with pytest.raises(MalformedBody) as info:
        parse_body(b"[" * 100_000, "application/json")
    assert info.value.message == "Malformed JSON: nesting too deep."


# --- XML ---------------------------------------------------------------------


def test_csv_rows():
    data = b'sku,qty,note\r\nA1,2,"hello, world"\r\nB2,3,"multi\nline"\r\n\r\nC3,,\r\n'
    assert parse_body(data, "text/csv") == [
        {"sku": "A1", "qty": "2", "note": "hello, world"},
        {"sku": "B2", "qty": "3", "note": "multi\nline"},
        {"sku": "C3", "qty": "", "note": ""},
    ]


def test_csv_header_only_and_short_rows():
    assert parse_body(b"a,b\n", "text/csv") == []
    assert parse_body(b"a,b,c\n1\n", "text/csv") == [{"a": "1", "b": None, "c": None}]


def test_csv_charset_and_bom():
    assert parse_body("name\nZoë\n".encode("latin-1"), "text/csv", "latin-1") == [{"name": "Zoë"}]
    assert parse_body("\ufeffname\nZoë\n".encode(), "text/csv") == [{"name": "Zoë"}]


def test_csv_ragged_row():
    with pytest.raises(MalformedBody) as info:
        parse_body(b"a,b,c\n1,2,3\n4,5,6,7\n", "text/csv")
    assert info.value.status == 400
    assert info.value.message == "Malformed CSV: line 3 has 4 fields, but the header has 3."


def test_csv_strict_quoting_error_names_the_line():
    with pytest.raises(MalformedBody) as info:
        parse_body(b'a,b\n1,2\n3,"x"y\n', "text/csv")
    assert info.value.message == "Malformed CSV at line 3: ',' expected after '\"'."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\r\n1,2\r\n", "Malformed CSV: the header row is empty."),
        (b",,\n1,2,3\n", "Malformed CSV: the header row is empty."),
        (b"a,,c\n1,2,3\n", "Malformed CSV: column 2 of the header has no name."),
        (b"a,b,a\n1,2,3\n", "Malformed CSV: the header repeats the column 'a'."),
    ],
)
def test_csv_bad_header(data, message):
    with pytest.raises(MalformedBody) as info:
        parse_body(data, "text/csv")
    assert info.value.message == message


# --- Forms and text ----------------------------------------------------------


def test_form_values():
    data = b"name=Zo%C3%AB+Doe&tag=a&tag=b&tag=c&empty=&single=1"
    assert parse_body(data, "application/x-www-form-urlencoded") == {
        "name": "Zoë Doe",
        "tag": ["a", "b", "c"],
        "empty": "",
        "single": "1",
    }


def test_form_charset():
    assert parse_body(b"n=Zo%EB", "application/x-www-form-urlencoded", "latin-1") == {"n": "Zoë"}


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"a=1&&b=2", "bad query field: '' (field 2, at character 4)."),
        (b"a=1&b", "bad query field: 'b' (field 2, at character 4)."),
        (
            b"x=1&n=Zo%EB",
            "can't decode byte 0xeb in position 2: unexpected end of data"
            " (field 2, at character 4).",
        ),
        (b"&".join(b"f%d=1" % i for i in range(1001)), "Max number of fields exceeded."),
    ],
)
def test_form_malformed(data, fragment):
    with pytest.raises(MalformedBody) as info:
        parse_body(data, "application/x-www-form-urlencoded")
    assert info.value.status == 400
    assert info.value.message.startswith("Malformed form body: ")
    assert info.value.message.endswith(fragment)


def test_form_field_limit_is_inclusive():
    data = b"&".join(b"f%d=1" % i for i in range(1000))
    assert len(parse_body(data, "application/x-www-form-urlencoded")) == 1000


def test_text_plain():
    assert parse_body("  Zoë\n".encode(), "text/plain") == "  Zoë\n"
    assert parse_body("Zoë".encode("latin-1"), "text/plain", "ISO-8859-1") == "Zoë"
    assert parse_body("Zoë".encode("utf-16"), "text/plain", "utf-16") == "Zoë"


@pytest.mark.parametrize(
    ("data", "mimetype"),
    [
        (b'{"a": "x\\u0000"}', "application/json"),
        (b'{"a": "x\\\\\\u0000"}', "application/json"),
        (b"a=%00", "application/x-www-form-urlencoded"),
        (b"a\x00b", "text/plain"),
        (b"a,b\n1,\x00\n", "text/csv"),
    ],
)
def test_nul_refused(data, mimetype):
    with pytest.raises(MalformedBody, match="NUL"):
        parse_body(data, mimetype)


def test_escaped_backslash_u0000_is_text_not_nul():
    assert parse_body(b'{"a": "x\\\\u0000"}', "application/json") == {"a": "x\\u0000"}


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_non_finite_results_are_not_serialised(value):
    # json.dumps would write Infinity/NaN: invalid JSON for every client
    with pytest.raises(snippet.SnippetResultError, match="cannot be serialised"):
        snippet.dumps({"x": value})
    assert snippet.dumps({"x": 1e308}) == b'{"x":1e+308}'
