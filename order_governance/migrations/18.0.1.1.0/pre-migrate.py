"""18.0.1.1.0: columns written once per move so that the reports read no history
they do not need. Created and filled here in SQL, before Odoo adds them: Odoo
would otherwise compute the stage kind of every stay in Python."""

from odoo.tools import SQL

from odoo.addons.order_governance.models.order_governance_stage_log import (
    backfill_handoff_columns,
    refresh_lead_times,
)

NEW_COLUMNS = {
    "order_governance_stage_log": {
        "is_working_stage": "boolean",
        "is_open_work": "boolean",
        "previous_department_id": "integer",
        "previous_user_id": "integer",
        "previous_hours": "double precision",
    },
    "sale_order": {
        "governance_first_entry": "timestamp without time zone",
        "governance_completed_at": "timestamp without time zone",
        "governance_lead_time_hours": "double precision",
        "governance_lead_time_elapsed_hours": "double precision",
        "governance_handoff_count": "integer",
        "governance_breach_count": "integer",
    },
}


def migrate(cr, version):
    if not version:
        return
    for table, columns in NEW_COLUMNS.items():
        for column, kind in columns.items():
            cr.execute(
                SQL(
                    "ALTER TABLE %s ADD COLUMN IF NOT EXISTS %s %s",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    SQL(kind),  # one of the types above
                )
            )
    backfill_handoff_columns(cr)
    refresh_lead_times(cr)
    # the planner's statistics of the new columns, before anyone reads them
    cr.execute("ANALYZE order_governance_stage_log")
    cr.execute("ANALYZE sale_order")
