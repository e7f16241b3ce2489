# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The shipped translation template holds every term Odoo exports for the
module: a term added without exporting i18n/rest_endpoint.pot again fails
(see README, Translations)."""

import io
import re

from odoo.tests import TransactionCase, tagged
from odoo.tools import file_open
from odoo.tools.translate import trans_export

MSGID = re.compile(r'^msgid ((?:".*"\n)+)', re.M)


def msgids(text):
    return {"".join(re.findall(r'"(.*)"', block)) for block in MSGID.findall(text + "\n")} - {""}


@tagged("post_install", "-at_install")
class TestTranslationTemplate(TransactionCase):
    def test_pot_is_current(self):
        buffer = io.BytesIO()
        trans_export(None, ["rest_endpoint"], buffer, "po", self.env)
        exported = msgids(buffer.getvalue().decode())
        with file_open("rest_endpoint/i18n/rest_endpoint.pot") as pot:
            shipped = msgids(pot.read())
        self.assertGreater(len(exported), 100)
        self.assertFalse(exported - shipped, "terms missing from i18n/rest_endpoint.pot")
        self.assertFalse(shipped - exported, "stale terms in i18n/rest_endpoint.pot")
