from . import order_governance_delivery_report
from . import order_governance_fulfillment_issue
