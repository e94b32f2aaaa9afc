#!/usr/bin/env python3
"""Load test of order_governance (run by `make load`): many people at the order
desk at once, against Odoo in multi-worker mode.

Phases (``scripts/dev.py load`` runs them around an Odoo server it starts with
``--workers``):

``prepare`` (in process) eight officers ``og_load_1``…``og_load_8`` (password =
            login), the exit criteria made optional (the load measures the
            engine, not the ticking of checks) and confirmed orders of small
            amounts (Production deals them out in turn); writes the plan (JSON).
``clients`` (no Odoo import) threads of JSON-RPC clients on 127.0.0.1 for a
            fixed time, each on its own orders and on shared ones: Next Stage,
            Send Back, Reassign, Hold/Resume, open the desk, as staff do; writes
            what each call did and how long it took (JSON).
``check``   (in process) the invariants after the run: the history's
            (``_governance_history_problems``), no lost move (every acknowledged
            move is in the history), round-robin turns within ±1.
"""

import argparse
import json
import random
import statistics
import sys
import threading
import time
import urllib.request
from collections import Counter

USERS = 8
ORDERS_PER_USER = 12
SHARED_ORDERS = 24
SEND_BACK_REASON = "Load test: sent back"


# ---------------------------------------------------------------------------
# prepare / check (in an Odoo process)
# ---------------------------------------------------------------------------
def prepare(env, plan_path):
    from odoo import Command

    company = env.ref("base.main_company")
    officer = env.ref("order_governance.group_governance_officer")
    users = env["res.users"].search([("login", "=like", "og_load_%")])
    if not users:
        users = env["res.users"].create(
            [
                {
                    "name": f"Load Officer {n}",
                    "login": f"og_load_{n}",
                    "password": f"og_load_{n}",
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [Command.link(officer.id)],
                }
                for n in range(1, USERS + 1)
            ]
        )
    env["order.governance.check"].search([]).write({"required": False})
    partner = env.ref("base.res_partner_2")
    product = env["product.product"].search(
        [("sale_ok", "=", True), ("list_price", "<", 500)], limit=1
    )
    count = USERS * ORDERS_PER_USER + SHARED_ORDERS
    orders = env["sale.order"].create(
        [
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 1})
                ],
            }
            for _n in range(count)
        ]
    )
    orders.action_confirm()
    stages = env["sale.order"]._governance_stages_of(company)
    env.cr.commit()
    own = {
        user.login: orders[i * ORDERS_PER_USER : (i + 1) * ORDERS_PER_USER].ids
        for i, user in enumerate(users)
    }
    plan = {
        "database": env.cr.dbname,
        "users": {user.login: user.id for user in users},
        "own": own,
        "shared": orders[USERS * ORDERS_PER_USER :].ids,
        "working_stages": [s.id for s in stages if not s.is_final and not s.is_cancel],
        "first_rework_stage": stages.filtered(lambda s: s.code == "confirmed").id,
        "hold_reason": env.ref("order_governance.hold_reason_customer").id,
        "production": env.ref("order_governance.stage_production").id,
        "rule": env.ref("order_governance.rule_production_round_robin").id,
    }
    with open(plan_path, "w") as out:
        json.dump(plan, out)
    print(f"  {len(users)} officers, {len(orders)} confirmed orders", flush=True)


def lost_moves(env, acknowledged, since):
    """Acknowledged moves with no stay to show for them: per (order, stage the
    order left, mover), as many stays as acknowledged moves."""
    from odoo import fields

    expected = Counter(
        (move["order"], move["from"], move["uid"]) for move in acknowledged
    )
    env.cr.execute(
        "SELECT order_id, previous_stage_id, moved_by_id, COUNT(*)"
        " FROM order_governance_stage_log WHERE date_in >= %s"
        " GROUP BY 1, 2, 3",
        [fields.Datetime.to_datetime(since)],
    )
    found = {(o, s, u): n for o, s, u, n in env.cr.fetchall()}
    return sum(max(n - found.get(key, 0), 0) for key, n in expected.items())


