"""The project's commands, seen from a user's shell."""

import configparser
import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parent.parent
DEV = [sys.executable, str(ROOT / "scripts" / "dev.py")]


def run_dev(*args, **env):
    return subprocess.run(
        [*DEV, *args],
        env=dict(os.environ, **env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_bad_postgres_settings_give_a_clear_message():
    """An unreachable PGHOST/PGPORT ends with a message saying what to fix, no trace."""
    result = run_dev("check-db", PGHOST="127.0.0.1", PGPORT="1", PGUSER="odoo")
    assert result.returncode == 2
    assert (
        "Cannot connect to PostgreSQL with PGHOST=127.0.0.1 PGPORT=1" in result.stderr
    )
    assert "unset PGHOST" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_postgres_role_is_refused_with_a_clear_message():
    """Odoo refuses the postgres role: say so before Odoo does."""
    result = run_dev("check-db", PGHOST="127.0.0.1", PGUSER="postgres")
    assert result.returncode == 2
    assert "Odoo refuses to connect as the `postgres` role" in result.stderr


def odoo(config, *args, command="server", stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "odoo", command, "-c", config, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )


def drop_database(config, name):
    parser = configparser.ConfigParser()
    parser.read(config)
    options = parser["options"]
    password = options.get("db_password")
    conn = psycopg2.connect(
        host=options["db_host"],
        port=options["db_port"],
        user=options["db_user"],
        password=None if password in (None, "False") else password,
        dbname="postgres",
    )
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


@pytest.fixture
def scratch_database():
    """A database name of its own, dropped afterwards."""
    config = os.environ.get("OG_ODOO_CONFIG")
    if not config:
        pytest.skip("run through `make test`, which provides the Odoo configuration")
    name = f"{os.environ['OG_TEST_DATABASE']}_nodemo"
    yield config, name
    drop_database(config, name)


def test_installs_without_demo_and_uninstalls_cleanly(scratch_database):
    """Install the core and its execution bridges without demo data, record some
    history, uninstall the bridges, then the core: no error."""
    config, name = scratch_database
    installed = odoo(
        config,
        "-d",
        name,
        "-i",
        "order_governance,order_governance_stock,order_governance_mrp",
        "--without-demo=all",
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    assert " ERROR " not in installed.stderr, installed.stderr[-3000:]
    # An order with a stay, a check line and a hold: the history and the order point
    # at the module's stages and hold reasons, which the uninstall deletes.
    history = (
        "stage = env['order.governance.stage'].search([('is_cancel', '=', False)],"
        " limit=1)\n"
        "env['order.governance.check'].create({'stage_id': stage.id, 'name': 'Ok'})\n"
        "partner = env['res.partner'].create({'name': 'Uninstalled Customer'})\n"
        "order = env['sale.order'].create({'partner_id': partner.id})\n"
        "assert order.governance_stage_id == stage, order.governance_stage_id\n"
        "order.governance_hold(env.ref('order_governance.hold_reason_customer'))\n"
        "assert order.stage_log_ids and order.governance_hold_ids\n"
        "assert order.governance_check_line_ids\n"
        "env.cr.commit()\n"
    )
    uninstall = history + (
        "modules = env['ir.module.module'].search([('name', 'in', "
        "['order_governance_stock', 'order_governance_mrp'])])\n"
        "assert set(modules.mapped('state')) == {'installed'}, modules\n"
        "modules.button_immediate_uninstall()\n"
        "env.cr.commit()\n"
        "modules.invalidate_recordset()\n"
        "print('BRIDGES', sorted(set(modules.mapped('state'))))\n"
        "module = env['ir.module.module'].search([('name', '=', 'order_governance')])\n"
        "assert module.state == 'installed', module.state\n"
        "module.button_immediate_uninstall()\n"
        "env.cr.commit()\n"
        "module.invalidate_recordset()\n"
        "print('STATE', module.state)\n"
        "print('TABLES', env['ir.model'].search_count("
        "[('model', '=like', 'order.governance.%')]))\n"
    )
    removed = odoo(
        config,
        "-d",
        name,
        "--no-http",
        "--log-level=warn",
        command="shell",
        stdin=uninstall,
    )
    assert "STATE uninstalled" in removed.stdout, (
        removed.stdout + removed.stderr[-3000:]
    )
    assert "BRIDGES ['uninstalled']" in removed.stdout
    assert "TABLES 0" in removed.stdout
    assert " ERROR " not in removed.stderr, removed.stderr[-3000:]
