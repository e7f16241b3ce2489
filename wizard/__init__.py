from . import endpoint_apikey_wizard, endpoint_import_wizard
