"""What one request carries: bodies, schemas, errors, origins, redaction, snippets.

Body parsing by content type (``body``), JSON numbers JSON cannot hold
(``json_numbers``), JSON Schema and XSD compiling and validation (``schema``),
the single error contract (``errors``), origin and CSRF arithmetic (``origin``),
redaction of what the log keeps (``redact``), control characters escaped in
log lines (``logsafe``), the YAML loader without aliases (``yaml_safe``), the
snippet's compile and result
contract (``snippet``) and the rate-limit window arithmetic (``ratelimit``).

Pure Python: may import the standard library, werkzeug, jsonschema, lxml and
PyYAML, and
nothing else of ``core`` (the other subpackages build on this one).
"""
