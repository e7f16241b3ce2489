# endpoint_endpoint defines the model, the others extend it: it loads first.
from . import endpoint_endpoint  # isort: skip
from . import (
    endpoint_checks,
    endpoint_publish,
    endpoint_try_it,
    exec_code,
    ir_http,
    rpc_guard,
)
