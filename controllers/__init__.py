from . import as_code, main, openapi
