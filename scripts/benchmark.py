#!/usr/bin/env python3
"""Benchmark of order_governance on a large database (run by `make benchmark`).

Phases, each one process (``scripts/dev.py benchmark`` calls them in turn):

``build``     adds N orders to a database that has the module and its demo data:
              customers, N orders of six lines, walked through the governed flow with
              Odoo's own actions (confirmations, ``action_governance_next``, rework),
              then spread over the last year (see ``spread_history``).
``reports``   pivot ``read_group`` of the stage report vs ``sale.report``, plus the
              lead time and backlog views.
``flow``      the transition and flow variant pivots (as an officer) against a bare
              GROUP BY of the same grouping over the stays table.
``moves``     ``action_confirm`` on 1,000 new quotations vs ``action_governance_next``
              on the same 1,000 orders, staff notified by e-mail then in Odoo; the
              escalation run over every open stay.
              Rolled back: the database is the same afterwards.
``forecast``  the SLA watch's forecast refresh of the open orders, twice, then the
              plan of every order as if it were open (rolled back).
``workbook``  the KPI workbook of the whole period, time and peak memory growth; in a
              process of its own so that its memory peak is its own.
``scorecards`` the scorecards of the last full month (every department and person
              with stays in it), then the same call again (a refresh of the draft
              cards), as the admin user. Rolled back.
``existing``  (install benchmark) adds N orders to a database WITHOUT the module:
              quotations, confirmed and cancelled orders, as a live database has.
``entered``   (install benchmark, after the module's install) runs the scheduled
              action that enters the rest of the existing orders, batch by batch,
              then counts what the install created and what the first SLA watch
              escalates (rolled back).
``transfers`` (transfers benchmark) N confirmed orders of one line of a consumable
              product that is not storable, so one outgoing transfer each,
              validated without stock by ``button_validate`` in waves of 50 (one
              wave a request: written and tracked before the next). Run with and
              without ``order_governance_stock``, whose hook on ``_action_done``
              moves the delivered orders; counts the orders whose stage changed.
              Rolled back: the database is the same afterwards.
``uninstall`` (transfers benchmark) uninstalls the execution bridges
              ``order_governance_mrp`` and ``order_governance_stock``, committed, and
              checks that the core and ``sale_stock`` are still installed.

Each phase prints its rows as JSON lines (``ROW {...}``); dev.py prints the table.
"""

import argparse
import json
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta

ORDER_LINES = 6  # six lines an order: sale.report has as many rows as the stays
BATCH = 500
MOVES_SAMPLE = 1000
WAVE = 50  # transfers validated at once, as a multi-select or a batch transfer
BRIDGES = ("order_governance_mrp", "order_governance_stock")
REPEAT = 5
DONE_PARAM = "order_governance.benchmark_orders"  # orders added so far
READY_PARAM = "order_governance.benchmark_ready"  # histories spread
PROMISED_PARAM = "order_governance.benchmark_promised_2"  # promises given


def emit(**row):
    print("ROW " + json.dumps(row), flush=True)


