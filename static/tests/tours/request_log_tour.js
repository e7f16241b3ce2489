/* Copyright 2026 rest_endpoint authors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0). */
// An administrator opens Endpoint Calls: the graph (calls per hour, stacked
// by status class) is the first view, drawn from the call counters.
// tests/test_operations_browser.py runs it and takes the screenshot.
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

registry.category("web_tour.tours").add("rest_endpoint_request_log", {
    url: "/odoo?debug=1",
    steps: () => [
        ...stepUtils.goToAppSteps("base.menu_administration", "Open Settings"),
        {
            content: "Open the Technical menu",
            trigger: 'button[data-menu-xmlid="base.menu_custom"]',
            run: "click",
        },
        {
            content: "Open the endpoint calls",
            trigger: 'a[data-menu-xmlid="rest_endpoint.endpoint_stat_menu"]',
            run: "click",
        },
        {
            content: "The graph view opens first: calls per hour, stacked by status class",
            trigger: ".o_graph_view .o_graph_renderer canvas",
            run() {
                if (document.querySelector(".o_view_sample_data")) {
                    throw new Error("The graph shows sample data, not the counters");
                }
                const chart = window.Chart.getChart(this.anchor);
                const labels = chart.data.datasets.map((dataset) => dataset.label);
                const total = chart.data.datasets
                    .flatMap((dataset) => dataset.data)
                    .reduce((a, b) => a + b, 0);
                if (!labels.includes("2xx") || !labels.includes("4xx") || total < 10) {
                    throw new Error(`Unexpected chart: ${labels} (${total} requests)`);
                }
            },
        },
    ],
});
