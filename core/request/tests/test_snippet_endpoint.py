import pytest

from core.request import snippet


def test_endpoint_value_is_read_only_and_carries_no_env():
    config = {"id": 3, "name": "Orders", "route": "/api/orders", "method": "POST"}
    value = snippet.EndpointValue(config, version=7)
    assert (value.id, value.name, value.route, value.request_method, value.version) == (
        3,
        "Orders",
        "/api/orders",
        "POST",
        7,
    )
    with pytest.raises(AttributeError):
        value.env  # noqa: B018
    with pytest.raises(AttributeError):
        value.name = "x"
    assert "Orders" in repr(value)
