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
    # by user (default): all keys and sessions of user 2 together
    assert ratelimit.caller_key(7, 2, "1.2.3.4") == "user:2"
    assert ratelimit.caller_key(8, 2, "5.6.7.8") == "user:2"
    assert ratelimit.caller_key(None, 2, "1.2.3.4") == "user:2"
    assert ratelimit.caller_key(None, None, "1.2.3.4") == "addr:1.2.3.4"
    # by key: each key its own; a session counts as its user
    assert ratelimit.caller_key(7, 2, "1.2.3.4", by="key") == "key:7"
    assert ratelimit.caller_key(None, 2, "1.2.3.4", by="key") == "user:2"
    assert ratelimit.caller_key(None, None, "1.2.3.4", by="key") == "addr:1.2.3.4"
    # by address
    assert ratelimit.caller_key(7, 2, "1.2.3.4", by="ip") == "addr:1.2.3.4"
    assert ratelimit.reset_seconds(10, 60, 10 * 60 + 0.5) == 60
    assert ratelimit.reset_seconds(10, 60, 11 * 60 - 0.1) == 1
    assert ratelimit.headers(5, 7, 3) == {
        "RateLimit-Limit": "5",
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": "3",
    }
    assert "5 request(s) per 60 second(s)" in ratelimit.refusal(5, 60, 3)


def test_one_name_rule_for_headers_and_fields():
    headers = [
        ("X-Auth-Token", "h1"),
        ("X-Access-Token", "h2"),
        ("Api-Key", "h3"),
        ("X-Amz-Security-Token", "h4"),
        ("X-Signature", "h5"),
        ("X-Session", "h6"),
        ("Accept", "application/json"),
    ]
    text = redact.redact_headers(headers)
    for secret in ("h1", "h2", "h3", "h4", "h5", "h6"):
        assert f": {secret}" not in text
    assert "Accept: application/json" in text
    body = {"pass": "p", "otp": "1", "card_pin": "2", "cvv": "3", "login": "bob"}
    out = json.loads(redact.redact_body(json.dumps(body).encode(), "application/json"))
    assert out == dict.fromkeys(("pass", "otp", "card_pin", "cvv"), redact.REDACTED) | {
        "login": "bob"
    }


def test_extra_names_from_configuration():
    rule = redact.redactor(("iban",))
    assert rule.is_sensitive("customer_IBAN") and not redact.is_sensitive("customer_IBAN")
    out = rule.headers([("X-Iban", "FR76")])
    assert "FR76" not in out


def test_csv_and_multipart_redacted_by_name():
    out = redact.redact_body(b"login,password\nbob,S3cret\nann,Other1\n", "text/csv")
    assert "S3cret" not in out and "Other1" not in out
    assert out.splitlines()[:2] == ["login,password", "bob,[redacted]"]
    multipart = (
        b'--b\r\nContent-Disposition: form-data; name="login"\r\n\r\nbob\r\n'
        b'--b\r\nContent-Disposition: form-data; name="password"\r\n\r\nS3cret\r\n--b--\r\n'
    )
    out = redact.redact_body(multipart, "multipart/form-data; boundary=b")
    assert "S3cret" not in out and "bob" in out


def test_values_quoted_back_are_scrubbed():
    rule = redact.redactor()
    request = json.dumps({"login": "bob", "password": "hunter2", "alt": {"pwd": ["Arr4ySecret"]}})
    secrets = rule.secrets(request.encode(), "application/json", [("X-Auth-Token", "tok-123")])
    assert {"hunter2", "Arr4ySecret", "tok-123"} <= secrets and "bob" not in secrets
    response = json.dumps(
        {
            "message": "Request body does not match the schema (3 errors).",
            "errors": [
                {"path": "/password", "message": "'hunter2' is too short"},
                {"path": "/alt", "message": "{'pwd': ['Arr4ySecret']} is not valid"},
                {"path": "/login", "message": "'bob' is too short"},
            ],
        }
    )
    out = rule.body(response.encode(), "application/json", secrets)
    assert "hunter2" not in out and "Arr4ySecret" not in out
    assert "'bob' is too short" in out
    assert rule.scrub("bad token tok-123", secrets) == "bad token [redacted]"
    form = rule.secrets(b"login=bob&pass=S3cret", "application/x-www-form-urlencoded")
    assert form == {"S3cret"}
    assert rule.secrets(b"login,password\nbob,S3cret\n", "text/csv") == {"S3cret"}
    # short secrets are not hunted in free text (they are redacted by name)
    assert rule.secrets(b'{"pin": "7"}', "application/json") == frozenset()


def test_json_too_deep_to_walk_is_redacted_as_text():
    rule = redact.redactor()
    for depth in (900, 5000):
        deep = ('{"password": "S3cretDeep", "a": ' + "[" * depth + "]" * depth + "}").encode()
        assert "S3cretDeep" not in rule.body(deep, "application/json")
        assert isinstance(rule.secrets(deep, "application/json"), frozenset)
