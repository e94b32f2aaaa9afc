from . import order_governance_stage
from . import order_governance_check
from . import sale_order
from . import stock_picking
