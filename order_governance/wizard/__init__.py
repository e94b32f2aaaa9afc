from . import order_governance_period_mixin  # first: wizards below use it
from . import order_governance_send_back
from . import order_governance_reassign
from . import order_governance_hold_wizard
from . import order_governance_kpi_export
from . import order_governance_route_preview
from . import order_governance_rule_impact
from . import order_governance_matrix
from . import order_governance_bottleneck
from . import order_governance_bottleneck_line
from . import order_governance_meeting
from . import sale_mass_cancel_orders
from . import order_governance_scorecard_generate
from . import order_governance_scorecard_reopen
