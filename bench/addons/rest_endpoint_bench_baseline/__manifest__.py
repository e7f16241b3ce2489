# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "rest_endpoint benchmark baseline",
    "summary": "Hand-written controllers returning the same bytes as the benchmarked endpoints",
    "version": "19.0.1.0.0",
    "license": "LGPL-3",
    "author": "rest_endpoint authors",
    "website": "https://github.com/rest-endpoint/rest_endpoint",
    "depends": ["web"],
}
