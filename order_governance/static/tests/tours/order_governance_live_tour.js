/** @odoo-module **/

import { registry } from "@web/core/registry";

// Data: order_governance/tests/test_live_tours.py.

// An executor opens Odoo: he lands in the Orders app on My Work, and the first
// card of his column is his most urgent order.
registry.category("web_tour.tours").add("order_governance_my_work_tour", {
    steps: () => [
        {
            content: "Odoo opens on the Orders app's My Work",
            trigger: ".o_control_panel .o_breadcrumb:contains(My Work)",
        },
        {
            content: "The search panel counts the overdue orders",
            trigger: ".o_search_panel .o_search_panel_filter_value:contains(Overdue) .o_search_panel_counter:contains(1)",
        },
        {
            content: "The overdue order is the first card of the Production column",
            trigger: ".o_kanban_group:has(.o_column_title:contains(Production)) .o_kanban_record:eq(0):contains(Urgent Customer) .o_governance_due:contains(overdue)",
        },
        {
            content: "The held order comes after the one on track",
            trigger: ".o_kanban_group:has(.o_column_title:contains(Production)) .o_kanban_record:eq(2):contains(Held Customer)",
        },
    ],
});

// An officer's desk is open while a colleague, in his own session, moves an
// order: the card moves from Production to Shipping without a reload.
registry.category("web_tour.tours").add("order_governance_live_desk_tour", {
    steps: () => [
        {
            content: "The order waits in Production",
            trigger: ".o_kanban_group:has(.o_column_title:contains(Production)) .o_kanban_record:contains(Live Customer)",
        },
        {
            content: "Mark the page: a reload would lose the mark",
            trigger: ".o_kanban_view",
            run() {
                document.body.classList.add("o_governance_not_reloaded");
            },
        },
        {
            content: "The colleague's handoff arrives: the card is in Shipping",
            trigger: ".o_kanban_group:has(.o_column_title:contains(Shipping)) .o_kanban_record:contains(Live Customer)",
            timeout: 30000,
        },
        {
            content: "and no longer in Production, on the same page",
            trigger: "body.o_governance_not_reloaded .o_kanban_group:has(.o_column_title:contains(Production)):not(:has(.o_kanban_record:contains(Live Customer)))",
        },
    ],
});

// On a phone the header's buttons are in the cog menu: Next Stage is in sight.
registry.category("web_tour.tours").add("order_governance_phone_next_tour", {
    steps: () => [
        {
            content: "The order is in Production",
            trigger: ".o_form_view .o_governance_summary .o_governance_stage:contains(Production)",
        },
        {
            content: "Next Stage is a visible button on the phone",
            trigger: ".o_form_view .o_governance_mobile_actions button[name=action_governance_next]:visible:contains(Shipping)",
            run: "click",
        },
        {
            content: "Handed over, no error dialog",
            trigger: "body:not(:has(.o_error_dialog)) .o_notification:contains(Handed over)",
        },
    ],
});
