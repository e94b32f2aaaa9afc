import io
import unittest

import psycopg2
from freezegun import freeze_time
from openpyxl import load_workbook

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools import mute_logger

from ..models.order_governance_flow_mixin import LEAD_TIME_FIELDS
from ..models.order_governance_stage_log import (
    OPEN_WORK_INDEXED,
    backfill_handoff_columns,
    refresh_lead_times,
)
from ..report.order_governance_report_mixin import replica_env
from .test_kpi_report import REPORTS, KpiCase
from .test_kpi_workbook import summary_table
from .test_sla import MONDAY, TUESDAY, WEDNESDAY, SlaCase, at


def recomputed_lead_time(order):
    """The order's lead time figures computed here from its stays, as the
    lead time report defines them."""
    stays = order.stage_log_ids.sorted(lambda s: (s.date_in, s.id))
    current = stays.filtered(lambda s: not s.date_out)
    completed_at = current.date_in if current.stage_id.is_final else False
    worked = sum(stays.filtered("date_out").mapped("duration_hours"))
    first = stays[:1].date_in
    return {
        "governance_first_entry": first,
        "governance_completed_at": completed_at,
        "governance_lead_time_hours": worked if completed_at else 0.0,
        "governance_lead_time_elapsed_hours": (
            (completed_at - first).total_seconds() / 3600 if completed_at else 0.0
        ),
        "governance_handoff_count": len(stays) - 1,
        "governance_breach_count": len(stays.filtered("sla_breached")),
    }


