from . import main, openapi
