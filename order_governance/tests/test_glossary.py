"""One vocabulary: the glossary of README.md applied to every Chinese string.

The three addons' ``zh_CN.po`` are read as files: a retired term, half-width
punctuation next to Chinese, a space after full-width punctuation, a placeholder
that differs from its msgid's or a msgid of the ``.pot`` without translation
fails here. Messages built in code are read in their reader's language.
"""

import re
from pathlib import Path

import polib
from freezegun import freeze_time

from odoo import fields
from odoo.modules.module import get_module_path
from odoo.tests import tagged

from .test_sla import MONDAY, TUESDAY, SlaCase, at

ADDONS = ("order_governance", "order_governance_stock", "order_governance_mrp")
LANG = "zh_CN"

# README.md's glossary: the English term (msgid) and its one Chinese term
GLOSSARY = {
    "Owning Department": "归属部门",
    "Responsible Department": "执行部门",
    "Responsible": "负责人",
    "Accountable Department": "问责部门",
    "Consulted Departments": "咨询部门",
    "Informed Departments": "知会部门",
    "Stay": "阶段停留",
    "Rework": "返工",
    "Put on Hold": "暂停",
    "Exit Criteria": "完成条件",
    "Operating Norms": "作业规范",
    "Order Desk": "订单工作台",
    "Order Management Department": "订单管理部门",
    "On Track": "正常",
    "At Risk": "有风险",
    "Breached": "已逾期",
    "Handed over": "已交接",
    "Now": "当前",
    "%s overdue": "逾期%s",
    "Responsibility Rules": "职责规则",
    "Promised Date": "承诺日期",
    "Promise at Risk": "承诺有风险",
    "Promise Late": "承诺逾期",
    "Fulfillment Issues": "履约问题",
    "Delivery Performance": "交付绩效",
    "Name for the Customer": "客户看到的名称",
    "Customer Satisfaction": "客户满意度",
    "Scorecard": "考核表",
    "KPI Targets": "KPI目标",
    "Score": "得分",
    "Version in Force": "现行版本",
    "I Have Read the Norms": "我已阅读作业规范",
    "Training Material": "培训资料",
}
# retired Chinese terms: (pattern, what to write instead)
RETIRED = [
    (r"责任部门", "归属部门 (owning) or 执行部门 (responsible)"),
    (r"批准部门|A：负责|批准（", "问责 (accountable)"),
    (r"交出数|交出人|交出订单", "已交接 / 交接 (handed over)"),
    (r"治理", "管控 (governance)"),
    (r"退出条件", "完成条件 (exit criteria)"),
    (r"违约|超出时限|超时", "逾期 (late, breached)"),
    (r"(?<!交付)(?<!管控)周期", "交付周期 (lead time)"),
    (r"责任规则", "职责规则 (responsibility rule)"),
    (r"征询", "咨询 (consulted)"),
    (r"重新分派|管控订单阶段", "重新分配 (reassign), 订单管控阶段"),
    (r"生产单", "制造订单 (manufacturing order, as Odoo's zh_CN)"),
]
HAN = r"[\u3400-\u9fff]"
FULL_WIDTH = "，：；（）。！？"
# what is not prose: placeholders, markup, h:mm, the h:mm notation 时:分
NOT_PROSE = re.compile(
    r"%\(\w+\)[sdfr]|%[sdfr%]|<[^>]*>|\{\{.*?\}\}|\d+:\d\d|时:分", re.DOTALL
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sdfr%]")


def _entries(addon):
    path = Path(get_module_path(addon)) / "i18n"
    return (
        polib.pofile(str(path / f"{LANG}.po")),
        polib.pofile(str(path / f"{addon}.pot")),
    )


def punctuation_faults(msgstr):
    """What is wrong with the punctuation of a Chinese string, or ``[]``."""
    prose = NOT_PROSE.sub("\x00", msgstr)
    faults = []
    half = re.escape("(),:;!?")
    if re.search(rf"{HAN} ?[{half}]|[{half}] ?{HAN}", prose):
        faults.append("half-width punctuation next to Chinese")
    if re.search(rf"[{FULL_WIDTH}] ", prose) or re.search(rf"\S [{FULL_WIDTH}]", prose):
        faults.append("a space beside full-width punctuation")
    if re.search(rf"{HAN} \x00|\x00 {HAN}", prose):
        faults.append("a space between Chinese and a placeholder")
    return faults


