from . import endpoint_endpoint, ir_http, rpc_guard
