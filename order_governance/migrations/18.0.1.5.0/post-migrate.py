"""18.0.1.5.0: published operating norms. Every stage that already has norms
starts at version 1 (its text kept as that version), without asking anyone to
read them: the reading activities come with the next Publish Norms."""

from odoo import api


def migrate(cr, version):
    env = api.Environment(cr, api.SUPERUSER_ID, {})
    stages = env["order.governance.stage"].with_context(active_test=False).search([])
    stages._governance_start_norms()
