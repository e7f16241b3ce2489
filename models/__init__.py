from . import (
    endpoint_checks,
    endpoint_endpoint,
    endpoint_publish,
    endpoint_try_it,
    exec_code,
    ir_http,
    rpc_guard,
)
