import random
import string

import pytest
import yaml
from jsonschema import Draft202012Validator

from core.as_code import yaml_format as endpoints_yaml
from core.as_code.diff import format_plan, plan
from core.as_code.yaml_format import (
    FIELDS,
    FORMAT,
    FormatError,
    dump,
    json_schema,
    load,
    normalize,
)

SNIPPET = (
    'partner = env["res.partner"].browse(params["id"])\n'
    "if not partner:\n"
    "    raise werkzeug.exceptions.NotFound()\n"
    'result = {"payload": {"name": partner.name}}\n'
)


def definition(route="/api/things", method="GET", **kw):
    values = {"route": route, "method": method, "name": f"{method} {route}"}
    values.update(kw)
    return normalize(values)


def test_schema_is_valid_2020_12():
    Draft202012Validator.check_schema(json_schema())


def test_dump_uses_block_scalars_and_fixed_order():
    text = dump(
        [
            definition(code=SNIPPET, summary="Things", groups=["base.group_user"]),
            definition("/api/a", "POST", content_type="application/json"),
        ]
    )
    assert "  code: |\n    partner = env" in text
    data = yaml.safe_load(text)
    assert data["format"] == FORMAT
    # Sorted by route group, route, method order; keys in FIELDS order.
    assert [e["route"] for e in data["endpoints"]] == ["/api/a", "/api/things"]
    for entry in data["endpoints"]:
        assert list(entry) == [key for key in FIELDS if key in entry]
    # Defaults are left out, the identity and security keys never.
    assert set(data["endpoints"][0]) == {
        "route",
        "method",
        "name",
        "route_type",
        "auth",
        "content_type",
    }


def _random_text(rng):
    alphabet = string.ascii_letters + string.digits + " \t:#'\"{}[]-|>&*!%@`\\\n" + "éü→"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))


def _random_definition(rng, index):
    methods = ("GET", "POST", "PUT", "PATCH", "DELETE")
    return definition(
        f"/api/gen/{index}/<int:id>" if rng.random() < 0.5 else f"/api/gen/{index}",
        rng.choice(methods),
        name=_random_text(rng).strip() or "x",
        summary=_random_text(rng),
        description=_random_text(rng),
        route_group=rng.choice(["", "mobile", "b2b"]),
        route_type="http",
        auth=rng.choice(["public", "user_endpoint", "bearer"]),
        exec_as=rng.choice(["", "api_user"]),
        groups=rng.sample(["base.group_user", "base.group_system", "base.group_portal"], 2),
        content_type=rng.choice(["", "application/json"]),
        request_schema=_random_text(rng),
        response_schema=_random_text(rng),
        code=_random_text(rng),
        cors=rng.choice(["", "*", "https://a.example"]),
        csrf=rng.random() < 0.5,
        readonly=rng.random() < 0.5,
        active=rng.random() < 0.8,
    )


@pytest.mark.parametrize("seed", range(20))
def test_round_trip_is_exact_and_stable(seed):
    rng = random.Random(seed)
    schema = json_schema(content_types=("", "application/json"))
    definitions = [_random_definition(rng, i) for i in range(rng.randint(1, 12))]
    text = dump(definitions)
    loaded = load(text, schema).definitions
    key = lambda d: (d["route"], d["method"])  # noqa: E731
    assert sorted(loaded, key=key) == sorted(definitions, key=key)
    assert dump(loaded) == text
    assert dump(list(reversed(loaded))) == text


def test_invalid_file_lists_every_problem_with_lines():
    text = (
        f"format: {FORMAT}\n"
        "endpoints:\n"
        "- route: /api/a\n"  # 3
        "  method: GETT\n"  # 4
        "  name: a\n"
        "- route: /api/b\n"  # 6
        "  name: b\n"
        "  method: GET\n"
        "  csrf: maybe\n"  # 9
        "  colour: red\n"
        "- route: /api/b/\n"  # 11
        "  method: GET\n"
        "  name: b again\n"
        "  groups: [not an xml id]\n"  # 14
    )
    with pytest.raises(FormatError) as caught:
        load(text)
    problems = caught.value.problems
    lines = [line for line, _where, _message in problems]
    assert 4 in lines  # bad method
    assert 9 in lines  # bad boolean
    assert 6 in lines  # unknown key, reported on its endpoint
    assert 14 in lines  # bad group
    assert any("colour" in message for _l, _w, message in problems)
    message = str(caught.value)
    assert "line 4: endpoints[0].method: 'GETT' is not one of" in message
    assert message.startswith("The endpoints file is refused (")


