import json

from core.request import ratelimit, redact


def test_headers_redacted():
    text = redact.redact_headers(
        [
            ("Authorization", "Bearer abc"),
            ("Cookie", "session_id=xyz"),
            ("Content-Type", "application/json"),
        ]
    )
    assert "abc" not in text and "xyz" not in text
    assert "Authorization: [redacted]" in text
    assert "Content-Type: application/json" in text


def test_json_fields_redacted_at_any_depth():
    body = json.dumps(
        {
            "login": "bob",
            "password": "hunter2",
            "nested": [{"access_token": "t0k", "qty": 2}, {"apiKey": "k"}],
            "refreshToken": {"value": "r"},
        }
    ).encode()
    out = json.loads(redact.redact_body(body, "application/json"))
    assert out["login"] == "bob"
    assert out["password"] == redact.REDACTED
    assert out["nested"][0] == {"access_token": redact.REDACTED, "qty": 2}
    assert out["nested"][1]["apiKey"] == redact.REDACTED
    assert out["refreshToken"] == redact.REDACTED


def test_form_and_text_redacted():
    out = redact.redact_body(
        b"login=bob&password=hunter2&csrf_token=abc", "application/x-www-form-urlencoded"
    )
    assert "hunter2" not in out and "abc" not in out and "login=bob" in out
    text = redact.redact_body(b'{"user": "bob", "password": "hunt', "application/json")  # cut JSON
    assert "hunt" not in text and "bob" in text
    xml = redact.redact_body(
        b"<a><login>bob</login><Password>hunter2</Password></a>", "application/xml"
    )
    assert "hunter2" not in xml and "<login>bob</login>" in xml
    plain = redact.redact_body(b"user=bob token=xyz", "text/plain")
    assert "xyz" not in plain and "user=bob" in plain


def test_binary_and_truncation():
    assert redact.redact_body(b"\xff\xfe\x00", "") == "<3 bytes of binary data>"
    assert redact.redact_body(None) == ""
    long = redact.truncate("x" * 100, 10)
    assert long.startswith("x" * 10) and "90 more characters" in long
    assert redact.truncate("short", 10) == "short"


def test_redaction_before_truncation():
    body = json.dumps({"a": "b" * 20, "password": "s3cr3tvalue"}).encode()
    out = redact.truncate(redact.redact_body(body, "application/json"), 40)
    assert "s3cr" not in out


def test_rate_limit_headers():
    assert ratelimit.caller_key(7, 2, "1.2.3.4") == "key:7"
    assert ratelimit.caller_key(None, 2, "1.2.3.4") == "user:2"
    assert ratelimit.caller_key(None, None, "1.2.3.4") == "addr:1.2.3.4"
    assert ratelimit.reset_seconds(10, 60, 10 * 60 + 0.5) == 60
    assert ratelimit.reset_seconds(10, 60, 11 * 60 - 0.1) == 1
    assert ratelimit.headers(5, 7, 3) == {
        "RateLimit-Limit": "5",
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": "3",
    }
    assert "5 request(s) per 60 second(s)" in ratelimit.refusal(5, 60, 3)
