"""What a request log may keep of a body or of headers: secrets redacted,
then truncated.

The request log (``endpoint.log``) can keep request and response bodies for
debugging. They often carry credentials (a login form, a token refresh, an
API key in a JSON body), so before anything is stored, ONE name rule
(:class:`Redactor`) judges header names and field names alike: a name is
sensitive when it contains one of :data:`SENSITIVE_PARTS` (token, key,
secret, auth, passw, pass, pwd, cookie, session, signature, otp, pin, cvv,
credential, csrf), case-insensitive, or one of the extra parts an
administrator lists (system parameter ``rest_endpoint.log_redact_names``).
It errs on the side of hiding: ``author`` or ``shipping`` are redacted too.

The value of every sensitive header is replaced, and so is the value of
every sensitive field: in JSON (at any depth), in form bodies (urlencoded
and multipart), in CSV (by column name), and, as a best effort, in any
other text (``name=value``, ``"name": "value"``, ``<name>value</name>``).

A response can quote what the request sent: a schema error says
``'hunter2' is too short``. So the values of the request's sensitive
fields and headers (:meth:`Redactor.secrets`) are also scrubbed from the
logged response and error message wherever they appear, and the message of
a violation whose ``path`` names a sensitive field is replaced. The
caller's own response is not changed: only the logged copy.

Redaction comes before truncation, so a body cut in the middle of a secret
cannot leak its first half.
"""

import csv
import functools
import io
import json
import re
from urllib.parse import parse_qsl, urlencode

REDACTED = "[redacted]"

#: A header or field name containing one of these is sensitive.
SENSITIVE_PARTS = (
    "token",
    "key",
    "secret",
    "auth",
    "passw",
    "pass",
    "pwd",
    "cookie",
    "session",
    "signature",
    "otp",
    "pin",
    "cvv",
    "credential",
    "csrf",
)

#: Secrets shorter than this are not searched for in free text (a pin "7"
#: would blank every 7 of a response); violations at their path still are.
MIN_SCRUBBED_LENGTH = 4

_NAME_CHARS = r"[A-Za-z0-9_.\-]*"
_CSV_TYPES = ("text/csv", "application/csv")


@functools.lru_cache(maxsize=16)
def redactor(extra=()):
    """The :class:`Redactor` of the default parts plus ``extra`` (a tuple)."""
    return Redactor(extra)