@contextmanager
def odoo_env(config, database):
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.tools import config as odoo_config

    odoo_config.parse_config(["-c", config, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        # A real user (record rules apply), with his language and company.
        yield env(user=admin, context=dict(admin.context_get()))


def settle(env):
    """Write what a commit would: pending ORM writes, then the chatter tracking."""
    env.flush_all()
    env.cr.precommit.run()


@contextmanager
def measured(env):
    """Yield a dict filled with the wall time and the SQL queries of the block,
    pending writes and tracking (what a commit would run) included."""
    result = {}
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    yield result
    settle(env)
    result["seconds"] = time.perf_counter() - start
    result["queries"] = env.cr.sql_log_count - queries


# ---------------------------------------------------------------------------
# build
# ---------------------------------------------------------------------------
def quotation_values(env, count, offset, partners, products, lines=ORDER_LINES):
    teams = env["crm.team"].search([("company_id", "in", [False, env.company.id])])
    return [
        {
            "partner_id": partners[(offset + i) % len(partners)].id,
            "team_id": teams[(offset + i) % len(teams)].id if teams else False,
            "order_line": [
                (
                    0,
                    0,
                    {
                        "product_id": products[(offset + i + n) % len(products)].id,
                        "product_uom_qty": 1 + (offset + i + n) % 5,
                    },
                )
                for n in range(lines)
            ],
        }
        for i in range(count)
    ]


def tick_exit_criteria(orders):
    orders.governance_check_line_ids.filtered(
        lambda line: not line.automatic and not line.done
    ).action_tick()


def walk(env, orders, offset):
    """Move the n-th order to its target: 70% done, the rest spread over the
    earlier stages and cancelled; one in ten goes back from production once."""
    Stage = env["order.governance.stage"]
    confirmed = Stage.search(
        [("code", "=", "confirmed"), ("company_id", "in", [False, env.company.id])],
        limit=1,
    )
    targets = {order: (offset + i) % 20 for i, order in enumerate(orders)}
    # target: 0 quotation, 1 cancelled, 2 confirmed, 3 production, 4 shipping,
    # 5 invoicing, 6+ done
    orders.filtered(lambda o: targets[o] == 1)._action_cancel()
    orders.filtered(lambda o: targets[o] >= 2).action_confirm()
    done = Stage.search(
        [("code", "=", "done"), ("company_id", "in", [False, env.company.id])],
        limit=1,
    )
    for step in (3, 4, 5, 6):
        movers = orders.filtered(lambda o, step=step: targets[o] >= step)
        tick_exit_criteria(movers)
        if step == 6:
            # the benchmark's orders are not invoiced: Invoicing & Collection's
            # "Customer paid" would keep them; an officer forces them through
            movers.governance_move(done, reason="Benchmark: paid", force=True)
            continue
        movers.action_governance_next()
        if step == 3:
            rework = movers.filtered(lambda o: o.id % 10 == 7)
            rework.governance_move(confirmed, reason="Benchmark: missing specification")
            tick_exit_criteria(rework)
            rework.action_governance_next()


def spread_history(env):
    """Spread each order's stays over the last year, one after the other, with
    synthetic durations (2 to 41 hours), SLA deadlines of 24 hours (about one stay
    in three is late) and escalation moments, so that the period filters, the
    on-time rate, the backlog ages and the escalation run have work to do. The
    history itself (stages, departments, persons, rework) is the one the walk made.
    """
    env.flush_all()
    env.cr.execute(
        """
        WITH stay AS (
            SELECT id,
                   2 + (id * 7) % 40 AS hours,
                   (now() AT TIME ZONE 'UTC') - interval '12 days'
                       - interval '1 day' * (order_id % 350)
                       + interval '1 hour' * (
                           SUM(2 + (id * 7) % 40) OVER (
                               PARTITION BY order_id ORDER BY id
                           ) - (2 + (id * 7) % 40)
                       ) AS date_in
              FROM order_governance_stage_log
        )
        UPDATE order_governance_stage_log log
           SET date_in = stay.date_in,
               date_out = CASE WHEN log.date_out IS NULL THEN NULL
                          ELSE stay.date_in + interval '1 hour' * stay.hours END,
               elapsed_hours = CASE WHEN log.date_out IS NULL THEN 0
                               ELSE stay.hours END,
               duration_hours = CASE WHEN log.date_out IS NULL THEN 0
                                ELSE round(stay.hours * 0.6, 2) END,
               deadline = CASE WHEN log.deadline IS NULL THEN NULL
                       ELSE stay.date_in + interval '24 hours' END,
               risk_at = CASE WHEN log.deadline IS NULL THEN NULL
                       ELSE stay.date_in + interval '18 hours' END,
               escalate_at = CASE WHEN log.deadline IS NULL THEN NULL
                       ELSE stay.date_in + interval '48 hours' END,
               sla_breached = log.deadline IS NOT NULL AND log.date_out IS NOT NULL
                              AND stay.hours > 24,
               escalation_level = 0
          FROM stay
         WHERE stay.id = log.id
        """
    )
    env.cr.execute(
        """
        UPDATE sale_order so
           SET date_order = first.date_in,
               stage_entered_at = last.date_in,
               stage_deadline = last.deadline
          FROM (SELECT order_id, MIN(date_in) AS date_in
                  FROM order_governance_stage_log GROUP BY order_id) first,
               order_governance_stage_log last
         WHERE first.order_id = so.id
           AND last.order_id = so.id AND last.date_out IS NULL
        """
    )
    refresh_lead_times(env)
    env.cr.execute("ANALYZE")


def refresh_lead_times(env):
    """The orders' lead time figures (first entry, completion) from their stays."""
    from odoo.addons.order_governance.models.order_governance_stage_log import (
        refresh_lead_times as refresh,
    )

    refresh(env.cr)
    env["sale.order"].invalidate_model()


def benchmark_catalog(env):
    """The benchmark's customers and products, made on the first run."""
    partners = env["res.partner"].search([("name", "=like", "Benchmark customer%")])
    if not partners:
        partners = env["res.partner"].create(
            [{"name": f"Benchmark customer {n:03d}"} for n in range(300)]
        )
    products = env["product.product"].search([("name", "=like", "Benchmark product%")])
    if not products:
        products = env["product.product"].create(
            [
                {"name": f"Benchmark product {n:02d}", "type": "consu", "list_price": n}
                for n in range(30)
            ]
        )
    return partners, products


def build(env, orders):
    """Add orders in committed batches; an interrupted build resumes where it
    stopped."""
    ICP = env["ir.config_parameter"].sudo()
    done = int(ICP.get_param(DONE_PARAM, 0))
    if done >= orders and ICP.get_param(READY_PARAM):
        print(f"The database already has its {done:,} benchmark orders.")
        promise_history(env)
        return
    partners, products = benchmark_catalog(env)
    env.cr.commit()
    start, first = time.perf_counter(), done
    for offset in range(done, orders, BATCH):
        count = min(BATCH, orders - offset)
        batch = env["sale.order"].create(
            quotation_values(env, count, offset, partners, products)
        )
        walk(env, batch, offset)
        ICP.set_param(DONE_PARAM, offset + count)
        env.flush_all()
        env.cr.commit()
        env.invalidate_all()
        done = offset + count
        rate = (done - first) / (time.perf_counter() - start)
        print(
            f"  {done:,}/{orders:,} orders ({rate:.0f} orders/s, "
            f"{(orders - done) / rate / 60:.1f} min left)",
            flush=True,
        )
    spread_history(env)
    ICP.set_param(READY_PARAM, True)
    env.cr.commit()
    promise_history(env)


def promise_history(env):
    """Once: each confirmed order promised 2 to 9 days after its first entry
    (some kept, some missed, the open ones on track, at risk or late), then the
    forecast and promise status of every order, in committed batches."""
    ICP = env["ir.config_parameter"].sudo()
    if ICP.get_param(PROMISED_PARAM) or "governance_promised_date" not in (
        env["sale.order"]._fields
    ):
        return
    env.flush_all()
    # the orders' first entry and completion as the spread stays say (databases
    # built before spread_history did it)
    refresh_lead_times(env)
    env.cr.execute(
        """
        UPDATE sale_order
           SET governance_promised_date = governance_first_entry
                   + interval '1 day' * (2 + (id * 11) % 8)
         WHERE state = 'sale' AND governance_first_entry IS NOT NULL
        """
    )
    env.invalidate_all()
    ids = env["sale.order"].search([("governance_promised_date", "!=", False)]).ids
    for start in range(0, len(ids), 5000):
        env["sale.order"].browse(
            ids[start : start + 5000]
        )._governance_refresh_forecast()
        env.flush_all()
        env.cr.commit()
        env.invalidate_all()
    ICP.set_param(PROMISED_PARAM, True)
    env.cr.commit()
    print(f"  {len(ids):,} orders promised", flush=True)


# ---------------------------------------------------------------------------
# install on a live database
# ---------------------------------------------------------------------------
def existing(env, orders):
    """Orders made before the module is installed: 60% confirmed, 5% cancelled."""
    if env["sale.order"].search_count([]) >= orders:
        print("The database already has its orders.")
        return
    partners, products = benchmark_catalog(env)
    start = time.perf_counter()
    for offset in range(0, orders, BATCH):
        count = min(BATCH, orders - offset)
        batch = env["sale.order"].create(
            quotation_values(env, count, offset, partners, products)
        )
        targets = {order: (offset + i) % 20 for i, order in enumerate(batch)}
        batch.filtered(lambda o, t=targets: t[o] == 1)._action_cancel()
        batch.filtered(lambda o, t=targets: t[o] >= 8).action_confirm()
        env.flush_all()
        env.cr.commit()
        env.invalidate_all()
        done = offset + count
        rate = done / (time.perf_counter() - start)
        print(f"  {done:,}/{orders:,} orders ({rate:.0f} orders/s)", flush=True)


def entered(env):
    """The scheduled action's batches after the install, then what was made."""
    Order = env["sale.order"].sudo()
    cron = env.ref("order_governance.ir_cron_enter_existing_orders")
    waiting = Order.search_count([("governance_stage_id", "=", False)])
    start, batches = time.perf_counter(), 0
    while True:
        entered_now, remaining = Order._governance_enter_existing()
        env.cr.commit()
        batches += 1
        if not remaining or not entered_now:
            break
    seconds = time.perf_counter() - start
    emit(
        name="scheduled action: the rest of the existing orders",
        rows=waiting,
        seconds=seconds,
        detail=f"{batches} committed batches; cron {cron.name!r}",
    )
    stays = env["order.governance.stage.log"].sudo()
    quiet = stays.search([("as_of_install", "=", True)])
    since = min(quiet.mapped("date_in"))
    emit(
        name="stays as of install (no SLA clock)",
        rows=len(quiet),
        detail=f"with a deadline: {len(quiet.filtered('deadline'))}",
    )
    emit(
        name="activities on those orders since the install",
        rows=env["mail.activity"]
        .sudo()
        .search_count(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "in", quiet.order_id.ids),
                ("create_date", ">=", since),
            ]
        ),
    )
    emit(
        name="chatter messages on those orders since the install",
        rows=env["mail.message"]
        .sudo()
        .search_count(
            [
                ("model", "=", "sale.order"),
                ("res_id", "in", quiet.order_id.ids),
                ("create_date", ">=", since),
            ]
        ),
    )
    with measured(env) as result:
        env["order.governance.sla.watch"]._cron_watch_sla(batch_size=10**7)
    emit(
        name="first SLA watch after the install",
        rows=stays.search_count(
            [("escalation_level", ">", 0), ("as_of_install", "=", True)]
        ),
        seconds=result["seconds"],
        queries=result["queries"],
        detail="escalations of stays as of install (rolled back)",
    )
    env.cr.rollback()


