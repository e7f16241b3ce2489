from . import endpoint_endpoint, ir_http
