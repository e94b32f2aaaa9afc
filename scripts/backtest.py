#!/usr/bin/env python3
"""Forecast accuracy, measured (run by `make backtest`).

Replays completed orders: at the entry of each of their working stays, the
forecast is made as the module would have made it then, from the stays that had
ended before that moment only (``_governance_forecast_plans`` with ``as_of`` and
the order's position then), and compared with the order's real completion:

- the absolute error of the median forecast, in working hours (the hours the
  forecast sums against the working hours the order's stays really took from
  that moment on, holds excluded);
- the share of forecasts within ±20 % of the real remaining hours;
- how often the real completion came by the 90th percentile (about 90 % if the
  spread is right);
- for the orders with a promise still ahead at that moment: the precision and
  recall of ``late`` (median after the promise) against the orders that really
  missed their promise (done after the promise's day).

Prints a Markdown table; rolls nothing back because it writes nothing.
"""

import argparse
import statistics
import sys
import time


def odoo_env(config, database):
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.tools import config as odoo_config

    odoo_config.parse_config(["-c", config, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(database)
    cr = registry.cursor()
    return cr, api.Environment(cr, SUPERUSER_ID, {})


def completed_orders(env, limit):
    return env["sale.order"].search(
        [
            ("governance_completed_at", "!=", False),
            ("governance_stage_id.is_final", "=", True),
        ],
        order="governance_completed_at desc, id desc",
        limit=limit,
    )


def replay(env, orders):
    """One point per working stay of the orders: (forecast remaining hours p50,
    p90, real remaining hours, predicted late, really missed or None)."""
    points = []
    Order = env["sale.order"]
    for order in orders:
        # the completion as the stays say it: the entry into the final stage
        done = max(
            order.stage_log_ids.filtered(lambda s: s.stage_id.is_final).mapped(
                "date_in"
            )
        )
        promise = order.governance_promised_date
        missed = bool(promise) and order._governance_day(done) > order._governance_day(
            promise
        )
        stays = order.stage_log_ids.filtered(
            lambda s: s.is_working_stage and not s.as_of_install
        ).sorted(lambda s: (s.date_in, s.id))
        # the real working hours from each stay's entry to the completion: the
        # stays' own hours, as the forecast counts them (holds excluded)
        left = [sum(stays[i:].mapped("duration_hours")) for i in range(len(stays))]
        for stay, real in zip(stays, left, strict=True):
            moment = stay.date_in
            if moment >= done:
                continue
            plan = Order.browse(order.id)._governance_forecast_plans(
                moment,
                as_of=moment,
                positions={order.id: (stay.stage_id, stay.department_id, 0.0)},
            )[order.id]
            p50 = sum(step["p50"] for step in plan["steps"])
            p90 = sum(step["p90"] for step in plan["steps"])
            late = None
            if promise and promise > moment and plan["p50"]:
                late = plan["p50"] > promise
            points.append((p50, p90, real, late, missed if promise else None))
    return points


def table(points, orders, seconds):
    errors = [abs(p50 - real) for p50, _p90, real, _l, _m in points]
    measured = [(p50, real) for p50, _p90, real, _l, _m in points if real > 0]
    within = [abs(p50 - real) <= 0.2 * real for p50, real in measured]
    covered = [real <= p90 for _p50, p90, real, _l, _m in points]
    judged = [(late, missed) for *_h, late, missed in points if late is not None]
    true_late = sum(1 for late, missed in judged if late and missed)
    said_late = sum(1 for late, _missed in judged if late)
    really_missed = sum(1 for _late, missed in judged if missed)

    def share(part, whole):
        return f"{100 * part / whole:.0f} %" if whole else "n/a"

    rows = [
        ("Completed orders replayed", f"{len(orders):,}"),
        ("Forecasts (one at each stay's entry)", f"{len(points):,}"),
        (
            "Median absolute error (working hours)",
            f"{statistics.median(errors):.1f}" if errors else "n/a",
        ),
        (
            "Median real remaining (working hours)",
            f"{statistics.median(r for _p, r in measured):.1f}" if measured else "n/a",
        ),
        ("Within ±20 % of the real remaining hours", share(sum(within), len(within))),
        ("Done by the 90th percentile", share(sum(covered), len(covered))),
        ("Forecasts with a promise ahead", f"{len(judged):,}"),
        ("`late` precision (said late, really missed)", share(true_late, said_late)),
        ("`late` recall (really missed, said late)", share(true_late, really_missed)),
        ("Time (s)", f"{seconds:.1f}"),
    ]
    lines = ["| Measure | Value |", "|---|---:|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument(
        "--limit", type=int, default=1000, help="the most recent completed orders"
    )
    args = parser.parse_args(argv)
    cr, env = odoo_env(args.config, args.database)
    try:
        start = time.perf_counter()
        orders = completed_orders(env, args.limit)
        points = replay(env, orders)
        seconds = time.perf_counter() - start
        print(table(points, orders, seconds))
    finally:
        cr.rollback()
        cr.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
