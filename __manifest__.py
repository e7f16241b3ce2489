# Copyright 2026 rest_endpoint authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "REST Endpoint",
    "summary": "Publish REST endpoints from the back office, live on every "
    "worker, with JSON errors, bearer keys, schemas and OpenAPI",
    "version": "19.0.1.0.0",
    "category": "Extra Tools",
    "website": "https://github.com/rest-endpoint/rest_endpoint",
    "author": "rest_endpoint authors",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["base", "web"],
    # Both modules define the model endpoint.endpoint.
    "excludes": ["endpoint"],
    # PyPI names (Odoo 19 checks them with importlib.metadata).
    "external_dependencies": {
        "python": ["jsonschema", "PyYAML", "prometheus-client", "Authlib", "PyJWT"]
    },
    "data": [
        "security/ir.model.access.csv",
        "data/server_actions.xml",
        "data/cron.xml",
        "views/endpoint_views.xml",
        "views/openapi_views.xml",
        "wizard/endpoint_import_wizard_views.xml",
        "views/endpoint_log_views.xml",
        "views/endpoint_stat_views.xml",
        "wizard/endpoint_apikey_wizard_views.xml",
        "security/oauth_security.xml",
        "views/oauth_views.xml",
        "views/oauth_templates.xml",
    ],
    "demo": ["demo/endpoint_demo.xml", "demo/oauth_demo.xml"],
    "uninstall_hook": "uninstall_hook",
    "assets": {
        "web.ace_lib": ["rest_endpoint/static/src/code_editor/ace_mode_yaml.js"],
        "web.assets_backend": ["rest_endpoint/static/src/code_editor/code_editor_yaml.js"],
        "web.assets_tests": ["rest_endpoint/static/tests/tours/*.js"],
    },
}
