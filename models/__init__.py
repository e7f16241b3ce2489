# The file that defines endpoint.endpoint comes before the ones extending it.
from . import endpoint_endpoint

# isort: split
from . import (
    endpoint_as_code,
    endpoint_checks,
    endpoint_jwt_issuer,
    endpoint_log,
    endpoint_oauth_client,
    endpoint_oauth_grant,
    endpoint_operations,
    endpoint_publish,
    endpoint_stat,
    endpoint_try_it,
    exec_code,
    exec_resource,
    exec_resource_expand,
    exec_resource_write,
    idempotency_keys,
    ir_http,
    res_users,
    rpc_guard,
)
