from . import controllers, models, serving, wizard
from .serving import key_stamp, resource_sync


def uninstall_hook(env):
    """Drop what the module added to Odoo's own tables: the triggers that
    renew the API key stamp (``serving/key_stamp.py``) and those that record
    changes for offline sync, with their table (``serving/resource_sync.py``)."""
    key_stamp.uninstall(env.cr)
    resource_sync.uninstall(env.cr)