class ScaleCase(SlaCase):
    """Four orders with a history of every kind, Monday to Wednesday (office
    hours 8-12 and 13-17): A done on time, B done late after a hold and a rework
    loop, C cancelled in Production, D still in Production past its deadline.
    Every order enters Received when it is created."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(at(MONDAY, 8)):
            cls.orders = cls.create_orders(4)
            cls.orders.sudo().governance_move(cls.stage_production)
        cls.order_a, cls.order_b, cls.order_c, cls.order_d = cls.orders
        with freeze_time(at(MONDAY, 10)):
            cls.order_b.sudo().governance_hold(
                cls.env.ref("order_governance.hold_reason_customer"), "Drawings"
            )
        with freeze_time(at(MONDAY, 14)):
            cls.order_b.sudo().governance_resume()
            cls.order_c.sudo()._action_cancel()
        with freeze_time(at(MONDAY, 16)):
            cls.order_a.sudo().action_governance_next()
            cls.order_b.sudo().governance_move(cls.stage_confirmed, reason="Spec")
        with freeze_time(at(TUESDAY, 9)):
            cls.order_b.sudo().action_governance_next()  # Production again
        with freeze_time(at(TUESDAY, 10)):
            cls.order_a.sudo().governance_move(cls.stage_done)
        with freeze_time(at(WEDNESDAY, 16)):
            # B was due Wednesday 09:00: the watch records the breach
            cls.env["order.governance.sla.watch"]._cron_watch_sla()
            cls.order_b.sudo().action_governance_next()
            cls.order_b.sudo().governance_move(cls.stage_done)
        cls.env.flush_all()


@tagged("post_install", "-at_install")
class TestStoredLeadTime(ScaleCase):
    def test_stored_figures_equal_the_history(self):
        """Each order's stored lead time equals what its stays give."""
        for order in self.orders:
            with self.subTest(order=order.name):
                stored = order.read(LEAD_TIME_FIELDS)[0]
                expected = recomputed_lead_time(order)
                for field, value in expected.items():
                    if isinstance(value, float):
                        self.assertAlmostEqual(stored[field], value, places=6)
                    else:
                        self.assertEqual(stored[field], value, field)

    def test_figures_written_in_the_test(self):
        """The values worked out by hand from the set-up."""
        a, b, c, d = self.orders
        self.assertEqual(a.governance_first_entry, at(MONDAY, 8))
        self.assertEqual(a.governance_completed_at, at(TUESDAY, 10))
        # Received 0 h, Production Monday 08-16 (7 working hours, lunch
        # excluded), Shipping Monday 16 to Tuesday 10 (1 + 2 h)
        self.assertAlmostEqual(a.governance_lead_time_hours, 0 + 7 + 3)
        self.assertAlmostEqual(a.governance_lead_time_elapsed_hours, 26)
        self.assertEqual(a.governance_handoff_count, 3)  # R > P > S > Done
        self.assertEqual((a.rework_count, a.governance_breach_count), (0, 0))
        self.assertEqual(b.governance_handoff_count, 5)  # R > P > C > P > S > Done
        self.assertEqual((b.rework_count, b.governance_breach_count), (1, 1))
        self.assertEqual(b.governance_completed_at, at(WEDNESDAY, 16))
        # a cancelled order and one in progress are not done: no lead time
        self.assertFalse(c.governance_completed_at or c.governance_lead_time_hours)
        self.assertFalse(d.governance_completed_at or d.governance_lead_time_hours)
        self.assertEqual(d.governance_handoff_count, 1)
        self.assertEqual(d.governance_breach_count, 1)  # the watch's breach

    def test_reopened_order_is_not_done(self):
        """Sent back from Done, the order is open again: its completion clears."""
        with freeze_time(at(WEDNESDAY, 17)):
            self.order_a.sudo().governance_move(self.stage_shipping, reason="Damaged")
        self.assertFalse(self.order_a.governance_completed_at)
        self.assertFalse(self.order_a.governance_lead_time_hours)
        self.assertEqual(self.order_a.governance_handoff_count, 4)

    def test_stage_made_final_completes_its_orders(self):
        """A stage made final by an administrator completes the orders in it at
        once (their stays give the figures); no longer final, they are open
        again. Orders that only passed through it do not change."""
        d, b = self.order_d, self.order_b
        b_before = b.read(LEAD_TIME_FIELDS)
        self.stage_production.is_final = True
        self.assertEqual(d.governance_completed_at, at(MONDAY, 8))
        self.assertEqual(
            d.read(LEAD_TIME_FIELDS)[0], {"id": d.id, **recomputed_lead_time(d)}
        )
        self.assertEqual(b.read(LEAD_TIME_FIELDS), b_before)
        self.stage_production.is_final = False
        self.assertFalse(d.governance_completed_at or d.governance_lead_time_hours)

    def test_lead_time_report_reads_the_stored_figures(self):
        report = self.env["order.governance.lead.time.report"].search(
            [("order_id", "in", self.orders.ids)]
        )
        self.assertEqual(len(report), 4)
        for row in report:
            self.assertEqual(row.first_entry, row.order_id.governance_first_entry)
            self.assertEqual(
                row.lead_time_hours, row.order_id.governance_lead_time_hours
            )
            self.assertEqual(row.breached_count, row.order_id.governance_breach_count)

    def test_users_cannot_write_the_figures(self):
        """Engine-only fields: refused through write, nothing written."""
        order = self.order_a.with_user(self.officer)
        for field in LEAD_TIME_FIELDS:
            with self.subTest(field=field), self.assertRaises(AccessError):
                order.write(
                    {field: 1 if "count" in field or "hours" in field else False}
                )
        self.assertEqual(self.order_a.governance_handoff_count, 3)


