#!/usr/bin/env python3
"""Read-side benchmark of order_governance (run by `make benchmark-read`).

A synthetic history written straight into the tables in SQL (orders copied from a
demo order, their stays from ``generate_series``-like arrays), so that a million
stays take minutes, not the hours of the write-side benchmark's real moves.
Phases, each one process (``scripts/dev.py benchmark-read`` calls them in turn):

``synthesize`` brings the database to ``--orders`` completed orders (and, the
               first time, 2,000 orders in progress: the open work, which does
               not grow afterwards); the completed orders go through the whole
               flow of the demo company, one in ten with a rework loop; each
               stay's working hours are its stage's SLA times a share that
               varies (some late), its calendar hours three times that.
``measure``    the reads of the scale issue, as the demo's order management
               officer: a bare GROUP BY over the stays, the stage, lead time,
               backlog, transition and flow variant pivots, and the SLA watch
               with nothing due (rolled back); each with its median time and,
               for the pivots, the query plan (EXPLAIN ANALYZE) as PLAN lines.

Rows are JSON lines (``ROW {...}``) carrying ``--label`` (the size measured).
"""

import argparse
import statistics
import sys
import time
from contextlib import contextmanager

from benchmark import REPEAT, emit, odoo_env, time_sql

IN_PROGRESS = 2000
COMPLETED_PARAM = "order_governance.benchmark_read_completed"
CHUNK = 50000  # orders written per statement: bounded memory, visible progress
# working hours of a stay as a share of its stage's SLA (> 1: late)
SHARES = (0.4, 0.8, 1.3, 0.6, 1.9, 0.9, 0.5)
CALENDAR_FACTOR = 3  # calendar hours per working hour: nights and weekends
NO_SLA_HOURS = 4  # working hours of a stay in a stage without SLA


# ---------------------------------------------------------------------------
# synthesize
# ---------------------------------------------------------------------------
def flow_of(env):
    """The demo company's stages in flow order, as the arrays the SQL reads:
    the completed path, the same with a rework loop back from production, and
    the working stages (where an order in progress may stand)."""
    company = env.company
    stages = (
        env["sale.order"]
        ._governance_stages_of(company)
        .filtered(lambda s: not s.is_cancel)
    )
    working = stages.filtered(lambda s: not s.is_final)
    final = stages.filtered("is_final")[:1]
    path = [*working, final]
    loop_at = next(
        (i for i, s in enumerate(working) if s.code == "production"), len(working) - 1
    )
    rework_path = path[: loop_at + 1] + [path[loop_at - 1], path[loop_at]]
    rework_path += path[loop_at + 1 :]
    rework_flags = [False] * (loop_at + 1) + [True, False]
    rework_flags += [False] * (len(path) - loop_at - 1)
    return {
        "done": arrays(path, [False] * len(path)),
        "rework": arrays(rework_path, rework_flags),
        "working": working,
        "owners": stages.responsible_department_id.ids or [False],
    }


def arrays(stages, rework):
    return {
        "stage": [s.id for s in stages],
        "department": [s.responsible_department_id.id or None for s in stages],
        "user": [
            s.responsible_department_id.manager_id.user_id.id or None for s in stages
        ],
        "sla": [float(s.sla_hours or 0) for s in stages],
        "working": [not s.is_final and not s.is_cancel for s in stages],
        "rework": rework,
    }


