/* Copyright 2026 rest_endpoint authors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0). */
// On an endpoint that logs its errors only (the default), the smart button
// counts every call: 3 successes and 1 error read "4 calls / 25.0 %", and it
// opens the graph of those calls. Editing the Summary keeps the endpoint
// published, and the OpenAPI document has the new text at once.
// tests/test_backoffice_stats.py runs it on /api/tour/calls.
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const ROUTE = "/api/tour/calls";
const SUMMARY = "Summary edited in the tour";

registry.category("web_tour.tours").add("rest_endpoint_calls_and_docs", {
    steps: () => [
        {
            content: "The smart button counts every call, not only the logged errors",
            trigger: ".oe_stat_button[name=action_view_calls]:contains(4 calls):contains(25.0 %)",
        },
        {
            content: "Edit the summary (documentation only)",
            trigger: ".o_field_widget[name=summary] input",
            run: `edit ${SUMMARY}`,
        },
        ...stepUtils.saveForm(),
        {
            content: "The endpoint is still published",
            trigger: ".o_field_widget[name=sync_state] .badge:contains(Published)",
        },
        {
            content: "The OpenAPI document has the new summary, without a sync",
            trigger: ".o_form_view .o_form_saved",
            async run() {
                const response = await fetch("/rest_endpoint/openapi.json");
                const document = await response.json();
                const summary = document.paths[ROUTE].get.summary;
                if (summary !== SUMMARY) {
                    throw new Error(`The document says ${JSON.stringify(summary)}`);
                }
            },
        },
        {
            content: "Open the calls graph",
            trigger: ".oe_stat_button[name=action_view_calls]",
            run: "click",
        },
        {
            content: "The graph draws the 4 calls: 3 x 2xx and 1 x 4xx",
            trigger: ".o_graph_view .o_graph_renderer canvas",
            run() {
                if (document.querySelector(".o_view_sample_data")) {
                    throw new Error("The graph shows sample data");
                }
                const chart = window.Chart.getChart(this.anchor);
                const byLabel = Object.fromEntries(
                    chart.data.datasets.map((dataset) => [
                        dataset.label,
                        dataset.data.reduce((a, b) => a + b, 0),
                    ])
                );
                if (byLabel["2xx"] !== 3 || byLabel["4xx"] !== 1) {
                    throw new Error(`Unexpected chart: ${JSON.stringify(byLabel)}`);
                }
            },
        },
    ],
});
