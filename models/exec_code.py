# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The ``code`` execution mode: a Python snippet, compiled under safe_eval's
rules once per sync, run as a code object on every request.

Each mode provides ``_validate_exec__<mode>`` (save time),
``_compile_exec__<mode>`` (once per sync, in each process) and
``_handle_exec__<mode>`` (each request); the dispatcher and the registry only
call those hooks.
"""

from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import assert_valid_codeobj, compile_codeobj

from ..serving.registry import SAFE_OPCODES


class EndpointEndpoint(models.Model):
    _inherit = "endpoint.endpoint"

    def _validate_exec__code(self):
        if not (self.code_snippet or "").strip():
            raise ValidationError(
                self.env._("Exec mode is 'Execute code': the endpoint needs a code snippet.")
            )
        try:
            self._compile_snippet(self.code_snippet, self.name)
        except (SyntaxError, ValueError, NameError) as exc:
            raise ValidationError(
                self.env._("Invalid code snippet: %(error)s", error=_describe_code_error(exc))
            ) from exc

    @staticmethod
    def _compile_snippet(code, name):
        """Compile under safe_eval's rules (forbidden opcodes and dunder names
        raise) and return the code object, which the dispatcher runs as is."""
        code_obj = compile_codeobj(code, filename=f"<endpoint {name}>", mode="exec")
        assert_valid_codeobj(SAFE_OPCODES, code_obj, code)
        return code_obj

    @api.model
    def _compile_exec__code(self, config):
        return self._compile_snippet(config["code"], config["name"])

    @api.model
    def _handle_exec__code(self, compiled, context):
        return compiled.run_code(context)


def _describe_code_error(exc):
    if isinstance(exc, SyntaxError):
        return f"{exc.msg} (line {exc.lineno}, column {exc.offset})"
    return str(exc)
