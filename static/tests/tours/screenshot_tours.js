/* Copyright 2026 rest_endpoint authors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0). */
// The pictures of the README and the Apps page: each tour ends on the view
// to show, once it is drawn; tests/test_screenshots.py takes the screenshot
// (and with REST_ENDPOINT_SCREENSHOTS=1 writes static/description/*.png).
import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

tours.add("rest_endpoint_shot_list", {
    steps: () => [
        {
            content: "The list shows the demo endpoints, a resource with every method it serves",
            trigger: ".o_list_view .o_data_row:contains(Customers (resource)) td[name=served_methods]:contains(DELETE)",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(Logistics) .badge:contains(Published)",
        },
    ],
});

tours.add("rest_endpoint_shot_form", {
    steps: () => [
        {
            content: "The form of the order intake, with its call counts",
            trigger: ".oe_stat_button[name=action_view_calls]:contains(calls)",
        },
        {
            content: "Its schema in the YAML editor",
            trigger: ".o_notebook a.nav-link[name=schema]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=request_content_schema] [data-mode=yaml] .ace_variable:contains(reference)",
        },
    ],
});

tours.add("rest_endpoint_shot_try_it", {
    steps: () => [
        {
            content: "Open the Try it tab",
            trigger: ".o_notebook a.nav-link[name=try_it]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=try_it_command]:contains(curl)",
        },
    ],
});
