"""Text that goes to a log stays on its line.

A path, a header, an exception message or an API key name can come from
the caller. Written to a log as is, a CR or LF in it starts a line of the
caller's choosing (a forged ``CRITICAL`` line), and other control
characters (ESC sequences, C1 controls, the Unicode line separators) can
rewrite what a terminal or a log viewer shows. :func:`escape_controls`
writes every such character as a visible escape (``\\r``, ``\\n``,
``\\x1b``, ``\\u2028``...), and :class:`EscapeControls` does it to whole
log records, so that a logger built with :func:`get_logger` can never
write one, whatever call site formats what.
"""

import logging
import re

#: C0 controls, DEL, C1 controls and the Unicode line/paragraph separators.
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x00": "\\x00"}


def _escape(match):
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text):
    """``text`` (any value, as ``str``) with its control characters escaped;
    None stays None."""
    if text is None:
        return None
    text = str(text)
    return CONTROLS.sub(_escape, text) if CONTROLS.search(text) else text


class EscapeControls(logging.Filter):
    """Escape the control characters of a record's formatted message (its
    traceback, if any, is left to the formatter: it is the server's own
    text). ``applies(record)`` may restrict it to some records."""

    def __init__(self, applies=None):
        super().__init__()
        self.applies = applies

    def filter(self, record):
        if self.applies is not None and not self.applies(record):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken record: let logging report it
            return True
        if CONTROLS.search(message):
            record.msg, record.args = escape_controls(message), None
        return True


def get_logger(name):
    """``logging.getLogger(name)`` that escapes control characters."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, EscapeControls) for f in logger.filters):
        logger.addFilter(EscapeControls())
    return logger