# ---------------------------------------------------------------------------
# reports
# ---------------------------------------------------------------------------
def time_read_group(env, model, groupby, measures, domain=()):
    """Median time of the pivot's read_group, as the web client calls it."""
    Model = env[model]
    domain = list(domain)
    Model.read_group(domain, measures, groupby, lazy=False)  # warm the caches
    times = []
    for _i in range(REPEAT):
        env.invalidate_all()
        start = time.perf_counter()
        groups = Model.read_group(domain, measures, groupby, lazy=False)
        times.append(time.perf_counter() - start)
    rows = Model.search_count(domain)
    return statistics.median(times), rows, len(groups)


def reports(env):
    from odoo import fields

    base_time, base_rows, base_groups = time_read_group(
        env, "sale.report", ["team_id", "state"], ["__count", "price_subtotal:sum"]
    )
    emit(
        name="sale.report read_group (team x state)",
        seconds=base_time,
        rows=base_rows,
        detail=f"{base_groups} groups",
    )
    views = [
        (
            "order.governance.kpi.report",
            ["department_id", "stage_id"],
            ["__count", "duration_hours:avg", "on_time_rate:avg"],
            "stage report read_group (department x stage)",
        ),
        (
            "order.governance.lead.time.report",
            ["owner_department_id"],
            ["__count", "lead_time_hours:avg", "handoff_count:sum"],
            "lead time read_group (owning department)",
        ),
        (
            "order.governance.backlog.report",
            ["department_id", "stage_id"],
            ["__count", "overdue_count:sum"],
            "backlog read_group (department x stage)",
        ),
    ]
    last_month = [
        ("date_in", ">=", fields.Datetime.now() - timedelta(days=30)),
    ]
    manager = env.ref("order_governance.user_production_manager")
    stage_measures = views[0][2]
    views += [
        (
            "order.governance.kpi.report",
            ["department_id", "stage_id"],
            stage_measures,
            "stage report, last 30 days (entry date filter)",
            last_month,
            env,
        ),
        (
            "order.governance.kpi.report",
            ["department_id", "stage_id"],
            stage_measures,
            "stage report as a department manager (record rules)",
            [],
            env(user=manager),
        ),
    ]
    for model, groupby, measures, label, *scope in views:
        domain, model_env = scope or ([], env)
        seconds, rows, groups = time_read_group(
            model_env, model, groupby, measures, domain
        )
        emit(
            name=label,
            seconds=seconds,
            rows=rows,
            detail=f"{groups} groups",
            ratio=seconds / base_time,
        )


