/** @odoo-module **/

import { registry } from "@web/core/registry";

// Data: order_governance/tests/test_tour.py (TestHealthTour). The administrator opens the
// Health Check, follows a finding to the stage, fixes it, and the finding is gone.
registry.category("web_tour.tours").add("order_governance_health_tour", {
    steps: () => [
        {
            content: "The Health Check lists the stage without a responsible department",
            trigger: ".o_list_view .o_data_row:contains(Stage Packing has no responsible department)",
        },
        {
            content: "Follow the finding to its record",
            trigger: ".o_list_view .o_data_row:contains(Stage Packing has no responsible department) button[name=action_open_record]",
            run: "click",
        },
        {
            content: "The stage opens",
            trigger: ".o_control_panel .o_breadcrumb .active:contains(Packing)",
        },
        {
            content: "Give it a responsible department",
            trigger: ".o_form_view .o_field_widget[name=responsible_department_id] input",
            run: "edit Logistics",
        },
        {
            content: "Pick Logistics",
            trigger: ".o-autocomplete--dropdown-item:contains(Logistics)",
            run: "click",
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved",
        },
        {
            content: "Back to the Health Check",
            trigger: ".o_control_panel .o_breadcrumb .o_back_button, .o_control_panel .o_breadcrumb .breadcrumb-item a:contains(Health Check)",
            run: "click",
        },
        {
            content: "The finding the officer followed now reads as fixed",
            trigger: ".o_list_view .o_data_row.text-muted:contains(Stage Packing has no responsible department):not(:has(button[name=action_open_record]))",
        },
        {
            content: "Open the Health Check again from the menu",
            trigger: ".o_main_navbar .o_menu_sections button:contains(Reporting), .o_main_navbar .o_menu_sections .dropdown-toggle:contains(Reporting)",
            run: "click",
        },
        {
            content: "Health Check",
            trigger: ".dropdown-menu .dropdown-item:contains(Health Check)",
            run: "click",
        },
        {
            content: "The finding is gone",
            trigger: ".o_action_manager:not(:has(.o_data_row:contains(Stage Packing)))",
        },
    ],
});
