from . import main, metrics, openapi
