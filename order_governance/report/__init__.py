from . import order_governance_kpi_report
