{
    "name": "Order Governance - Manufacturing",
    "summary": "Manufacturing orders move governed sale orders; production owns its "
    "manufacturing orders and sees the order's stage on them",
    "version": "18.0.1.0.0",
    "category": "Sales",
    "license": "LGPL-3",
    "author": "Order Governance Developers",
    "website": "https://github.com/order-governance/order_governance",
    "development_status": "Beta",
    "depends": ["order_governance_stock", "sale_mrp"],
    "data": [
        "security/ir.model.access.csv",
        "views/order_governance_stage_views.xml",
        "views/mrp_production_views.xml",
    ],
    "demo": [
        "demo/order_governance_mrp_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "order_governance_mrp/static/tests/tours/*.js",
        ],
    },
    "auto_install": True,
    "installable": True,
}
