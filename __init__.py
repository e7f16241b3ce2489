from . import controllers, models, serving, wizard
from .serving import key_stamp


def uninstall_hook(env):
    """Drop what the module added to Odoo's own tables: the triggers that
    renew the API key stamp (``serving/key_stamp.py``)."""
    key_stamp.uninstall(env.cr)
