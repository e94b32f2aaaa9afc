/** @odoo-module **/

import { registry } from "@web/core/registry";

// Relies on the data of order_governance/tests/test_tour.py: the executor opens an
// order he is responsible for in Production and hands it over to Logistics.
registry.category("web_tour.tours").add("order_governance_tour", {
    steps: () => [
        {
            content: "The order is in the Production stage",
            trigger: ".o_form_view .o_governance_summary .o_governance_stage:contains(Production)",
        },
        {
            content: "The executor is responsible for it",
            trigger: ".o_form_view .o_governance_summary .o_governance_responsible:contains(og_prod_one)",
        },
        {
            content: "Next Stage is the primary action and says where it goes",
            trigger: ".o_form_view .o_form_statusbar button.o_governance_next.btn-primary:contains(Next:):contains(Shipping)",
        },
        {
            content: "Hand the order over to the next stage",
            trigger: ".o_form_view .o_form_statusbar button.o_governance_next",
            run: "click",
        },
        {
            content: "The order is now in the Shipping stage",
            trigger: ".o_form_view .o_governance_summary .o_governance_stage:contains(Shipping)",
        },
        {
            content: "The manager of Logistics is now responsible for it",
            trigger: ".o_form_view .o_governance_summary .o_governance_responsible:contains(Lena Logistics)",
        },
        {
            content: "The executor may no longer move the order",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button.o_governance_next))",
        },
    ],
});
