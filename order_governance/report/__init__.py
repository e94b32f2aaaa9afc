from . import order_governance_kpi_report
from . import order_governance_lead_time_report
from . import order_governance_backlog_report
from . import order_governance_kpi_xlsx
from . import order_governance_matrix_report
from . import order_governance_transition_report
from . import order_governance_variant_report
from . import order_governance_agenda_report
