"""What a request log may keep of a body or of headers: secrets redacted,
then truncated.

The request log (``endpoint.log``) can keep request and response bodies for
debugging. They often carry credentials (a login form, a token refresh, an
API key in a JSON body), so before anything is stored: the ``Authorization``,
cookie and CSRF headers are replaced, and so is the value of every field
whose name looks like a password, a secret or a token, in JSON (at any
depth), in form bodies, and, as a best effort, in any other text
(``name=value``, ``"name": "value"``, ``<name>value</name>``). Redaction comes
before truncation, so a body cut in the middle of a secret cannot leak its
first half.
"""

import json
import re
from urllib.parse import parse_qsl, urlencode

REDACTED = "[redacted]"

#: Headers never stored as sent.
SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-csrf-token",
        "x-api-key",
        "x-openerp-session-id",
    }
)

#: Field names whose values are secrets (matched anywhere in the name,
#: case-insensitive): password, passwd, pwd, secret, token, api_key, apikey,
#: authorization, cookie, credential, session_id, csrf...
SENSITIVE_NAME = re.compile(
    r"passw|passwd|pwd|secret|token|api[-_]?key|authori[sz]ation|cookie|credential"
    r"|session[-_]?id|csrf|private[-_]?key|otp",
    re.IGNORECASE,
)

_NAME = r"[A-Za-z0-9_.\-]*?(?:" + SENSITIVE_NAME.pattern + r")[A-Za-z0-9_.\-]*"
# "name": "value" / "name": 123 (JSON-ish text that did not parse, e.g. cut)
_QUOTED_PAIR = re.compile(
    r'(?P<head>["\'](?P<name>' + _NAME + r')["\']\s*:\s*)(?P<value>"(?:[^"\\]|\\.)*"?|[^,}\]\s]+)',
    re.IGNORECASE,
)
# name=value (query strings, form bodies, logfmt)
_PLAIN_PAIR = re.compile(
    r"(?P<head>(?<![A-Za-z0-9_.\-])(?P<name>" + _NAME + r")=)(?P<value>[^&\s;,]*)",
    re.IGNORECASE,
)
# <name ...>value</name>
_XML_ELEMENT = re.compile(
    r"(?P<open><(?P<tag>(?:[\w.\-]+:)?"
    + _NAME
    + r")(?:\s[^>]*)?>)(?P<value>[^<]*)(?P<close></(?P=tag)>)",
    re.IGNORECASE,
)


def is_sensitive(name):
    return bool(SENSITIVE_NAME.search(str(name)))


def redact_headers(headers):
    """``Name: value`` lines of ``headers`` (pairs), secrets replaced."""
    lines = []
    for name, value in headers:
        lines.append(f"{name}: {REDACTED if name.lower() in SENSITIVE_HEADERS else value}")
    return "\n".join(lines)


def redact_value(value):
    """``value`` (parsed JSON) with the values of sensitive keys replaced."""
    if isinstance(value, dict):
        return {
            key: REDACTED if is_sensitive(key) else redact_value(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    return value


def redact_text(text):
    """Best-effort redaction of free text (a body that is neither valid JSON
    nor a form): quoted pairs, ``name=value`` pairs and XML elements."""
    text = _QUOTED_PAIR.sub(lambda m: f'{m["head"]}"{REDACTED}"', text)
    text = _PLAIN_PAIR.sub(lambda m: f"{m['head']}{REDACTED}", text)
    return _XML_ELEMENT.sub(lambda m: f"{m['open']}{REDACTED}{m['close']}", text)


def redact_body(data, content_type=""):
    """The text of a body, secrets replaced; binary bodies are described,
    never stored."""
    if data is None:
        return ""
    if isinstance(data, bytes | bytearray):
        try:
            text = bytes(data).decode()
        except UnicodeDecodeError:
            return f"<{len(data)} bytes of binary data>"
    else:
        text = str(data)
    if not text:
        return ""
    mimetype = (content_type or "").split(";")[0].strip().lower()
    stripped = text.lstrip()
    if mimetype.endswith("json") or stripped[:1] in ("{", "["):
        try:
            return json.dumps(redact_value(json.loads(text)), ensure_ascii=False)
        except ValueError:  # cut or broken JSON: the text patterns below
            return redact_text(text)
    if mimetype == "application/x-www-form-urlencoded":
        pairs = parse_qsl(text, keep_blank_values=True)
        if pairs:
            return urlencode([(k, REDACTED if is_sensitive(k) else v) for k, v in pairs])
    return redact_text(text)


def truncate(text, size):
    """``text`` cut to ``size`` characters, saying how much was cut."""
    if size is None or size < 0 or len(text) <= size:
        return text
    return f"{text[:size]}… [truncated: {len(text) - size} more characters]"
