from odoo.tools.sql import column_exists, create_column


def pre_init_hook(env):
    """Fill the order's new stored columns in SQL before the ORM sees them: on a
    live database the ORM would compute them order by order (minutes for tens of
    thousands of orders). The owning department is the salesperson's department in
    the order's company (the order management department does not exist yet)."""
    cr = env.cr
    if not column_exists(cr, "sale_order", "owner_department_id"):
        create_column(cr, "sale_order", "owner_department_id", "int4")
        cr.execute(
            """
            UPDATE sale_order so
               SET owner_department_id = emp.department_id
              FROM (SELECT DISTINCT ON (e.user_id, e.company_id)
                           e.user_id, e.company_id, e.department_id
                      FROM hr_employee e
                     WHERE e.user_id IS NOT NULL AND e.active
                  ORDER BY e.user_id, e.company_id, e.id) emp
             WHERE emp.user_id = so.user_id AND emp.company_id = so.company_id
            """
        )
    if not column_exists(cr, "sale_order", "rework_count"):
        create_column(cr, "sale_order", "rework_count", "int4")
        cr.execute("UPDATE sale_order SET rework_count = 0")


def post_init_hook(env):
    """Orders that existed before the module enter the stage their state calls for,
    as of now: the first batch at once, the rest by a scheduled action in committed
    batches (a live database may hold many orders)."""
    _entered, remaining = env["sale.order"]._governance_enter_existing()
    if remaining:
        env.ref("order_governance.ir_cron_enter_existing_orders")._trigger()


def uninstall_hook(env):
    """Drop the stage history and detach the orders from their stages.

    Odoo deletes the module's data records (stages, hold reasons) before it drops the
    tables, and the history and the orders point at them with ``ondelete='restrict'``:
    without this, those deletions fail and the log fills with errors.
    """
    env.flush_all()
    env.cr.execute("DELETE FROM mail_activity WHERE governance_log_id IS NOT NULL")
    env.cr.execute("DELETE FROM order_governance_check_line")
    env.cr.execute("DELETE FROM order_governance_hold")
    # a view Odoo does not know as a table (the satisfaction report's relation)
    env.cr.execute("DROP VIEW IF EXISTS order_governance_satisfaction_department_rel")
    env.cr.execute("DELETE FROM order_governance_stage_log")
    # the decisions keep their meetings (ondelete='restrict'): the demo meeting
    # is one of the module's data records
    env.cr.execute("DELETE FROM order_governance_decision")
    env.cr.execute(
        "UPDATE sale_order SET governance_stage_id = NULL"
        " WHERE governance_stage_id IS NOT NULL"
    )
    env.invalidate_all()