@tagged("post_install", "-at_install")
class TestGlossaryFiles(SlaCase):
    def test_every_msgid_has_a_chinese_msgstr(self):
        """Every msgid of each addon's .pot has a zh_CN translation."""
        for addon in ADDONS:
            po, pot = _entries(addon)
            translated = {e.msgid for e in po if e.msgstr and not e.obsolete}
            missing = [e.msgid for e in pot if e.msgid not in translated]
            self.assertFalse(missing, f"{addon}: untranslated {missing[:5]}")

    def test_placeholders_are_kept(self):
        """A translation keeps its msgid's placeholders, no more, no less."""
        for addon in ADDONS:
            po, _pot = _entries(addon)
            for entry in po:
                if entry.msgstr and "python-format" in entry.flags:
                    self.assertEqual(
                        sorted(PLACEHOLDER.findall(entry.msgid)),
                        sorted(PLACEHOLDER.findall(entry.msgstr)),
                        f"{addon}: {entry.msgid!r}",
                    )

    def test_glossary_terms(self):
        """The glossary's terms are the translations of its English terms, and
        no retired term is left in any translation."""
        po, _pot = _entries("order_governance")
        chinese = {e.msgid: e.msgstr for e in po}
        for english, term in GLOSSARY.items():
            self.assertEqual(chinese.get(english), term, english)
        for addon in ADDONS:
            po, _pot = _entries(addon)
            for entry in po:
                for pattern, instead in RETIRED:
                    self.assertNotRegex(
                        entry.msgstr,
                        pattern,
                        f"{addon}: {entry.msgid!r}: write {instead}",
                    )

    def test_full_width_punctuation(self):
        """Chinese strings use full-width punctuation, without spaces beside it
        or between Chinese and a placeholder."""
        faults = []
        for addon in ADDONS:
            po, _pot = _entries(addon)
            for entry in po:
                if "object." in entry.msgid:  # an expression, not prose
                    continue
                for fault in punctuation_faults(entry.msgstr):
                    faults.append(f"{addon}: {entry.msgstr!r}: {fault}")
        self.assertFalse(faults, "\n".join(faults[:20]))

    def test_punctuation_check_sees_the_faults(self):
        """The punctuation check itself: the faults found in the review."""
        self.assertTrue(punctuation_faults("（交出数： 2；平均等待：07:12)。"))
        self.assertTrue(punctuation_faults("下一步： 开票与收款"))
        self.assertTrue(punctuation_faults("%(order)s已超过阶段截止时间 %(span)s"))
        self.assertFalse(punctuation_faults("（已交接：2；平均等待：7:12）。"))
        self.assertFalse(punctuation_faults("%(invoice)s（%(status)s）"))


