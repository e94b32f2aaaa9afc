from . import test_mrp_events
from . import test_demo_walk
from . import test_odoo_flows
from . import test_walk_tour
from . import test_fulfillment_issue
