{
    "name": "Order Governance",
    "summary": "Owning departments, governed stages with RACI, responsibility rules, "
    "handoff audit trail and access by responsibility for sale orders",
    "version": "18.0.1.0.0",
    "category": "Sales",
    "license": "LGPL-3",
    "author": "Order Governance Developers",
    "website": "https://github.com/order-governance/order_governance",
    "development_status": "Beta",
    "depends": ["sale_management", "hr"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/order_governance_security.xml",
        "security/ir.model.access.csv",
        "security/order_governance_rules.xml",
        "data/order_governance_stage_data.xml",
        "views/order_governance_stage_views.xml",
        "views/order_governance_rule_views.xml",
        "views/order_governance_stage_log_views.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
        "wizard/order_governance_send_back_views.xml",
        "wizard/order_governance_reassign_views.xml",
        "views/order_governance_menus.xml",
    ],
    "demo": [
        "demo/order_governance_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "order_governance/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
    "application": False,
}
