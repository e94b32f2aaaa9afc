from . import order_governance_stage
from . import order_governance_check
from . import sale_order
from . import mrp_production
from . import mrp_workorder
