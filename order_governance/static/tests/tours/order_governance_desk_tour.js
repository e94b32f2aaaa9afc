/** @odoo-module **/

import { registry } from "@web/core/registry";

// Data: order_governance/tests/test_tour.py (TestDeskTours).

// An executor sends back an order that then leaves his sight: a notice, the desk,
// no error dialog and no breadcrumb back to the order.
registry.category("web_tour.tours").add("order_governance_send_back_tour", {
    steps: () => [
        {
            content: "The order is in Production",
            trigger: ".o_form_view .o_governance_summary .o_governance_stage:contains(Production)",
        },
        {
            content: "Send it back",
            trigger: ".o_form_view .o_form_statusbar button[name=action_governance_send_back]",
            run: "click",
        },
        {
            content: "Choose the stage",
            trigger: ".modal .o_field_widget[name=stage_id] input",
            run: "edit Confirmed",
        },
        {
            content: "Pick Confirmed",
            trigger: ".o-autocomplete--dropdown-item:contains(Confirmed)",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit The drawing is missing.",
        },
        {
            content: "Confirm",
            trigger: ".modal footer button[name=action_send_back]",
            run: "click",
        },
        {
            content: "A notice says the order was handed over",
            trigger: ".o_notification:contains(Handed over)",
        },
        {
            content: "The executor is back on the desk, with no error dialog",
            trigger: "body:not(:has(.o_error_dialog)):not(:has(.modal)) .o_action_manager .o_kanban_view",
        },
        {
            content: "The breadcrumb no longer leads to the order",
            trigger: ".o_control_panel .o_breadcrumb:not(:has(.breadcrumb-item:contains(S0)))",
        },
    ],
});

// The desk's card says how late an order is and takes the SLA's colour.
registry.category("web_tour.tours").add("order_governance_desk_card_tour", {
    steps: () => [
        {
            content: "The late order's card is red and says how late it is",
            trigger: ".o_kanban_record.oe_kanban_card_danger.o_kanban_color_1:contains(Tour Late Customer) .o_governance_due:contains(overdue)",
        },
        {
            content: "It shows who is responsible",
            trigger: ".o_kanban_record:contains(Tour Late Customer) .o_governance_card:contains(og_prod_one)",
        },
        {
            content: "The order on track is green and due later",
            trigger: ".o_kanban_record.oe_kanban_card_success.o_kanban_color_10:contains(Tour Calm Customer) .o_governance_due:contains(due in)",
        },
        {
            content: "The held order says so",
            trigger: ".o_kanban_record:contains(Tour Held Customer) .badge:contains(On Hold)",
        },
    ],
});

// A manager lands on his department's orders; Breached narrows them (AND).
registry.category("web_tour.tours").add("order_governance_desk_filter_tour", {
    steps: () => [
        {
            content: "The desk opens on My Department",
            trigger: ".o_searchview .o_facet_value:contains(My Department)",
        },
        {
            content: "His department's and sub-department's orders are there, the others' not",
            trigger: ".o_kanban_view:has(.o_kanban_record:contains(Tour Mine Late)):has(.o_kanban_record:contains(Tour Mine Calm)):has(.o_kanban_record:contains(Tour Sub Calm)):not(:has(.o_kanban_record:contains(Tour Other Late)))",
        },
        {
            content: "Open the filters",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Add Breached",
            trigger: ".o_filter_menu .o-dropdown-item:contains(Breached)",
            run: "click",
        },
        {
            content: "Only his breached order is left",
            trigger: ".o_kanban_view:has(.o_kanban_record:contains(Tour Mine Late)):not(:has(.o_kanban_record:contains(Tour Mine Calm))):not(:has(.o_kanban_record:contains(Tour Sub Calm))):not(:has(.o_kanban_record:contains(Tour Other Late)))",
        },
    ],
});