@tagged("post_install", "-at_install")
class TestHandoffColumns(ScaleCase):
    def test_a_stay_keeps_the_stay_it_ended(self):
        """Department, person and working hours (holds excluded) of the stay
        the move ended, on the stay it opened."""
        for order in self.orders:
            stays = order.stage_log_ids.sorted(lambda s: (s.date_in, s.id))
            self.assertFalse(stays[0].previous_department_id)
            for before, stay in zip(stays, stays[1:], strict=False):
                self.assertEqual(stay.previous_stage_id, before.stage_id)
                self.assertEqual(stay.previous_department_id, before.department_id)
                self.assertEqual(stay.previous_user_id, before.user_id)
                self.assertAlmostEqual(stay.previous_hours, before.duration_hours)
        b_confirmed = self.order_b.stage_log_ids.filtered(
            lambda s: s.stage_id == self.stage_confirmed
        )
        # B's first Production stay: 7 working hours less the hold 10-14 (3 h)
        self.assertAlmostEqual(b_confirmed.previous_hours, 7 - 3)

    def test_working_stage_follows_the_stage(self):
        logs = self.orders.stage_log_ids
        done = logs.filtered(lambda s: s.stage_id == self.stage_done)
        cancelled = logs.filtered(lambda s: s.stage_id == self.stage_cancelled)
        self.assertTrue(done and cancelled)
        self.assertFalse(any((done | cancelled).mapped("is_working_stage")))
        self.assertTrue(all((logs - done - cancelled).mapped("is_working_stage")))
        # open work: D's Production stay only (the others closed, or final)
        self.assertEqual(logs.filtered("is_open_work").order_id, self.order_d)
        # an administrator makes Shipping final: its stays stop being open work
        self.stage_shipping.is_final = True
        shipping = logs.filtered(lambda s: s.stage_id == self.stage_shipping)
        self.assertFalse(any(shipping.mapped("is_working_stage")))
        # and Production too: D's stay is no open work any more
        self.stage_production.is_final = True
        self.assertFalse(logs.filtered("is_open_work"))

    def test_backfill_gives_what_the_moves_wrote(self):
        """The 18.0.1.1.0 migration's SQL, run on a history whose new columns
        are empty, writes what the moves wrote."""
        logs = self.orders.stage_log_ids
        columns = [
            "is_working_stage",
            "is_open_work",
            "previous_department_id",
            "previous_user_id",
            "previous_hours",
        ]
        written = {log.id: log.read(columns)[0] for log in logs}
        figures = {order.id: order.read(LEAD_TIME_FIELDS)[0] for order in self.orders}
        self.env.cr.execute(
            "UPDATE order_governance_stage_log SET is_working_stage = NULL,"
            " is_open_work = NULL,"
            " previous_department_id = NULL, previous_user_id = NULL,"
            " previous_hours = NULL WHERE id = ANY(%s)",
            [logs.ids],
        )
        self.env.cr.execute(
            "UPDATE sale_order SET governance_first_entry = NULL,"
            " governance_handoff_count = NULL, governance_lead_time_hours = NULL,"
            " governance_breach_count = NULL WHERE id = ANY(%s)",
            [self.orders.ids],
        )
        backfill_handoff_columns(self.env.cr)
        refresh_lead_times(self.env.cr)
        self.env.invalidate_all()
        self.assertEqual({log.id: log.read(columns)[0] for log in logs}, written)
        self.assertEqual(
            {order.id: order.read(LEAD_TIME_FIELDS)[0] for order in self.orders},
            figures,
        )


@tagged("post_install", "-at_install")
class TestOpenWork(ScaleCase):
    def test_partial_indexes_on_the_open_work(self):
        self.env.cr.execute(
            "SELECT indexname, indexdef FROM pg_indexes"
            " WHERE tablename = 'order_governance_stage_log'"
        )
        indexes = dict(self.env.cr.fetchall())
        for column in OPEN_WORK_INDEXED:
            definition = indexes[f"order_governance_stage_log_open_work_{column}_idx"]
            self.assertIn(f"({column}) WHERE is_open_work", definition)

    def test_backlog_is_the_open_work(self):
        """Done and cancelled orders keep an open stay: not in the backlog."""
        backlog = self.env["order.governance.backlog.report"].search(
            [("order_id", "in", self.orders.ids)]
        )
        self.assertEqual(backlog.order_id, self.order_d)

    def complete_orders(self, count):
        with freeze_time(at(MONDAY, 9)):
            orders = self.create_orders(count)
            self.put_in(orders, self.stage_production)
            self.put_in(orders, self.stage_done)
        self.env.flush_all()

    def watch_queries(self):
        """Queries of a watch run with nothing due (Wednesday 17:00, after the
        set-up's run has escalated D)."""
        with freeze_time(at(WEDNESDAY, 17)):
            self.env["order.governance.sla.watch"]._cron_watch_sla()
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.env["order.governance.sla.watch"]._cron_watch_sla()
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

    def test_watch_does_not_read_completed_history(self):
        """Completed orders (an open stay in Done, with a deadline if Done had
        an SLA) add no query to the watch and are never escalated."""
        self.stage_done.sla_hours = 1  # their open stays get a deadline
        self.complete_orders(5)
        queries = self.watch_queries()
        self.complete_orders(40)
        self.assertEqual(self.watch_queries(), queries)
        done = self.env["order.governance.stage.log"].search(
            [("stage_id", "=", self.stage_done.id), ("date_out", "=", False)]
        )
        self.assertEqual(len(done), 47)
        self.assertFalse(any(done.mapped("escalation_level")))
        self.assertEqual(set(done.order_id.mapped("sla_status")), {"none"})