def test_duplicate_identity_and_duplicate_keys_are_refused():
    text = (
        f"format: {FORMAT}\n"
        "endpoints:\n"
        "- {route: /api/a, method: GET, name: a}\n"
        "- route: /api/a/\n"
        "  method: GET\n"
        "  name: a2\n"
        "  name: a3\n"
    )
    with pytest.raises(FormatError) as caught:
        load(text)
    problems = caught.value.problems
    assert (7, "endpoints[1]", "duplicate key 'name'") in problems
    assert any(line == 4 and "already defined at line 3" in m for line, _w, m in problems)


def test_yaml_syntax_error_has_a_line():
    with pytest.raises(FormatError) as caught:
        load(f"format: {FORMAT}\nendpoints:\n- route: [unclosed\n  method: GET\n")
    assert caught.value.problems[0][0] >= 3
    assert "not valid YAML" in str(caught.value)


def test_missing_format_and_wrong_types():
    with pytest.raises(FormatError) as caught:
        load("endpoints: {}\n")
    messages = [m for _l, _w, m in caught.value.problems]
    assert "'format' is a required property" in messages
    assert any("is not of type 'array'" in m for m in messages)
    with pytest.raises(FormatError):
        load("")


def test_plan_create_change_archive_and_scope():
    db = [
        definition("/api/a", code="x = 1\n", route_group="g"),
        definition("/api/b", route_group="g"),
        definition("/api/c", route_group="other"),
        definition("/api/d", route_group="g", active=False),
    ]
    file = [
        definition("/api/a", code="x = 2\n", route_group="g", summary="A"),
        definition("/api/b", route_group="g"),
        definition("/api/e", route_group="g"),
    ]
    result = plan(db, file)
    assert [d["route"] for d in result.create] == ["/api/e"]
    assert [(d["route"], list(diff)) for d, diff in result.change] == [
        ("/api/a", ["summary", "code"])
    ]
    assert [d["route"] for d in result.unchanged] == ["/api/b"]
    assert result.archive == []
    pruned = plan(db, file, prune=True)
    # /api/c is in another group; /api/d is archived already.
    assert [d["route"] for d in pruned.archive] == []
    db.append(definition("/api/f", route_group="g"))
    assert [d["route"] for d in plan(db, file, prune=True).archive] == ["/api/f"]
    report = format_plan(plan(db, file, prune=True))
    assert "+ create  GET /api/e" in report
    assert "~ change  GET /api/a: summary, code" in report
    assert "-x = 1" in report and "+x = 2" in report
    assert "summary: (empty) -> 'A'" in report
    assert "- archive GET /api/f" in report
    assert report.endswith("1 to create, 1 to change, 1 to archive, 1 unchanged.")


def test_plan_of_same_definitions_is_empty():
    defs = [definition("/api/a"), definition("/api/b", "POST")]
    assert plan(defs, defs, prune=True).empty