def time_sql(env, query):
    """Median time of a bare SQL query (after a warm-up), and its row count."""
    env.cr.execute(query)
    rows = len(env.cr.fetchall())
    times = []
    for _i in range(REPEAT):
        start = time.perf_counter()
        env.cr.execute(query)
        env.cr.fetchall()
        times.append(time.perf_counter() - start)
    return statistics.median(times), rows


def flow(env):
    """The flow reports against the database's own limit: the same grouping as
    a bare GROUP BY over the stays table (no join, no record rule), as the
    officer of the demo."""
    officer = env(user=env.ref("order_governance.user_omc_manager"))
    pairs = [
        (
            "bare GROUP BY previous stage, stage (stays)",
            "SELECT previous_stage_id, stage_id, COUNT(*), AVG(duration_hours)"
            " FROM order_governance_stage_log WHERE previous_stage_id IS NOT NULL"
            " GROUP BY 1, 2",
            "order.governance.transition.report",
            ["from_stage_id", "to_stage_id"],
            ["__count", "waiting_hours:avg", "rework_rate:avg"],
            "transition pivot (from stage x to stage), as an officer",
        ),
        (
            "bare GROUP BY path (stays aggregated per order)",
            "SELECT path, COUNT(*) FROM (SELECT order_id, string_agg("
            "stage_id::text, ',' ORDER BY date_in, id) AS path"
            " FROM order_governance_stage_log GROUP BY order_id) paths GROUP BY 1",
            "order.governance.variant.report",
            ["path"],
            ["__count", "lead_time_hours:avg", "lead_time_p90:max", "rework_rate:avg"],
            "flow variants pivot (path), as an officer",
        ),
    ]
    for bare_label, query, model, groupby, measures, label in pairs:
        bare_time, bare_groups = time_sql(env, query)
        emit(name=bare_label, seconds=bare_time, detail=f"{bare_groups} groups")
        seconds, rows, groups = time_read_group(officer, model, groupby, measures)
        emit(
            name=label,
            seconds=seconds,
            rows=rows,
            detail=f"{groups} groups; ratio to the bare GROUP BY",
            ratio=seconds / bare_time,
        )


