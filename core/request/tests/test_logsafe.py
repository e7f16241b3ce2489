import logging

from core.request import logsafe


def test_every_control_character_escaped():
    forged = "/api/nope\r\n2026-12-06 02:50:00,000 99999 CRITICAL x\x1b[2J\x85\u2028\x00\x7f"
    out = logsafe.escape_controls(forged)
    assert "\r" not in out and "\n" not in out
    assert out == (
        "/api/nope\\r\\n2026-12-06 02:50:00,000 99999 CRITICAL x\\x1b[2J\\x85\\u2028\\x00\\x7f"
    )
    assert all(logsafe.escape_controls(chr(c)) != chr(c) for c in [*range(32), *range(127, 160)])
    assert logsafe.escape_controls("plain é ✓") == "plain é ✓"
    assert logsafe.escape_controls(None) is None


def test_logger_escapes_whatever_the_call_site_formats(caplog):
    logger = logsafe.get_logger("rest_endpoint.test_logsafe")
    assert logsafe.get_logger("rest_endpoint.test_logsafe").filters == logger.filters
    with caplog.at_level(logging.INFO, logger="rest_endpoint.test_logsafe"):
        logger.info("GET %s -> %s", "/a\r\nCRITICAL forged", 404)
        logger.warning("user text\nsecond line")
    assert [r.getMessage() for r in caplog.records] == [
        "GET /a\\r\\nCRITICAL forged -> 404",
        "user text\\nsecond line",
    ]
    assert len(caplog.text.strip().splitlines()) == 2


def test_every_logger_of_the_addon_escapes():
    """Every module of the addon that logs builds its logger with
    get_logger (the command-line tool logs only its operator's arguments)."""
    import pathlib  # noqa: PLC0415

    root = pathlib.Path(logsafe.__file__).resolve().parents[2]
    plain = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(("bench/", "cli/", "tools/")) or "/tests/" in f"/{relative}":
            continue
        if "logging.getLogger(__name__)" in path.read_text() or "_logger = logging." in (
            path.read_text()
        ):
            plain.append(relative)
    assert plain == []
