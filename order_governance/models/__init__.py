from . import res_company
from . import res_config_settings
from . import order_governance_stage
from . import order_governance_rule
