def post_init_hook(env):
    """Orders that existed before the module enter the stage their state calls for."""
    env["sale.order"].search([("governance_stage_id", "=", False)])._governance_enter()


def uninstall_hook(env):
    """Drop the stage history and detach the orders from their stages.

    Odoo deletes the module's data records (stages, hold reasons) before it drops the
    tables, and the history and the orders point at them with ``ondelete='restrict'``:
    without this, those deletions fail and the log fills with errors.
    """
    env.flush_all()
    env.cr.execute("DELETE FROM order_governance_check_line")
    env.cr.execute("DELETE FROM order_governance_hold")
    env.cr.execute("DELETE FROM order_governance_stage_log")
    env.cr.execute(
        "UPDATE sale_order SET governance_stage_id = NULL"
        " WHERE governance_stage_id IS NOT NULL"
    )
    env.invalidate_all()
