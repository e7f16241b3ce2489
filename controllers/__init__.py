from . import as_code, main, metrics, openapi
