def post_init_hook(env):
    """Orders that existed before the module enter the stage their state calls for,
    as of now: the first batch at once, the rest by a scheduled action in committed
    batches (a live database may hold many orders)."""
    _entered, remaining = env["sale.order"]._governance_enter_existing()
    if remaining:
        env.ref("order_governance.ir_cron_enter_existing_orders")._trigger()
