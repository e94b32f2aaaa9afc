from . import test_stock_events
from . import test_tour
from . import test_odoo_flows
from . import test_delivery_otif
from . import test_fulfillment_issue