# ---------------------------------------------------------------------------
# moves and escalation (rolled back)
# ---------------------------------------------------------------------------
def confirm_then_move(env, staff_notified):
    """``action_confirm`` on MOVES_SAMPLE new quotations, then
    ``action_governance_next`` on them; rolled back. ``staff_notified``: how
    the internal users handle their notifications (``email`` or ``inbox``, the
    user preference *Handle by Emails* / *Handle in Odoo*): the handoff message
    is e-mailed to its followers in the first case only."""
    env["res.users"].search([("share", "=", False)]).notification_type = staff_notified
    partners, products = benchmark_catalog(env)
    orders = env["sale.order"].create(
        quotation_values(env, MOVES_SAMPLE, 0, partners, products)
    )
    settle(env)
    with measured(env) as confirm:
        orders.action_confirm()
    how = {"email": "by e-mail", "inbox": "in Odoo"}[staff_notified]
    emit(
        name=f"action_confirm, {MOVES_SAMPLE:,} quotations (staff notified {how})",
        seconds=confirm["seconds"],
        queries=confirm["queries"],
    )
    tick_exit_criteria(orders)
    settle(env)
    with measured(env) as move:
        orders.action_governance_next()
    mails = env["mail.mail"].search_count(
        [("mail_message_id.res_id", "in", orders.ids), ("model", "=", "sale.order")]
    )
    emit(
        name=f"action_governance_next, {MOVES_SAMPLE:,} orders (staff notified {how})",
        seconds=move["seconds"],
        queries=move["queries"],
        ratio=move["seconds"] / confirm["seconds"],
        detail=f"queries x{move['queries'] / confirm['queries']:.2f}; "
        f"{mails:,} e-mails",
    )
    env.cr.rollback()
    env.invalidate_all()


