def post_init_hook(env):
    """Orders that existed before the module enter the stage their state calls for."""
    env["sale.order"].search([("governance_stage_id", "=", False)])._governance_enter()