@tagged("post_install", "-at_install")
class TestPivotGroupOrder(KpiCase):
    """The large report views group by ids and sort the groups afterwards: the
    groups and their order are Odoo's own (departments by name, stages by
    sequence), whatever the order of the ids."""

    def test_groups_in_the_related_records_order(self):
        measures = ["__count", "duration_hours:avg", "on_time_rate:avg"]
        for model, groupby in [
            ("order.governance.kpi.report", ["department_id", "stage_id"]),
            ("order.governance.kpi.report", ["stage_id", "user_id"]),
            # not many2one: Odoo's own path, unchanged
            ("order.governance.kpi.report", ["date_in:day", "stage_id"]),
            ("order.governance.transition.report", ["from_stage_id", "to_stage_id"]),
            ("order.governance.lead.time.report", ["owner_department_id", "stage_id"]),
        ]:
            Report = self.env[model].with_user(self.officer)
            domain = [("order_id", "in", self.orders.ids)]
            fields = [
                m
                for m in measures
                if m == "__count" or m.split(":")[0] in Report._fields
            ]
            with self.subTest(model=model, groupby=groupby):
                ours = Report.read_group(domain, fields, groupby, lazy=False)
                odoos = Report.read_group(
                    domain,
                    fields,
                    groupby,
                    orderby=", ".join(f"{spec} asc" for spec in groupby),
                    lazy=False,
                )
                self.assertGreater(len(ours), 1)
                strip = [{k: v for k, v in g.items() if k != "__domain"} for g in ours]
                self.assertEqual(
                    strip,
                    [{k: v for k, v in g.items() if k != "__domain"} for g in odoos],
                )
        groups = self.env["order.governance.kpi.report"].read_group(
            [("order_id", "in", self.orders.ids)], ["__count"], ["department_id"]
        )
        departments = self.env["hr.department"].browse(
            [group["department_id"][0] for group in groups]
        )
        # created Order Management, Sales, ..., Logistics: ids in another order
        self.assertNotEqual(departments.ids, sorted(departments.ids))
        self.assertEqual(departments.mapped("name"), sorted(departments.mapped("name")))