def moves(env):
    for staff_notified in ("email", "inbox"):
        confirm_then_move(env, staff_notified)

    Log = env["order.governance.stage.log"].sudo()
    open_stays = Log.search_count([("date_out", "=", False)])
    with measured(env) as escalation:
        env["order.governance.sla.watch"]._cron_watch_sla(batch_size=10**7)
    escalated = Log.search_count([("escalation_level", ">", 0)])
    levels = sum(Log.search([("escalation_level", ">", 0)]).mapped("escalation_level"))
    emit(
        name="escalation run (scheduled action)",
        seconds=escalation["seconds"],
        queries=escalation["queries"],
        rows=open_stays,
        detail=f"{escalated:,} stays escalated, {levels:,} escalations",
    )
    with measured(env) as again:
        env["order.governance.sla.watch"]._cron_watch_sla(batch_size=10**7)
    emit(
        name="escalation run again (the next quarter hour)",
        seconds=again["seconds"],
        queries=again["queries"],
        rows=open_stays,
        detail="nothing new to escalate",
    )
    env.cr.rollback()


def forecasts(env):
    """The SLA watch's forecast refresh of every open order: the first after
    some hours without one (every forecast moves), then the next quarter hour;
    then the plan of every order of the database as if all were open, each from
    its first stage. Rolled back."""
    forecast_open_orders(env)
    forecast_every_order(env)
    env.cr.rollback()


