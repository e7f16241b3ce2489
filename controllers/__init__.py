from . import as_code, main, metrics, oauth, openapi