def round_robin_spread(env, plan, since):
    """Turns each member of the round-robin department got in Production
    during the run: the spread (most - fewest) must be at most 1."""
    from odoo import fields

    rule = env["order.governance.rule"].browse(plan["rule"])
    members = rule.responsible_department_id._governance_member_users()
    env.cr.execute(
        "SELECT user_id, COUNT(*) FROM order_governance_stage_log"
        " WHERE stage_id = %s AND department_id = %s AND date_in >= %s"
        " GROUP BY 1",
        [
            plan["production"],
            rule.responsible_department_id.id,
            fields.Datetime.to_datetime(since),
        ],
    )
    turns = dict.fromkeys(members.ids, 0)
    turns.update(dict(env.cr.fetchall()))
    return turns


def check(env, plan_path, result_path):
    with open(plan_path) as plan_file, open(result_path) as result_file:
        plan, result = json.load(plan_file), json.load(result_file)
    problems = env["order.governance.stage.log"]._governance_history_problems()
    lost = lost_moves(env, result["acknowledged"], result["started"])
    turns = round_robin_spread(env, plan, result["started"])
    spread = max(turns.values()) - min(turns.values()) if turns else 0
    print(f"CHECK history problems: {len(problems)} {problems[:10]}")
    print(f"CHECK lost moves: {lost} of {len(result['acknowledged'])} acknowledged")
    print(f"CHECK round-robin turns in Production: {sorted(turns.values())}")
    ok = not problems and not lost and spread <= 1
    print("CHECK " + ("all invariants hold" if ok else "INVARIANT BROKEN"))
    return 0 if ok else 1


# ---------------------------------------------------------------------------
# clients (plain Python: JSON-RPC over HTTP)
# ---------------------------------------------------------------------------
class RpcError(Exception):
    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


