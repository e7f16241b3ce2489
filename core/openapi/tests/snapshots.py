"""Published endpoint snapshots for the pure tests, shaped as
``_published_snapshot()`` freezes them (models/endpoint_publish.py)."""


def config(id_=1, route="/api/things", method="GET", **kw):
    """A published snapshot, as ``_published_snapshot()`` freezes it."""
    values = {
        "id": id_,
        "name": f"Endpoint {id_}",
        "summary": "",
        "description": "",
        "route": route,
        "route_group": "",
        "route_type": "http",
        "method": method,
        "auth_type": "bearer",
        "exec_as_user_id": None,
        "content_type": "",
        "schema": "",
        "response_schema": "",
        "exec_mode": "code",
        "code": "result = {'payload': {}}",
        "company_id": None,
        "csrf": False,
        "cors": "",
        "readonly": False,
        "group_ids": [],
        "api_key_scope": "",
        "log_requests": "errors",
        "log_bodies": False,
        "rate_limit": 0,
        "rate_limit_period": 60,
    }
    values.update(kw)
    return values