@tagged("post_install", "-at_install")
class TestReadersLanguage(SlaCase):
    """Messages, activities and e-mails built in code read in their reader's
    language: stage and department names, durations, the words around them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang(LANG)
        cls.env["ir.module.module"]._load_module_terms(list(ADDONS), [LANG])
        cls.stage_production.update_field_translations("name", {LANG: "生产"})
        cls.stage_shipping.update_field_translations("name", {LANG: "发货"})
        cls.dep_production.update_field_translations("name", {LANG: "生产部"})
        cls.company.partner_id.lang = LANG
        (cls.ops_manager | cls.prod_manager).write(
            {"lang": LANG, "tz": "Asia/Shanghai"}
        )

    def test_escalation_reads_in_chinese(self):
        """A late order's escalation: the Chinese manager's activity and the
        note of a company working in Chinese say the stage and the time in
        Chinese, the way the order's due label says it."""
        order = self.enter_production(at(MONDAY, 8))
        self.watch(at(TUESDAY, 10))  # 17 hours past Monday 17:00
        activity = self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("user_id", "=", self.ops_manager.id),
            ]
        )
        self.assertEqual(activity.summary, f"逾期：{order.name}（生产）")
        note = str(activity.note)
        self.assertIn(f"{order.name}在生产阶段已逾期17:00", note)
        self.assertNotIn("Production", note)
        # Odoo counts the activity's days overdue from its date: the deadline's
        # date where the assignee is (Monday 17:00 UTC is Tuesday in Shanghai)
        self.assertEqual(activity.date_deadline, TUESDAY.date())
        bodies = " ".join(order.message_ids.mapped("body"))
        self.assertIn("在生产阶段已逾期17:00", bodies)
        self.assertNotIn("Production", bodies)
        self.assertNotIn("past", bodies)

    def test_due_label_and_activity_count_the_same_days(self):
        """The header says as many days overdue as Odoo's activity does."""
        order = self.enter_production(at(MONDAY, 8))
        reader = order.with_user(self.prod_manager).with_context(
            lang=LANG, tz=self.prod_manager.tz
        )
        now = fields.Datetime.to_datetime("2026-11-25 18:00:00")  # Thu 02:00 there
        self.assertEqual(reader._governance_due_text(now), "逾期2天")
        activity = self.open_logs(order).activity_id
        self.assertEqual(activity.date_deadline, TUESDAY.date())

    def test_handoff_and_resume_read_in_the_authors_language(self):
        """A Chinese user's handoff and resume messages name the stage, the hold
        reason and the hours in Chinese."""
        self.give_production_to(self.prod_manager)
        order = self.enter_production(at(MONDAY, 8))
        author = order.with_user(self.prod_manager).with_context(lang=LANG)
        reason = self.env.ref("order_governance.hold_reason_customer")
        with self.subTest("hold and resume"):
            with freeze_time(at(MONDAY, 9)):
                author.governance_hold(reason)
                self.flush_tracking()
            with freeze_time(at(MONDAY, 9, 45)):
                author.governance_resume()
                self.flush_tracking()
            bodies = " ".join(order.message_ids.mapped("body"))
            self.assertIn("0:45", bodies)
            self.assertNotIn("working hours", bodies)
            self.assertIn(reason.with_context(lang=LANG).name, bodies)
        self.flush_tracking()
        before = order.message_ids
        author.action_governance_next()
        self.flush_tracking()
        body = " ".join((order.message_ids - before).mapped("body"))
        self.assertIn("发货", body)
        self.assertNotIn("Shipping", body)

    def test_health_check_to_do_reads_in_its_assignees_language(self):
        """The weekly health check to-do of a Chinese administrator is in
        Chinese, the stage's name included."""
        admin = self._person(
            "gov_admin_zh", "order_governance.group_governance_admin", self.dep_omc
        )
        admin.lang = LANG
        self.stage_shipping.responsible_department_id = False
        self.env["order.governance.health.finding"]._cron_governance_health_activity()
        to_do = self.env["mail.activity"].search(
            [("res_model", "=", "hr.department"), ("user_id", "=", admin.id)]
        )
        self.assertEqual(to_do.summary, "管控健康检查：1个错误")
        self.assertIn("阶段发货没有执行部门", str(to_do.note))
        self.assertNotIn("Shipping", str(to_do.note))

    def test_department_names_read_in_the_readers_language(self):
        """A department shows and is found by its name in the reader's language,
        parents included (Odoo's stored complete name keeps the language it was
        written in)."""
        self.dep_operations.with_context(lang=LANG).name = "运营"
        self.dep_production.with_context(lang=LANG).name = "生产"
        Department = self.env["hr.department"].with_context(lang=LANG)
        self.assertEqual(
            Department.browse(self.dep_production.id).display_name, "运营 / 生产"
        )
        self.assertEqual(
            self.dep_production.with_context(lang="en_US").display_name,
            "Operations / Production",
        )
        found = Department.name_search("生产")
        self.assertIn(self.dep_production.id, [row[0] for row in found])
