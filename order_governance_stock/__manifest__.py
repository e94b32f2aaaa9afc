{
    "name": "Order Governance - Inventory",
    "summary": "Deliveries move governed sale orders; the shipping department owns its "
    "transfers and sees the order's stage on them",
    "version": "18.0.1.0.0",
    "category": "Sales",
    "license": "LGPL-3",
    "author": "Order Governance Developers",
    "website": "https://github.com/order-governance/order_governance",
    "development_status": "Beta",
    "depends": ["order_governance", "sale_stock"],
    "data": [
        "security/ir.model.access.csv",
        "views/order_governance_stage_views.xml",
        "views/stock_picking_views.xml",
    ],
    "demo": [
        "demo/order_governance_stock_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "order_governance_stock/static/tests/tours/*.js",
        ],
    },
    "auto_install": True,
    "installable": True,
}