def test_resource_round_trip_and_checks():
    resource = {
        "route": "/api/v1/customers",
        "method": "resource",
        "name": "Customers",
        "auth": "bearer",
        "exec_mode": "resource",
        "resource": {
            "model": "res.partner",
            "fields": ["phone", "name", "email"],
            "writable": ["name"],
            "operations": ["read", "list", "create"],
        },
    }
    code = {"route": "/api/v1/customers", "method": "GET", "name": "Snippet version"}
    text = endpoints_yaml.dump([resource, code])
    loaded = endpoints_yaml.load(text).definitions
    assert endpoints_yaml.dump(loaded) == text
    assert [endpoints_yaml.identity(d) for d in loaded] == [
        ("/api/v1/customers", "GET"),
        ("/api/v1/customers", "resource"),
    ]
    settings = loaded[1]["resource"]
    assert settings["fields"] == ["email", "name", "phone"]
    assert settings["operations"] == ["list", "read", "create"]
    assert settings["domain"] == "[]" and settings["page_size"] == 50
    assert "page_size" not in text and "domain" not in text  # defaults left out
    # a resource needs its settings; another endpoint may not have any
    broken = text.replace("  resource:\n    model: res.partner\n", "  nothing: 1\n")
    with pytest.raises(endpoints_yaml.FormatError):
        endpoints_yaml.load(broken)
    with pytest.raises(endpoints_yaml.FormatError) as caught:
        endpoints_yaml.load(
            text.replace("method: GET", "method: GET\n  resource:\n    model: x\n    fields: []")
        )
    assert "resource" in str(caught.value)


def _alias_bomb(levels):
    """The issue's file: ``levels`` levels of ten aliases each."""
    lines = ['format: "rest_endpoint.endpoints/1"', 'l0: &l0 ["xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]']
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 10)}]")
    lines.append(f"endpoints: *l{levels}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [5, 8])
def test_alias_bomb_refused_before_it_expands(levels):
    with pytest.raises(FormatError) as caught:
        endpoints_yaml.load(_alias_bomb(levels))
    message = caught.value.describe()
    assert "line 2: not valid YAML: YAML aliases are not allowed: found the anchor '&l0'" in (
        message
    )
    assert len(message) < 300  # no expanded document in the error


def test_aliases_alone_refused_and_dates_stay_text():
    text = (
        'format: "rest_endpoint.endpoints/1"\nendpoints:\n- &e {route: /a, method: GET, '
        "name: A}\n- *e\n"
    )
    with pytest.raises(FormatError, match="found the anchor '&e'"):
        endpoints_yaml.load(text)
    loaded = endpoints_yaml.load(
        'format: "rest_endpoint.endpoints/1"\nendpoints:\n- {route: /a, method: GET, '
        "name: A, summary: 2026-01-01}\n"
    )
    assert loaded.definitions[0]["summary"] == "2026-01-01"


def test_file_size_capped():
    text = 'format: "rest_endpoint.endpoints/1"\nendpoints: []\n'
    padding = "#" * (endpoints_yaml.MAX_FILE_SIZE - len(text)) + "\n"
    with pytest.raises(FormatError, match="the file is too large"):
        endpoints_yaml.load(text + padding)
    assert endpoints_yaml.load(text + padding[:-2] + "\n").definitions == []


def test_resource_expand_batch_and_idempotency_round_trip():
    resource = {
        "route": "/api/v1/companies",
        "method": "resource",
        "name": "Companies",
        "exec_mode": "resource",
        "idempotency_put_delete": True,
        "resource": {
            "model": "res.partner",
            "fields": ["name", "child_ids"],
            "expand": "child_ids(name, email)",
            "max_batch": 20,
        },
    }
    text = endpoints_yaml.dump([resource])
    assert "expand: child_ids(name, email)" in text and "max_batch: 20" in text
    assert "idempotency_put_delete: true" in text
    [loaded] = endpoints_yaml.load(text).definitions
    assert endpoints_yaml.dump([loaded]) == text
    assert loaded["resource"]["expand"] == "child_ids(name, email)"
    assert loaded["idempotency_put_delete"] is True
    defaults = endpoints_yaml.dump(
        [
            dict(
                resource,
                idempotency_put_delete=False,
                resource={"model": "res.partner", "fields": ["name"]},
            )
        ]
    )
    assert "expand" not in defaults and "max_batch" not in defaults
    assert "idempotency" not in defaults
    with pytest.raises(endpoints_yaml.FormatError):
        endpoints_yaml.load(text.replace("max_batch: 20", "max_batch: 0"))
