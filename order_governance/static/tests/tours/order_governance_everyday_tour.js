/** @odoo-module **/

import { registry } from "@web/core/registry";
import tourUtils from "@sale/js/tours/tour_utils";

// Relies on the data of order_governance/tests/test_everyday_tours.py.

// A salesperson creates, saves, confirms and edits his own quotation, with the rule
// that keeps quotations with their salesperson.
registry.category("web_tour.tours").add("order_governance_salesperson_quotation_tour", {
    steps: () => [
        ...tourUtils.createNewSalesOrder(),
        ...tourUtils.selectCustomer("Everyday Customer"),
        ...tourUtils.addProduct("Everyday Widget"),
        {
            content: "The line has the product's price",
            trigger: ".o_form_view .o_field_one2many[name=order_line] .o_data_row [name=price_unit]:contains(10.00), .o_form_view .o_field_one2many[name=order_line] .o_data_row [name=price_unit] input:value(10.00)",
        },
        {
            content: "Save the quotation",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved, in the first stage, with the salesperson responsible",
            trigger: ".o_form_view .o_form_saved .o_governance_summary .o_governance_stage:contains(Received)",
        },
        {
            trigger: ".o_form_view .o_governance_summary .o_governance_responsible:contains(og_seller)",
        },
        {
            content: "No Next Stage on a quotation: the confirmation moves it",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button.o_governance_next))",
        },
        {
            content: "Confirm the quotation",
            trigger: ".o_form_view .o_form_statusbar button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The order is confirmed and in the Confirmed stage",
            trigger: ".o_form_view .o_governance_summary .o_governance_stage:contains(Confirmed)",
        },
        {
            content: "Edit the line's quantity",
            trigger: ".o_form_view .o_field_one2many[name=order_line] .o_data_row td[name=product_uom_qty]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_one2many[name=order_line] .o_selected_row [name=product_uom_qty] input",
            run: "edit 3",
        },
        {
            content: "Save the change",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved without an error: the line shows 3 out of edition",
            trigger: ".o_form_view:has(.o_form_saved) .o_field_one2many[name=order_line]:not(:has(.o_selected_row)) .o_data_row td[name=product_uom_qty]:contains(3.00)",
        },
    ],
});

// The demo's head of Logistics lands on My Department and finds the orders of the
// Shipping Desk he manages (a sub-department of his).
registry.category("web_tour.tours").add("order_governance_demo_manager_desk_tour", {
    steps: () => [
        {
            content: "My Department is on",
            trigger: ".o_searchview .o_facet_value:contains(My Department)",
        },
        {
            content: "The Shipping Desk's orders are there",
            trigger: ".o_kanban_record .o_governance_card:contains(Shipping Desk)",
        },
    ],
});
