/** @odoo-module **/

import { registry } from "@web/core/registry";

// Relies on order_governance_mrp/tests/test_walk_tour.py: the demo's made-to-order
// quotation walked by the people of each department, each in his own app.
const tours = registry.category("web_tour.tours");

tours.add("order_governance_walk_confirm_tour", {
    steps: () => [
        {
            content: "The quotation is in Received",
            trigger: ".o_form_view .o_governance_summary .o_governance_stage:contains(Received)",
        },
        {
            content: "The salesperson confirms it",
            trigger: ".o_form_view .o_form_statusbar button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Confirmed, in the Confirmed stage",
            trigger: ".o_form_view .o_governance_summary .o_governance_stage:contains(Confirmed)",
        },
    ],
});

tours.add("order_governance_walk_produce_tour", {
    steps: () => [
        {
            content: "The manufacturing order shows its sale order's stage",
            trigger: ".o_form_view .o_field_widget[name=governance_stage_id]:contains(Confirmed)",
        },
        {
            content: "Production produces everything",
            trigger: ".o_form_view .o_form_statusbar button[name=button_mark_done]:contains(Produce All)",
            run: "click",
        },
        {
            content: "Produced, but the order waits in Production: an exit criterion is unmet",
            trigger: ".o_form_view .o_field_widget[name=governance_stage_id]:contains(Production)",
        },
        {
            content: "Open the sale order",
            trigger: ".o_form_view button[name=action_view_sale_orders]",
            run: "click",
        },
        {
            content: "Its Governance tab",
            trigger: ".o_form_view .o_notebook a[name=governance]",
            run: "click",
        },
        {
            content: "Production ticks Materials reserved",
            trigger: ".o_form_view .o_field_widget[name=governance_check_line_ids] tr:contains(Materials reserved) button[name=action_tick]",
            run: "click",
        },
        {
            content: "The order has moved on to Shipping by itself, out of Production's hands",
            trigger: ".o_notification:contains(Handed over)",
        },
    ],
});

tours.add("order_governance_walk_deliver_tour", {
    steps: () => [
        {
            content: "The delivery shows its sale order's stage",
            trigger: ".o_form_view .o_field_widget[name=governance_stage_id]:contains(Shipping)",
        },
        {
            content: "Logistics validates the delivery",
            trigger: ".o_form_view .o_form_statusbar button[name=button_validate]",
            run: "click",
        },
        {
            content: "Delivered: the order has moved on to Invoicing & Collection",
            trigger: ".o_form_view .o_field_widget[name=governance_stage_id]:contains(Invoicing)",
        },
    ],
});

tours.add("order_governance_walk_invoice_tour", {
    steps: () => [
        {
            content: "The order waits in Invoicing & Collection",
            trigger: ".o_form_view .o_governance_summary .o_governance_stage:contains(Invoicing)",
        },
        {
            content: "Finance creates the invoice",
            trigger: ".o_form_view .o_form_statusbar button#create_invoice",
            run: "click",
        },
        {
            content: "Create the draft invoice",
            trigger: ".modal button[name=create_invoices]",
            run: "click",
        },
        {
            content: "Confirm the invoice",
            trigger: ".o_form_view .o_form_statusbar button[name=action_post]:contains(Confirm)",
            run: "click",
        },
        {
            content: "Register the payment",
            trigger: ".o_form_view .o_form_statusbar button#account_invoice_payment_btn",
            run: "click",
        },
        {
            content: "Create the payment",
            trigger: ".modal button[name=action_create_payments]",
            run: "click",
        },
        {
            content: "The invoice is paid",
            trigger: ".o_form_view .ribbon:contains(Paid), .o_form_view .ribbon:contains(In Payment)",
        },
    ],
});
