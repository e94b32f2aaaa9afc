/** @odoo-module **/

import { registry } from "@web/core/registry";

// Data: order_governance_stock/tests/test_tour.py.

// The shipping clerk validates the delivery in Inventory: the transfer shows the
// order's next stage, with no Next Stage pressed.
registry.category("web_tour.tours").add("order_governance_stock_validate_tour", {
    steps: () => [
        {
            content: "The transfer says where its order is",
            trigger: ".o_form_view .o_field_widget[name=governance_stage_id]:contains(Shipping)",
        },
        {
            content: "Validate the delivery",
            trigger: ".o_form_view .o_form_statusbar button[name=button_validate]",
            run: "click",
        },
        {
            content: "The delivery is done and its order has moved on",
            trigger: "body:not(:has(.o_error_dialog)) .o_form_view .o_field_widget[name=governance_stage_id]:contains(Invoicing)",
        },
    ],
});

// The order, opened in Sales, stands in the stage the delivery moved it to.
registry.category("web_tour.tours").add("order_governance_stock_order_tour", {
    steps: () => [
        {
            content: "The order is in Invoicing",
            trigger: ".o_form_view .o_governance_summary .o_governance_stage:contains(Invoicing)",
        },
        {
            content: "Its Governance tab",
            trigger: ".o_form_view .o_notebook a[name=governance]",
            run: "click",
        },
        {
            content: "The Execution panel lists the done delivery",
            trigger: ".o_governance_execution:contains(Transfers):contains(Done)",
        },
    ],
});
