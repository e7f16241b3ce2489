from . import endpoint_import_wizard