def forecast_every_order(env):
    """The forecast's computation for 20,000 open orders: each order of the
    database planned from its first working stay's stage and department."""
    Order = env["sale.order"].sudo()
    orders = Order.search([("governance_stage_id", "!=", False)])
    first = {}
    for stay in (
        env["order.governance.stage.log"]
        .sudo()
        .search(
            [("order_id", "in", orders.ids), ("is_working_stage", "=", True)],
            order="date_in desc, id desc",
        )
    ):
        first[stay.order_id.id] = (stay.stage_id, stay.department_id, 0.0)
    planned = Order.browse(list(first))
    now = planned.env.cr.now().replace(tzinfo=None)
    with measured(env) as run:
        plans = planned._governance_forecast_plans(now, positions=first)
    emit(
        name="forecast of every order as if open (plan only, from its first stage)",
        seconds=run["seconds"],
        queries=run["queries"],
        rows=len(plans),
        detail=f"{sum(len(p['steps']) for p in plans.values()):,} stages planned",
    )


def forecast_open_orders(env):
    Order = env["sale.order"].sudo()
    open_orders = Order.search_count([("governance_urgency", "!=", "4")])
    env.cr.execute(
        "UPDATE sale_order SET governance_forecast_date = NULL,"
        " governance_forecast_p90_date = NULL WHERE governance_urgency != '4'"
    )
    env.invalidate_all()
    for label in ("every forecast written", "the next quarter hour"):
        with measured(env) as run:
            env["order.governance.sla.watch"]._refresh_forecasts()
        statuses = Order.read_group(
            [("governance_urgency", "!=", "4")],
            ["governance_promise_status"],
            ["governance_promise_status"],
        )
        emit(
            name=f"forecast refresh of the open orders ({label})",
            seconds=run["seconds"],
            queries=run["queries"],
            rows=open_orders,
            detail=", ".join(
                "{:,} {}".format(
                    g["governance_promise_status_count"], g["governance_promise_status"]
                )
                for g in statuses
            ),
        )


# ---------------------------------------------------------------------------
# transfers (rolled back), with and without the stock bridge
# ---------------------------------------------------------------------------
def module_state(env, name):
    module = env["ir.module.module"].sudo().search([("name", "=", name)])
    return module.state or "unknown"


def transfers(env, orders):
    """Validate the delivery of ``orders`` new confirmed orders, WAVE at a time."""
    bridge = module_state(env, "order_governance_stock") == "installed"
    partners, products = benchmark_catalog(env)
    storable = products.filtered("is_storable")
    if storable:
        raise SystemExit(f"Storable benchmark products: {storable.mapped('name')}")
    sale_orders = env["sale.order"]
    for offset in range(0, orders, BATCH):
        batch = env["sale.order"].create(
            quotation_values(
                env, min(BATCH, orders - offset), offset, partners, products, lines=1
            )
        )
        batch.action_confirm()
        sale_orders |= batch
    pickings = sale_orders.picking_ids.filtered(
        lambda p: p.picking_type_code == "outgoing"
    )
    if len(pickings) != orders or set(pickings.mapped("state")) != {"assigned"}:
        raise SystemExit(
            f"Expected {orders:,} ready deliveries, got {len(pickings):,} "
            f"({', '.join(sorted(set(pickings.mapped('state'))))})"
        )
    stage_before = {o.id: o.governance_stage_id for o in sale_orders}
    settle(env)
    with measured(env) as result:
        for start in range(0, len(pickings), WAVE):
            wave = env["stock.picking"].browse(pickings.ids[start : start + WAVE])
            action = wave.button_validate()
            if action is not True:
                raise SystemExit(f"button_validate asked for a wizard: {action}")
            # each wave is a request of its own: written and tracked before the next
            settle(env)
            env.invalidate_all()
    done = pickings.filtered(lambda p: p.state == "done")
    moved = sale_orders.filtered(lambda o: o.governance_stage_id != stage_before[o.id])
    paths = {f"{stage_before[o.id].name} → {o.governance_stage_id.name}" for o in moved}
    label = (
        "with order_governance_stock"
        if bridge
        else "without order_governance_stock (core only)"
    )
    emit(
        name=f"validate {orders:,} transfers, waves of {WAVE}, {label}",
        rows=len(done),
        seconds=result["seconds"],
        queries=result["queries"],
        ms_per_transfer=result["seconds"] * 1000 / orders,
        moved=len(moved),
        bridge=bridge,
        detail=f"{result['seconds'] * 1000 / orders:.1f} ms a transfer; "
        f"{len(moved):,} orders moved"
        + (f" ({', '.join(sorted(paths))})" if paths else ""),
    )
    env.cr.rollback()


