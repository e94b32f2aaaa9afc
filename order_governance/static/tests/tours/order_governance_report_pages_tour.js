import { registry } from "@web/core/registry";

// Data: order_governance/tests/test_bottleneck.py (TestReportPageTour).

// A report-like page opens titled by its name, without "New" nor the
// save/discard indicator, also after its filters change.
registry.category("web_tour.tours").add("order_governance_report_page_tour", {
    steps: () => [
        {
            content: "The breadcrumb names the page",
            trigger: ".o_breadcrumb .active:contains(Bottlenecks)",
        },
        {
            content: "Change a filter",
            trigger: ".o_form_view .o_field_widget[name=date_from] input",
            run: "edit 01/01/2026",
        },
        {
            content: "Still the page's title, no save/discard indicator",
            trigger: ".o_form_view .o_field_widget[name=headline]",
            run() {
                if (document.querySelector(".o_form_status_indicator_buttons")) {
                    throw new Error("The report page shows save/discard.");
                }
                const title = document.querySelector(".o_breadcrumb").textContent;
                if (!title.includes("Bottlenecks") || title.includes("New")) {
                    throw new Error(`The breadcrumb says ${title}.`);
                }
            },
        },
    ],
});
