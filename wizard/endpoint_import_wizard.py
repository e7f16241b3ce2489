# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Import of an endpoints YAML file from the back office: upload, preview
(a dry run: what would be created, changed field by field, archived), then
apply, all or nothing (``models/endpoint_as_code.py``)."""

import base64
import binascii

from odoo import fields, models
from odoo.exceptions import UserError


class EndpointImportWizard(models.TransientModel):
    _name = "endpoint.import.wizard"
    _description = "Import endpoints from a YAML file"

    file = fields.Binary(string="YAML file", required=True, attachment=False)
    filename = fields.Char()
    prune = fields.Boolean(
        string="Archive endpoints missing from the file",
        help="Archive the endpoints of the file's route groups that the file does not "
        "list. Endpoints of other route groups are never touched.",
    )
    publish = fields.Boolean(
        help="Publish every endpoint of the file at once. Without it, changed endpoints "
        "stay out of sync until you sync them.",
    )
    state = fields.Selection(
        [("upload", "Upload"), ("preview", "Preview"), ("done", "Done")], default="upload"
    )
    report = fields.Text(readonly=True)

    def _text(self):
        self.ensure_one()
        try:
            return base64.b64decode(self.file or b"").decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise UserError(self.env._("The file is not UTF-8 text: %s", exc)) from exc

    def _run(self, dry_run):
        self.ensure_one()
        _plan, report = self.env["endpoint.endpoint"]._as_code_import(
            self._text(), dry_run=dry_run, publish=self.publish, prune=self.prune
        )
        return report

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_preview(self):
        self.write({"report": self._run(dry_run=True), "state": "preview"})
        return self._reopen()

    def action_apply(self):
        self.write({"report": self._run(dry_run=False), "state": "done"})
        return self._reopen()