def uninstall(env):
    """Uninstall the execution bridges (committed); the core stays."""
    modules = env["ir.module.module"].search(
        [("name", "in", BRIDGES), ("state", "=", "installed")]
    )
    start = time.perf_counter()
    modules.button_immediate_uninstall()
    seconds = time.perf_counter() - start
    env.cr.commit()
    env.invalidate_all()
    states = {
        name: module_state(env, name)
        for name in ("order_governance", "sale_stock", *BRIDGES)
    }
    print(f"  modules after the uninstall: {states}", flush=True)
    expected = {"order_governance": "installed", "sale_stock": "installed"}
    expected.update(dict.fromkeys(BRIDGES, "uninstalled"))
    if states != expected:
        raise SystemExit(f"Unexpected module states after the uninstall: {states}")
    emit(
        name=f"uninstall {', '.join(modules.mapped('name'))}",
        seconds=seconds,
        detail="order_governance and sale_stock still installed",
    )


# ---------------------------------------------------------------------------
# workbook
# ---------------------------------------------------------------------------
def memory_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def reset_memory_peak():
    """Make VmHWM (the peak resident size) start again from the current size."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def workbook(env):
    Log = env["order.governance.stage.log"]
    first = Log.search([], order="date_in", limit=1).date_in
    wizard = env["order.governance.kpi.export"].create(
        {"date_from": first.date() if first else date.today(), "date_to": date.today()}
    )
    stays, _backlog = wizard._domains()
    transitions = env["order.governance.kpi.report"].search_count(stays)
    env.invalidate_all()
    exact_peak = reset_memory_peak()
    before = memory_kib("VmRSS")
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    content = wizard._workbook_bytes()
    seconds = time.perf_counter() - start
    queries = env.cr.sql_log_count - queries
    growth = (memory_kib("VmHWM") - before) / 1024
    emit(
        name="KPI workbook, whole period",
        seconds=seconds,
        rows=transitions,
        queries=queries,
        memory_mb=growth if exact_peak else None,
        detail=f"{len(content) / 1024 / 1024:.1f} MB file",
    )


def scorecards(env):
    last_day = date.today().replace(day=1) - timedelta(days=1)
    first_day = last_day.replace(day=1)
    stays = env["order.governance.kpi.report"].search_count(
        [("date_out", ">=", first_day), ("date_out", "<", last_day + timedelta(days=1))]
    )
    Card = env["order.governance.scorecard"]
    for name in ("Scorecards of last month, created", "Scorecards, refreshed"):
        with measured(env) as result:
            ids = Card.governance_generate(first_day, last_day)
        emit(
            name=name,
            rows=stays,
            detail=f"{len(ids)} cards",
            **result,
        )
    env.cr.rollback()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "phase",
        choices=[
            "build",
            "reports",
            "flow",
            "moves",
            "forecast",
            "workbook",
            "scorecards",
            "existing",
            "entered",
            "transfers",
            "uninstall",
        ],
    )
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--orders", type=int, default=20000)
    args = parser.parse_args(argv)
    with odoo_env(args.config, args.database) as env:
        if args.phase == "build":
            build(env, args.orders)
        elif args.phase == "existing":
            existing(env, args.orders)
        elif args.phase == "entered":
            entered(env)
        elif args.phase == "transfers":
            transfers(env, args.orders)
        elif args.phase == "uninstall":
            uninstall(env)
        else:
            {
                "reports": reports,
                "flow": flow,
                "moves": moves,
                "forecast": forecasts,
                "workbook": workbook,
                "scorecards": scorecards,
            }[args.phase](env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