@tagged("post_install", "-at_install")
class TestHistoryInvariants(ScaleCase):
    """The checker the load test runs after many workers moved orders at once."""

    def problems(self):
        return [
            (code, order_id)
            for code, order_id in self.env[
                "order.governance.stage.log"
            ]._governance_history_problems()
            if order_id in self.orders.ids
        ]

    def test_a_history_made_by_moves_holds(self):
        self.assertEqual(self.problems(), [])

    def test_each_broken_invariant_is_found(self):
        a, b, c, d = self.orders
        cr = self.env.cr
        stays_of = {
            order: order.stage_log_ids.sorted(lambda s: (s.date_in, s.id))
            for order in self.orders
        }
        # A: the open stay closed (no open stay, and a gap: none follows it)
        cr.execute(
            "UPDATE order_governance_stage_log SET date_out = date_in WHERE id = %s",
            [stays_of[a][-1].id],
        )
        # B: an hour lost between two stays
        cr.execute(
            "UPDATE order_governance_stage_log"
            " SET date_in = date_in + interval '1 hour' WHERE id = %s",
            [stays_of[b][2].id],
        )
        # C: the order's stage is not its open stay's
        cr.execute(
            "UPDATE sale_order SET governance_stage_id = %s WHERE id = %s",
            [self.stage_shipping.id, c.id],
        )
        # D: a second open activity of the same person
        activity = self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "=", d.id),
                ("governance_log_id", "!=", False),
            ],
            limit=1,
        )
        self.assertTrue(activity)
        activity.sudo().copy({"governance_log_id": activity.governance_log_id.id})
        self.env.invalidate_all()
        self.assertEqual(
            sorted(self.problems()),
            sorted(
                [
                    ("open_stays", a.id),
                    ("gap", b.id),
                    ("stage_mismatch", c.id),
                    ("duplicate_activity", d.id),
                ]
            ),
        )


@tagged("post_install", "-at_install")
class TestStaleClicks(ScaleCase):
    """Found by the load test: with many people at the desk, a click made on an
    order that someone else has moved meanwhile must be refused, not applied to
    the stage the order is in now."""

    def stale(self, order, seen):
        return order.with_user(self.officer).with_context(
            governance_expected_stage_id=seen.id
        )

    def test_reassign_and_hold_of_a_moved_order_are_refused(self):
        d = self.order_d  # the officer saw it in Confirmed; it is in Production
        stay = self.open_logs(d)
        before = (stay.department_id, stay.user_id)
        with self.assertRaisesRegex(UserError, "moved on meanwhile"):
            self.stale(d, self.stage_confirmed).governance_reassign(self.dep_omc)
        with self.assertRaisesRegex(UserError, "moved on meanwhile"):
            self.stale(d, self.stage_confirmed).governance_hold(
                self.env.ref("order_governance.hold_reason_customer")
            )
        self.assertEqual((stay.department_id, stay.user_id), before)
        self.assertFalse(d.governance_on_hold)
        # seen where it is: both go through
        self.stale(d, self.stage_production).governance_reassign(self.dep_omc)
        self.assertEqual(self.open_logs(d).department_id, self.dep_omc)

    def test_send_back_to_where_someone_else_sent_it_is_refused(self):
        """Two people send the order back at once: the second click is not taken
        as done (it would be a move nobody made)."""
        d = self.order_d
        d.sudo().governance_move(self.stage_confirmed, reason="First")
        with self.assertRaisesRegex(UserError, "moved on meanwhile"):
            self.stale(d, self.stage_production).governance_move(
                self.stage_confirmed, reason="Second"
            )
        self.assertEqual(
            d.stage_log_ids.filtered(lambda s: s.reason == "Second"),
            self.env["order.governance.stage.log"],
        )

    def test_dialog_confirmed_after_a_move_is_refused(self):
        """The form's Reassign button sends the stage the user saw on to the
        dialog: confirmed after someone else moved the order, it is refused."""
        d = self.order_d
        action = self.stale(d, self.stage_production).action_governance_reassign()
        self.assertEqual(
            action["context"]["governance_expected_stage_id"], self.stage_production.id
        )
        d.sudo().governance_move(self.stage_confirmed, reason="Meanwhile")
        dialog = Form(
            self.env[action["res_model"]]
            .with_user(self.officer)
            .with_context(**action["context"])
        )
        dialog.department_id = self.dep_logistics
        wizard = dialog.save()
        with self.assertRaisesRegex(UserError, "moved on meanwhile"):
            wizard.action_reassign()
        self.assertNotEqual(self.open_logs(d).department_id, self.dep_logistics)


@tagged("post_install", "-at_install")
class TestNoReplica(KpiCase):
    def test_without_replica_the_same_transaction(self):
        """With no replica configured the report reads stay in the caller's
        transaction: no second connection to the primary."""
        with replica_env(self.env) as env:
            self.assertIs(env, self.env)