class Client:
    def __init__(self, url, database, login):
        self.url, self.database, self.login = url, database, login
        self.uid = self.call("common", "login", database, login, login)

    def call(self, service, method, *args):
        body = json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"service": service, "method": method, "args": args},
            }
        ).encode()
        request = urllib.request.Request(
            f"{self.url}/jsonrpc",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            answer = json.loads(response.read())
        if "error" in answer:
            data = answer["error"].get("data", {})
            kind = data.get("name", "error").rsplit(".", 1)[-1]
            raise RpcError(kind, data.get("message", ""))
        return answer["result"]

    def execute(self, model, method, *args, **kwargs):
        return self.call(
            "object",
            "execute_kw",
            self.database,
            self.uid,
            self.login,
            model,
            method,
            list(args),
            kwargs,
        )


def error_kind(error):
    """Errors by kind; the expected refusals named by what they say."""
    message = str(error)
    if error.kind == "UserError" and "moved" in message.lower():
        return "UserError: moved meanwhile (expected)"
    if error.kind == "UserError" and "hold" in message.lower():
        return "UserError: hold state changed meanwhile (expected)"
    return f"{error.kind}: {message.splitlines()[0][:70] if message else ''}"


def staff_member(client, plan, orders, deadline, log, rng):
    """One person at the desk until ``deadline``: pick an order, look at it,
    act on it as the buttons do."""
    working = plan["working_stages"]
    while time.monotonic() < deadline:
        order_id = rng.choice(orders)
        roll = rng.random()
        start = time.perf_counter()
        action, outcome, move = "desk", "ok", None
        try:
            if roll < 0.15:
                client.execute(
                    "sale.order",
                    "search_read",
                    [("responsible_user_id", "=", client.uid)],
                    fields=["name", "governance_stage_id", "sla_status"],
                    limit=80,
                )
            else:
                [order] = client.execute(
                    "sale.order",
                    "read",
                    [order_id],
                    [
                        "governance_stage_id",
                        "governance_on_hold",
                        "responsible_department_id",
                    ],
                )
                stage = order["governance_stage_id"][0]
                context = {"governance_expected_stage_id": stage}
                if order["governance_on_hold"]:
                    action = "resume"
                    client.execute(
                        "sale.order", "governance_resume", [order_id], context=context
                    )
                elif stage not in working or roll < 0.25:
                    # done: sent back to work (rework), as do 10% of the others
                    action = "send back"
                    target = plan["first_rework_stage"]
                    if stage in working and working.index(stage) > 1:
                        target = working[working.index(stage) - 1]
                    if target == stage:
                        target = working[0]
                    client.execute(
                        "sale.order",
                        "governance_move",
                        [order_id],
                        target,
                        SEND_BACK_REASON,
                        context=context,
                    )
                    move = {"order": order_id, "from": stage, "uid": client.uid}
                elif (
                    roll < 0.35
                    and stage != plan["production"]  # its turns are checked
                    and order["responsible_department_id"]
                ):
                    action = "reassign"  # to the department as a whole
                    client.execute(
                        "sale.order",
                        "governance_reassign",
                        [order_id],
                        order["responsible_department_id"][0],
                        context=context,
                    )
                elif roll < 0.45:
                    action = "hold"
                    client.execute(
                        "sale.order",
                        "governance_hold",
                        [order_id],
                        plan["hold_reason"],
                        "Load test",
                        context=context,
                    )
                else:
                    action = "next"
                    client.execute(
                        "sale.order",
                        "action_governance_next",
                        [order_id],
                        context=context,
                    )
                    move = {"order": order_id, "from": stage, "uid": client.uid}
        except RpcError as error:
            outcome, move = error_kind(error), None
        except OSError as error:
            outcome, move = f"connection: {type(error).__name__}", None
        log.append(
            {
                "action": action,
                "outcome": outcome,
                "seconds": time.perf_counter() - start,
                "move": move,
            }
        )


def run_clients(url, plan_path, result_path, clients, seconds):
    with open(plan_path) as plan_file:
        plan = json.load(plan_file)
    from datetime import datetime, timezone

    started = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    started = started.isoformat(" ")
    logins = list(plan["users"])[:clients]
    people = [Client(url, plan["database"], login) for login in logins]
    deadline = time.monotonic() + seconds
    logs = [[] for _person in people]
    threads = [
        threading.Thread(
            target=staff_member,
            args=(
                person,
                plan,
                plan["own"][person.login] + plan["shared"],
                deadline,
                logs[n],
                random.Random(n),
            ),
        )
        for n, person in enumerate(people)
    ]
    wall = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - wall
    calls = [call for log in logs for call in log]
    with open(result_path, "w") as out:
        json.dump(
            {
                "started": started,
                "wall": wall,
                "calls": calls,
                "acknowledged": [c["move"] for c in calls if c["move"]],
            },
            out,
        )
    return summary(calls, wall)


def summary(calls, wall):
    """Lines of the load table: per action, calls, p50/p95, and errors by kind."""
    lines = ["| Action | Calls | OK | p50 (s) | p95 (s) |", "|---|---:|---:|---:|---:|"]
    by_action = {}
    for call in calls:
        by_action.setdefault(call["action"], []).append(call)
    for action, mine in sorted(by_action.items()):
        times = sorted(c["seconds"] for c in mine)
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        ok = sum(c["outcome"] == "ok" for c in mine)
        lines.append(
            f"| {action} | {len(mine)} | {ok} | {statistics.median(times):.3f}"
            f" | {p95:.3f} |"
        )
    moves = sum(1 for c in calls if c["move"])
    lines.append("")
    lines.append(
        f"Handoffs acknowledged: {moves} in {wall:.0f} s = {moves / wall:.1f}/s"
    )
    errors = Counter(c["outcome"] for c in calls if c["outcome"] != "ok")
    for kind, count in errors.most_common():
        lines.append(f"- {count} × {kind}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("phase", choices=["prepare", "clients", "check"])
    parser.add_argument("--config")
    parser.add_argument("--database")
    parser.add_argument("--plan", required=True)
    parser.add_argument("--result")
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args(argv)
    if args.phase == "clients":
        print(run_clients(args.url, args.plan, args.result, args.clients, args.seconds))
        return 0
    from benchmark import odoo_env

    with odoo_env(args.config, args.database) as env:
        if args.phase == "prepare":
            prepare(env(su=True), args.plan)
            return 0
        return check(env(su=True), args.plan, args.result)


if __name__ == "__main__":
    sys.exit(main())
