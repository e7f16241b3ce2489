# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""``odoo-bin rest_endpoint``: endpoints as code from the command line.

    odoo-bin --addons-path=... rest_endpoint export -d DB [--group G] > endpoints.yaml
    odoo-bin --addons-path=... rest_endpoint import -d DB FILE [--dry-run] [--publish] [--prune]

Odoo 19 finds this command in ``<addon>/cli/rest_endpoint.py`` of the addons
path given first on the command line (``odoo.cli.command``), and loads this
file as ``odoo.cli.rest_endpoint``, outside the addon's package: hence the
absolute imports, and the work done through the model's methods
(``models/endpoint_as_code.py``), in one transaction committed only when
everything succeeded. Other Odoo options go after the sub-command, written
``--option=value``.
"""

import argparse
import logging
import sys

from odoo import SUPERUSER_ID, api
from odoo.cli.command import Command
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tools import config

_logger = logging.getLogger(__name__)


class RestEndpointCommand(Command):
    """Export and import REST endpoint definitions as YAML"""

    name = "rest_endpoint"

    def _parser(self):
        parser = argparse.ArgumentParser(
            prog=f"{self.prog}",
            description="Export endpoint definitions to YAML, or apply a YAML file to a "
            "database (endpoints as code). Other Odoo options: --option=value.",
        )
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write the endpoints as YAML on stdout")
        export.add_argument("--group", help="only the endpoints of this route group")
        export.add_argument(
            "--include-archived", action="store_true", help="archived endpoints too"
        )
        export.add_argument("-o", "--output", help="write to this file instead of stdout")
        imp = sub.add_parser("import", help="apply a YAML file (- for stdin)")
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true", help="report, change nothing")
        imp.add_argument(
            "--publish", action="store_true", help="publish the file's endpoints at once"
        )
        imp.add_argument(
            "--prune",
            action="store_true",
            help="archive endpoints of the file's route groups that the file does not list",
        )
        for sub_parser in (export, imp):
            sub_parser.add_argument("-d", "--database", required=True)
            sub_parser.add_argument("-c", "--config")
        return parser

    def run(self, cmdargs):
        args, odoo_args = self._parser().parse_known_args(cmdargs)
        # No HTTP server here: like Odoo's own commands (i18n, module, populate),
        # which also keeps Odoo from warning that --http-interface is missing.
        odoo_args = (
            ["-d", args.database, "--no-http"]
            + (["-c", args.config] if args.config else [])
            + odoo_args
        )
        config.parse_config(odoo_args, setup_logging=True)
        registry = Registry(args.database)
        if args.action == "export":
            sys.exit(self._export(registry, args))
        sys.exit(self._import(registry, args))

    def _export(self, registry, args):
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Endpoint = env["endpoint.endpoint"]
            records = Endpoint._as_code_export_search(args.group, args.include_archived)
            try:
                text = records._as_code_export()
            except UserError as exc:
                sys.stderr.write(f"{exc.args[0]}\n")
                return 1
        if args.output:
            with open(args.output, "w", encoding="utf-8") as out:
                out.write(text)
        else:
            sys.stdout.write(text)
        _logger.info("Exported %d endpoint(s) of %s", len(records), args.database)
        return 0

    def _import(self, registry, args):
        if args.file == "-":
            text = sys.stdin.read()
        else:
            with open(args.file, encoding="utf-8") as source:
                text = source.read()
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                _result, report = env["endpoint.endpoint"]._as_code_import(
                    text, dry_run=args.dry_run, publish=args.publish, prune=args.prune
                )
        except UserError as exc:
            sys.stderr.write(f"{exc.args[0]}\n")
            return 1
        if args.dry_run:
            report = "Dry run, nothing changed:\n" + report
        sys.stdout.write(report + "\n")
        return 0
