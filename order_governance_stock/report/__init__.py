from . import order_governance_delivery_report