def insert_orders(env, template, count, prefix):
    """``count`` copies of ``template`` named ``prefix`` + number, confirmed;
    returns their ids in order."""
    env.cr.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name = 'sale_order' AND column_name != 'id'"
    )
    columns = [name for (name,) in env.cr.fetchall()]
    overrides = {
        "name": "%(prefix)s || lpad(g::text, 7, '0')",
        "state": "'sale'",
        "access_token": "NULL",
        "create_date": "now() AT TIME ZONE 'UTC'",
        "write_date": "now() AT TIME ZONE 'UTC'",
        "governance_on_hold": "FALSE",
        "rework_count": "0",
        "owner_department_id": "(%(owners)s::int[])[1 + g %% %(owner_count)s]",
    }
    select = ", ".join(overrides.get(c, f't."{c}"') for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    query = (
        f"INSERT INTO sale_order ({names}) SELECT {select}"  # noqa: S608 (constants)
        " FROM sale_order t, generate_series(1, %(count)s) g"
        " WHERE t.id = %(template)s ORDER BY g RETURNING id"
    )
    flow = env.context["benchmark_flow"]
    env.cr.execute(
        query,
        {
            "prefix": prefix,
            "count": count,
            "template": template.id,
            "owners": flow["owners"],
            "owner_count": len(flow["owners"]),
        },
    )
    return sorted(order_id for (order_id,) in env.cr.fetchall())


STAYS_SQL = """
WITH orders AS (
    SELECT id, g FROM unnest(%(ids)s::int[]) WITH ORDINALITY AS o(id, g)
),
steps AS (
    SELECT orders.id AS order_id, orders.g, p.pos, p.stage_id, p.department_id,
           p.user_id, p.sla, p.working, p.rework,
           p.pos = %(length)s AS last,
           CASE WHEN p.sla > 0
                THEN p.sla * (%(shares)s::float8[])[1 + (orders.g + p.pos) %% 7]
                ELSE %(no_sla)s END AS worked
      FROM orders
     CROSS JOIN unnest(%(stage)s::int[], %(department)s::int[], %(user)s::int[],
                       %(sla)s::float8[], %(working)s::bool[], %(rework)s::bool[])
           WITH ORDINALITY AS p(stage_id, department_id, user_id, sla, working,
                                rework, pos)
     WHERE p.pos <= %(length)s
),
timed AS (
    SELECT steps.*,
           start.at + make_interval(secs => 3600 * %(factor)s * COALESCE(SUM(
               CASE WHEN steps.last THEN 0 ELSE steps.worked END
           ) OVER (PARTITION BY steps.order_id ORDER BY steps.pos
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)) AS date_in
      FROM steps
     CROSS JOIN LATERAL (
           SELECT CASE WHEN %(in_progress)s
                  -- entered its current stage 0-4 hours ago
                  THEN (now() AT TIME ZONE 'UTC')
                       - make_interval(secs => 3600 * (%(factor)s * SUM(
                             CASE WHEN steps.last THEN 0 ELSE steps.worked END
                         ) OVER (PARTITION BY steps.order_id) + steps.g %% 5))
                  -- spread over the year before the open work
                  ELSE (now() AT TIME ZONE 'UTC') - interval '400 days'
                       + interval '380 days' * steps.g / %(count)s
                  END AS at
     ) start
)
INSERT INTO order_governance_stage_log (
    order_id, stage_id, previous_stage_id, department_id, user_id, moved_by_id,
    date_in, date_out, duration_hours, elapsed_hours, paused_hours, is_rework,
    forced, as_of_install, deadline, risk_at, escalate_at, sla_breached,
    escalation_level, company_id, is_working_stage, is_open_work,
    previous_department_id,
    previous_user_id, previous_hours, create_uid, create_date, write_uid,
    write_date)
SELECT order_id, stage_id, LAG(stage_id) OVER w, department_id, user_id, %(uid)s,
       date_in,
       CASE WHEN NOT last
            THEN date_in + make_interval(secs => 3600 * %(factor)s * worked) END,
       CASE WHEN last THEN 0 ELSE worked END,
       CASE WHEN last THEN 0 ELSE %(factor)s * worked END,
       0, rework, FALSE, FALSE,
       CASE WHEN sla > 0
            THEN date_in + make_interval(secs => 3600 * %(factor)s * sla) END,
       CASE WHEN sla > 0
            THEN date_in + make_interval(secs => 3600 * %(factor)s * sla * 0.8) END,
       CASE WHEN sla > 0
            THEN date_in + make_interval(secs => 3600 * %(factor)s * (sla + 8)) END,
       NOT last AND sla > 0 AND worked > sla,
       CASE WHEN last OR sla = 0 THEN 0 WHEN worked > sla THEN 2
            WHEN worked > 0.8 * sla THEN 1 ELSE 0 END,
       %(company)s, working, last AND working,
       LAG(department_id) OVER w, LAG(user_id) OVER w,
       LAG(worked) OVER w, %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s,
       now() AT TIME ZONE 'UTC'
  FROM timed
WINDOW w AS (PARTITION BY order_id ORDER BY pos)
"""

CURRENT_SQL = """
UPDATE sale_order so
   SET governance_stage_id = log.stage_id,
       responsible_department_id = log.department_id,
       responsible_user_id = log.user_id,
       stage_entered_at = log.date_in,
       stage_deadline = log.deadline,
       sla_status = CASE WHEN log.deadline IS NULL THEN 'none' ELSE 'on_track' END,
       rework_count = CASE WHEN %(rework)s THEN 1 ELSE 0 END
  FROM order_governance_stage_log log
 WHERE log.order_id = so.id AND log.date_out IS NULL AND so.id = ANY(%(ids)s)
"""


def insert_stays(env, ids, path, in_progress=False, length=None, count=None):
    flow_length = len(path["stage"])
    env.cr.execute(
        STAYS_SQL,
        {
            **path,
            "ids": ids,
            "length": length or flow_length,
            "shares": list(SHARES),
            "no_sla": NO_SLA_HOURS,
            "factor": CALENDAR_FACTOR,
            "in_progress": in_progress,
            "count": count or len(ids),
            "company": env.company.id,
            "uid": env.uid,
        },
    )
    env.cr.execute(CURRENT_SQL, {"ids": ids, "rework": any(path["rework"])})


def synthesize(env, completed):
    from odoo.addons.order_governance.models.order_governance_stage_log import (
        refresh_lead_times,
    )

    ICP = env["ir.config_parameter"].sudo()
    done = int(ICP.get_param(COMPLETED_PARAM, 0))
    if done >= completed:
        print(f"The database already has {done:,} synthetic completed orders.")
        return
    flow = flow_of(env)
    env = env(context=dict(env.context, benchmark_flow=flow))
    template = env["sale.order"].search(
        [("company_id", "=", env.company.id), ("state", "=", "sale")], limit=1
    )
    env.flush_all()
    start = time.perf_counter()
    stays_before = count_stays(env)
    if not done:
        print(f"  {IN_PROGRESS:,} orders in progress", flush=True)
        ids = insert_orders(env, template, IN_PROGRESS, "RB-WIP-")
        working = len(flow["working"])
        for position in range(working):
            mine = ids[position::working]
            insert_stays(env, mine, flow["done"], in_progress=True, length=position + 1)
        refresh_lead_times(env.cr, ids)
    while done < completed:
        count = min(CHUNK, completed - done)
        ids = insert_orders(env, template, count, f"RB-{done // CHUNK:03d}-")
        rework = [order_id for g, order_id in enumerate(ids, 1) if g % 10 == 0]
        plain = [order_id for g, order_id in enumerate(ids, 1) if g % 10]
        insert_stays(env, plain, flow["done"], count=len(plain))
        insert_stays(env, rework, flow["rework"], count=len(rework))
        refresh_lead_times(env.cr, ids)
        done += count
        ICP.set_param(COMPLETED_PARAM, done)
        env.cr.commit()
        print(
            f"  {done:,}/{completed:,} completed orders, "
            f"{time.perf_counter() - start:.0f} s",
            flush=True,
        )
    env.cr.execute("ANALYZE sale_order")
    env.cr.execute("ANALYZE order_governance_stage_log")
    # the demo's own open stays escalated once, as the cron did: the measured
    # watch then has nothing due
    env["order.governance.sla.watch"]._cron_watch_sla()
    env.cr.commit()
    seconds = time.perf_counter() - start
    added = count_stays(env) - stays_before
    emit(
        name="synthesize: stays written in SQL",
        seconds=seconds,
        rows=added,
        detail=f"{added / seconds:,.0f} stays/s, lead times included",
    )


def count_stays(env):
    env.cr.execute("SELECT COUNT(*) FROM order_governance_stage_log")
    return env.cr.fetchone()[0]


# ---------------------------------------------------------------------------
# measure
# ---------------------------------------------------------------------------
@contextmanager
def captured_queries(env):
    """The SQL statements (with their parameters) the cursor runs in the block."""
    cursor = env.cr
    queries = []
    execute = cursor.execute

    def recording(query, params=None, log_exceptions=True):
        queries.append((query, params))
        return execute(query, params, log_exceptions)

    cursor.execute = recording
    try:
        yield queries
    finally:
        del cursor.execute


def timed_pivot(env, model, groupby, measures):
    """Median time of the pivot's read_group (as the web client calls it), its
    rows, groups, and the plan of its GROUP BY query."""
    Model = env[model]
    Model.read_group([], measures, groupby, lazy=False)  # warm the caches
    times = []
    for _i in range(REPEAT):
        env.invalidate_all()
        start = time.perf_counter()
        groups = Model.read_group([], measures, groupby, lazy=False)
        times.append(time.perf_counter() - start)
    with captured_queries(env) as queries:
        Model.read_group([], measures, groupby, lazy=False)
    grouped = [q for q in queries if "GROUP BY" in str(q[0])]
    plan = explain(env, *grouped[-1]) if grouped else []
    return statistics.median(times), Model.search_count([]), len(groups), plan


def explain(env, query, params):
    from odoo.tools import SQL

    if isinstance(query, SQL):
        query, params = query.code, query.params
    env.cr.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {query}", params)
    return [line for (line,) in env.cr.fetchall()]


def print_plan(title, plan):
    print(f"PLAN {title}")
    for line in plan:
        print(f"PLAN   {line}")


def measure(env, label):
    officer = env(user=env.ref("order_governance.user_omc_manager"))
    stays = count_stays(env)
    env.cr.execute("SELECT COUNT(*) FROM sale_order")
    orders = env.cr.fetchone()[0]
    print(f"{label}: {orders:,} orders, {stays:,} stays", flush=True)

    def row(name, seconds, **values):
        emit(name=name, label=label, seconds=seconds, stays=stays, **values)

    bare, bare_groups = time_sql(
        env,
        "SELECT department_id, stage_id, COUNT(*), AVG(duration_hours)"
        " FROM order_governance_stage_log GROUP BY 1, 2",
    )
    row("bare GROUP BY department, stage (stays)", bare, groups=bare_groups)
    pivots = [
        (
            "Stage Performance pivot (department x stage)",
            "order.governance.kpi.report",
            ["department_id", "stage_id"],
            ["__count", "duration_hours:avg", "on_time_rate:avg"],
            bare,
        ),
        (
            "Order Lead Time pivot (owning department)",
            "order.governance.lead.time.report",
            ["owner_department_id"],
            ["__count", "lead_time_hours:avg", "handoff_count:sum"],
            None,
        ),
        (
            "Backlog pivot (department x stage)",
            "order.governance.backlog.report",
            ["department_id", "stage_id"],
            ["__count", "overdue_count:sum"],
            None,
        ),
    ]
    flow_bare, _groups = time_sql(
        env,
        "SELECT previous_stage_id, stage_id, COUNT(*), AVG(previous_hours)"
        " FROM order_governance_stage_log WHERE previous_stage_id IS NOT NULL"
        " GROUP BY 1, 2",
    )
    row("bare GROUP BY previous stage, stage (stays)", flow_bare)
    path_bare, _groups = time_sql(
        env,
        "SELECT path, COUNT(*) FROM (SELECT order_id, string_agg("
        "stage_id::text, ',' ORDER BY date_in, id) AS path"
        " FROM order_governance_stage_log GROUP BY order_id) paths GROUP BY 1",
    )
    row("bare GROUP BY path (stays aggregated per order)", path_bare)
    pivots += [
        (
            "Transition pivot (from stage x to stage)",
            "order.governance.transition.report",
            ["from_stage_id", "to_stage_id"],
            ["__count", "waiting_hours:avg", "rework_rate:avg"],
            flow_bare,
        ),
        (
            "Flow variants pivot (path)",
            "order.governance.variant.report",
            ["path"],
            ["__count", "lead_time_hours:avg", "lead_time_p90:max", "rework_rate:avg"],
            path_bare,
        ),
    ]
    for name, model, groupby, measures, baseline in pivots:
        seconds, rows, groups, plan = timed_pivot(officer, model, groupby, measures)
        row(
            f"{name}, as an officer",
            seconds,
            rows=rows,
            groups=groups,
            ratio=seconds / baseline if baseline else None,
        )
        print_plan(f"{label}: {name}", plan)
    seconds, queries = time_watch(env)
    row("SLA watch run with nothing due", seconds, queries=queries)


def time_watch(env):
    """Median time and queries of a watch run (each rolled back)."""
    Watch = env["order.governance.sla.watch"]
    times, queries = [], 0
    for _i in range(REPEAT):
        env.invalidate_all()
        with env.cr.savepoint(flush=False) as savepoint:
            before = env.cr.sql_log_count
            start = time.perf_counter()
            Watch._cron_watch_sla()
            env.flush_all()
            times.append(time.perf_counter() - start)
            queries = env.cr.sql_log_count - before
            savepoint.rollback()
    return statistics.median(times), queries


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("phase", choices=["synthesize", "measure"])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--orders", type=int, default=20000)
    parser.add_argument("--label", default="")
    args = parser.parse_args(argv)
    with odoo_env(args.config, args.database) as env:
        if args.phase == "synthesize":
            synthesize(env, args.orders)
        else:
            measure(env, args.label)
    return 0


if __name__ == "__main__":
    sys.exit(main())
