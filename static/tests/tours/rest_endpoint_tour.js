/* Copyright 2026 rest_endpoint authors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0). */
/* global ace */
// An administrator opens Settings > Technical > Endpoints, creates an
// endpoint, sees it out of sync, and publishes it with Sync registry.
// tests/test_backoffice.py runs it, then calls the route over HTTP.
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const ROUTE = "/api/tour/hello";
const SNIPPET = "result = {'payload': {'hello': user.login, 'from': 'tour'}}";

registry.category("web_tour.tours").add("rest_endpoint_backoffice", {
    url: "/odoo?debug=1",
    steps: () => [
        ...stepUtils.goToAppSteps("base.menu_administration", "Open Settings"),
        {
            content: "Open the Technical menu",
            trigger: 'button[data-menu-xmlid="base.menu_custom"]',
            run: "click",
        },
        {
            content: "Open Endpoints",
            trigger: 'a[data-menu-xmlid="rest_endpoint.endpoint_endpoint_menu"]',
            run: "click",
        },
        {
            content: "The list shows the published demo endpoints",
            trigger: ".o_list_view .o_data_row:contains(Mobile: get customer) .badge:contains(Published)",
        },
        {
            content: "Open the order intake endpoint",
            trigger: ".o_list_view .o_data_row td[name=name]:contains(Orders: intake)",
            run: "click",
        },
        {
            content: "Its YAML schema (loaded from a file) is in a YAML code editor",
            trigger: ".o_notebook a.nav-link[name=schema]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=request_content_schema] [data-mode=yaml] .ace_variable:contains(reference)",
        },
        {
            content: "Back to the list",
            trigger: ".o_control_panel .breadcrumb-item.o_back_button",
            run: "click",
        },
        {
            content: "Create an endpoint",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            run: "edit Tour: hello",
        },
        {
            trigger: ".o_field_widget[name=route] input",
            run: `edit ${ROUTE}`,
        },
        {
            content: "Open the authentication choices",
            trigger: ".o_field_widget[name=auth_type] input",
            run: "click",
        },
        {
            content: "Authenticate callers with an API key",
            trigger: ".o_select_menu_item:contains(API key (bearer))",
            run: "click",
        },
        {
            content: "The Request tab holds the CORS origins",
            trigger: ".o_notebook .tab-pane.active .o_field_widget[name=cors]",
        },
        {
            content: "Open the Code Help tab",
            trigger: ".o_notebook a.nav-link[name=code_help]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=code_snippet_docs]:contains(Variables available in the snippet)",
        },
        {
            content: "Open the Code tab",
            trigger: ".o_notebook a.nav-link[name=code]",
            run: "click",
        },
        {
            content: "Write the snippet in the code editor",
            trigger: ".o_field_widget[name=code_snippet] .ace_editor",
            run() {
                // as typed: focus, text, leave (the field commits on blur)
                const editor = ace.edit(this.anchor);
                editor.focus();
                editor.setValue(SNIPPET, 1);
                editor.blur();
            },
        },
        {
            content: "The editor highlights Python",
            trigger: ".o_field_widget[name=code_snippet] .ace_editor .ace_keyword, .o_field_widget[name=code_snippet] .ace_editor .ace_string",
        },
        {
            trigger: ".o_field_widget[name=code_snippet] .ace_line:contains(tour)",
        },
        ...stepUtils.saveForm(),
        {
            content: "A new endpoint is out of sync: the form says so",
            trigger: ".o_form_view .alert-warning:contains(Registry out of sync)",
        },
        {
            trigger: ".o_field_widget[name=sync_state] .badge:contains(Out of sync)",
        },
        {
            content: "Try it gives a curl command with the API key placeholder",
            trigger: ".o_notebook a.nav-link[name=try_it]",
            run: "click",
        },
        {
            trigger: `.o_field_widget[name=try_it_command]:contains(Authorization: Bearer $API_KEY):contains(${ROUTE})`,
        },
        {
            content: "Publish it",
            trigger: ".o_form_view button[name=action_sync_registry]",
            run: "click",
        },
        {
            content: "Published: badge green, banner and button gone",
            trigger: ".o_field_widget[name=sync_state] .badge:contains(Published)",
        },
        {
            trigger: ".o_form_view:not(:has(.alert-warning:contains(Registry out of sync)))",
        },
        {
            trigger: ".o_form_view:not(:has(button[name=action_sync_registry]))",
        },
        {
            content: "Back to the list: the new endpoint is published",
            trigger: ".o_control_panel .breadcrumb-item.o_back_button",
            run: "click",
        },
        {
            trigger: `.o_list_view .o_data_row:contains(${ROUTE}) .badge:contains(Published)`,
        },
    ],
});