@tagged("post_install", "-at_install")
class TestReplicaReads(HttpCase, KpiCase):
    """Reports read where a replica would answer. HTTP tests run Odoo in its
    test mode, where a read-only cursor is a transaction set READ ONLY, as on a
    streaming replica: a report read that wrote would fail here. (`make
    replica` shows it on a real replica.)"""

    def call_kw(self, model, method, args, kwargs=None, route="call_kw"):
        return self.make_jsonrpc_request(
            f"/web/dataset/{route}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def test_replica_env_is_read_only(self):
        """The replica's cursor sees the data and refuses writes."""
        with replica_env(self.env) as env:
            self.assertIsNot(env.cr, self.env.cr)
            self.assertTrue(env.cr.readonly)
            self.assertEqual(
                env["sale.order"].search_count([("id", "in", self.orders.ids)]), 3
            )
            # unittest's assertRaises: Odoo's would flush the test's own
            # cursor, on the same connection, inside this read-only transaction
            with (
                unittest.TestCase.assertRaises(
                    self, psycopg2.errors.ReadOnlySqlTransaction
                ),
                mute_logger("odoo.sql_db"),
            ):
                env.cr.execute("UPDATE res_company SET name = name")

    def test_pivots_and_lists_over_rpc_stay_read_only(self):
        """The pivots, graphs and lists of every report view are read-only
        requests; none of them writes and falls back to the primary (Odoo logs
        a warning when it retries on a read/write cursor)."""
        self.authenticate(self.officer.login, self.officer.login)
        with self.assertNoLogs("odoo.http", "WARNING"):
            for model in REPORTS:
                groups = self.call_kw(
                    model,
                    "read_group",
                    [[], ["__count"], ["company_id"]],
                    {"lazy": False},
                )
                self.assertTrue(groups, model)
                records = self.call_kw(
                    model,
                    "web_search_read",
                    [[]],
                    {"specification": {"display_name": {}}, "limit": 80},
                )
                self.assertTrue(records["length"], model)

    def test_workbook_export_reads_on_the_replica_writes_on_the_primary(self):
        """The export's queries run on the read-only cursor and its attachment
        on the primary: over RPC, the file comes with the view's figures."""
        self.authenticate(self.officer.login, self.officer.login)
        wizard_id = self.call_kw(
            "order.governance.kpi.export",
            "create",
            [
                {
                    "date_from": "2026-11-23",
                    "date_to": "2026-11-24",
                    "company_ids": [(6, 0, self.company.ids)],
                }
            ],
        )
        with self.assertNoLogs("odoo.http", "WARNING"):
            action = self.call_kw(
                "order.governance.kpi.export",
                "action_export",
                [[wizard_id]],
                route="call_button",
            )
        attachment_id = int(action["url"].rsplit("/", 1)[1])
        self.assertEqual(
            self.env["ir.attachment"].browse(attachment_id).create_uid, self.officer
        )
        # downloaded from the primary (not /web/content, a read-only route: a
        # replica may not have the attachment yet), by him only
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response.headers["Content-Disposition"])
        book = load_workbook(io.BytesIO(response.content))
        rows = {row[0]: row for row in summary_table(book)}
        self.assertEqual(rows["Operations / Production"][1:5], (3, 6, 200 / 3, 1))
        self.authenticate(self.prod_manager.login, self.prod_manager.login)
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open(action["url"]).status_code, 404)

    def test_digest_figures_read_on_the_replica(self):
        """The digest's figures are read on the read-only cursor, the same."""
        digest = (
            self.env["digest.digest"]
            .create({"name": "Weekly", "company_id": self.company.id})
            .with_context(start_datetime=at(MONDAY, 0), end_datetime=at(WEDNESDAY, 0))
        )
        self.assertAlmostEqual(digest.kpi_governance_on_time_value, 100 * 2 / 3)
        self.assertEqual(digest.kpi_governance_breached_value, 1)
