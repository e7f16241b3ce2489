# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "rest_endpoint test: a route installed later",
    "summary": "Test module (tests/test_shadowing_install.py): a controller whose route "
    "overlaps an endpoint published before it was installed",
    "version": "19.0.1.0.0",
    "license": "LGPL-3",
    "author": "rest_endpoint authors",
    "website": "https://github.com/rest-endpoint/rest_endpoint",
    "depends": ["web"],
    "installable": True,
}