class Redactor:
    """The one name rule, applied to headers, bodies and error messages."""

    def __init__(self, extra=()):
        parts = {part.strip().lower() for part in (*SENSITIVE_PARTS, *extra)}
        parts.discard("")
        self.parts = tuple(sorted(parts, key=lambda part: (-len(part), part)))
        alternatives = "|".join(re.escape(part) for part in self.parts)
        self.name_re = re.compile(alternatives, re.IGNORECASE)
        name = _NAME_CHARS + "?(?:" + alternatives + ")" + _NAME_CHARS
        # "name": "value" / "name": 123 (JSON-ish text that did not parse, e.g. cut)
        self._quoted_pair = re.compile(
            r'(?P<head>["\'](?P<name>'
            + name
            + r')["\']\s*:\s*)(?P<value>"(?:[^"\\]|\\.)*"?|[^,}\]\s]+)',
            re.IGNORECASE,
        )
        # name=value (query strings, form bodies, logfmt)
        self._plain_pair = re.compile(
            r"(?P<head>(?<![A-Za-z0-9_.\-])(?P<name>" + name + r")=)(?P<value>[^&\s;,]*)",
            re.IGNORECASE,
        )
        # <name ...>value</name>
        self._xml_element = re.compile(
            r"(?P<open><(?P<tag>(?:[\w.\-]+:)?"
            + name
            + r")(?:\s[^>]*)?>)(?P<value>[^<]*)(?P<close></(?P=tag)>)",
            re.IGNORECASE,
        )
        # a multipart part named like a secret: its value, up to the boundary
        self._multipart_part = re.compile(
            r'(?P<head>name="(?P<name>'
            + name
            + r')"[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n)(?P<value>.*?)(?=\r?\n--)',
            re.IGNORECASE | re.DOTALL,
        )

    def is_sensitive(self, name):
        return bool(self.name_re.search(str(name)))

    # -- headers --------------------------------------------------------

    def headers(self, headers):
        """``Name: value`` lines of ``headers`` (pairs), secrets replaced."""
        return "\n".join(
            f"{name}: {REDACTED if self.is_sensitive(name) else value}" for name, value in headers
        )

    # -- bodies ---------------------------------------------------------

    def value(self, value):
        """``value`` (parsed JSON) with the values of sensitive keys replaced,
        and the messages of violations at a sensitive path."""
        if isinstance(value, dict):
            redacted = {
                key: REDACTED if self.is_sensitive(key) else self.value(item)
                for key, item in value.items()
            }
            path = value.get("path")
            if isinstance(path, str) and "message" in value and self.is_sensitive(path):
                redacted["message"] = REDACTED
            return redacted
        if isinstance(value, list):
            return [self.value(item) for item in value]
        return value

    def text(self, text):
        """Best-effort redaction of free text (a body that is neither valid
        JSON nor a form): quoted pairs, ``name=value`` pairs, XML elements
        and multipart parts."""
        text = self._quoted_pair.sub(lambda m: f'{m["head"]}"{REDACTED}"', text)
        text = self._plain_pair.sub(lambda m: f"{m['head']}{REDACTED}", text)
        text = self._multipart_part.sub(lambda m: f"{m['head']}{REDACTED}", text)
        return self._xml_element.sub(lambda m: f"{m['open']}{REDACTED}{m['close']}", text)

    def csv(self, text):
        """A CSV body with the columns of sensitive names redacted (the
        first row names the columns), or None when it is not CSV."""
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error:
            return None
        if not rows:
            return None
        hidden = {i for i, name in enumerate(rows[0]) if self.is_sensitive(name)}
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(rows[0])
        for row in rows[1:]:
            writer.writerow([REDACTED if i in hidden else cell for i, cell in enumerate(row)])
        return out.getvalue()

    def body(self, data, content_type="", secrets=()):
        """The text of a body, secrets replaced (and the ``secrets`` values
        of the request wherever they appear); binary bodies are described,
        never stored."""
        text = _text(data)
        if text is None:
            return f"<{len(data)} bytes of binary data>"
        if not text:
            return ""
        return self.scrub(self._structured(text, _mimetype(content_type)), secrets)

    def _structured(self, text, mimetype):
        if mimetype.endswith("json") or text.lstrip()[:1] in ("{", "["):
            try:
                return json.dumps(self.value(json.loads(text)), ensure_ascii=False)
            except (ValueError, RecursionError):  # cut, broken or too deep JSON
                return self.text(text)
        if mimetype == "application/x-www-form-urlencoded":
            pairs = parse_qsl(text, keep_blank_values=True)
            if pairs:
                return urlencode([(k, REDACTED if self.is_sensitive(k) else v) for k, v in pairs])
        if mimetype in _CSV_TYPES:
            redacted = self.csv(text)
            if redacted is not None:
                return redacted
        return self.text(text)

    # -- values quoted back ---------------------------------------------

    def secrets(self, data, content_type="", headers=()):
        """The values of the sensitive fields of a request body and of its
        sensitive headers (``Authorization: Bearer x`` gives ``x`` too)."""
        found = set()
        for name, value in headers:
            if self.is_sensitive(name):
                found.add(str(value))
                found.update(str(value).split())
        text = _text(data)
        if text and not self._json_secrets(text, found):
            pairs = []
            if _mimetype(content_type) in _CSV_TYPES:
                pairs = _csv_pairs(text)
            elif "=" in text:
                pairs = parse_qsl(text, keep_blank_values=True)
            found.update(v for k, v in pairs if self.is_sensitive(k))
        return frozenset(s for s in found if len(s) >= MIN_SCRUBBED_LENGTH)

    def _json_secrets(self, text, found):
        """Add the secrets of ``text`` if it is JSON; whether it was. JSON
        too deep to walk gives what was found before the limit (its values
        are redacted by name in the stored body all the same)."""
        try:
            self._collect(json.loads(text), found)
        except ValueError:
            return False
        except RecursionError:
            return True
        return True

    def _collect(self, value, found, sensitive=False):
        if isinstance(value, dict):
            for key, item in value.items():
                self._collect(item, found, sensitive or self.is_sensitive(key))
        elif isinstance(value, list):
            for item in value:
                self._collect(item, found, sensitive)
        elif sensitive and value is not None and not isinstance(value, bool):
            found.add(str(value))

    def scrub(self, text, secrets):
        """``text`` with every occurrence of ``secrets`` replaced."""
        if not text or not secrets:
            return text
        for secret in sorted(secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        return text


def _text(data):
    """The text of ``data`` ('' for none), None when it is binary."""
    if data is None:
        return ""
    if isinstance(data, bytes | bytearray):
        try:
            return bytes(data).decode()
        except UnicodeDecodeError:
            return None
    return str(data)


def _mimetype(content_type):
    return (content_type or "").split(";")[0].strip().lower()


def _csv_pairs(text):
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return []
    if not rows:
        return []
    return [(name, cell) for row in rows[1:] for name, cell in zip(rows[0], row, strict=False)]


# The default rule, for callers without a configuration.
def is_sensitive(name):
    return redactor().is_sensitive(name)


def redact_headers(headers):
    return redactor().headers(headers)


def redact_value(value):
    return redactor().value(value)


def redact_text(text):
    return redactor().text(text)


def redact_body(data, content_type=""):
    return redactor().body(data, content_type)


def truncate(text, size):
    """``text`` cut to ``size`` characters, saying how much was cut."""
    if size is None or size < 0 or len(text) <= size:
        return text
    return f"{text[:size]}… [truncated: {len(text) - size} more characters]"
