from . import endpoint_apikey_wizard
