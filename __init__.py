from . import controllers, dispatcher, key_stamp, models, wizard


def uninstall_hook(env):
    """Drop what the module added to Odoo's own tables: the triggers that
    renew the API key stamp (``key_stamp.py``)."""
    key_stamp.uninstall(env.cr)
