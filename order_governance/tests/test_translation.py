"""Simplified Chinese (zh_CN): the module's screens, labels and messages.

The module's ``i18n/zh_CN.po`` is loaded into the test database, then the views are
rendered the way the web client gets them (``get_views``) in English and in Chinese:
wherever an English text of the module's ``.pot`` shows, the Chinese one must show
instead. A msgid of the ``.pot`` left untranslated fails here; after ``make pot``,
``python3 scripts/po_missing.py`` lists what is left to translate.
"""

import re
from pathlib import Path

import polib
from lxml import etree

from odoo.exceptions import UserError, ValidationError
from odoo.modules.module import get_module_path
from odoo.tests import new_test_user, tagged
from odoo.tools.translate import TRANSLATED_ATTRS, PoFileReader

from .common import GROUP_ADMIN, OrderGovernanceCase

MODULE = "order_governance"
LANG = "zh_CN"
I18N = Path(get_module_path(MODULE)) / "i18n"
VIEW_TERMS = "ir.ui.view,arch_db"


def _arch_texts(arch):
    """The translatable texts of an arch in document order: ``(position, value)``,
    the position naming the node (its index and tag) and the attribute or text."""
    texts = []
    for index, node in enumerate(etree.fromstring(arch).iter()):
        tag = node.tag if isinstance(node.tag, str) else "#comment"
        if tag != "#comment":
            for attr in sorted(TRANSLATED_ATTRS):
                if node.get(attr):
                    texts.append(((index, tag, attr), node.get(attr).strip()))
            if node.text and node.text.strip():
                texts.append(((index, tag, "text"), node.text.strip()))
        if node.tail and node.tail.strip():
            texts.append(((index, tag, "tail"), node.tail.strip()))
    return texts


def _fragment_texts(term):
    """The texts of a term that holds markup (``<span ...>On Hold</span>``)."""
    return [value for _pos, value in _arch_texts(f"<div>{term}</div>")]


@tagged("post_install", "-at_install")
class TestTranslation(OrderGovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang(LANG)
        cls.env["ir.module.module"]._load_module_terms([MODULE], [LANG], overwrite=True)
        cls.viewer = new_test_user(
            cls.env,
            login="og_zh_viewer",
            groups=f"base.group_system,sales_team.group_sale_manager,{GROUP_ADMIN}",
            company_id=cls.company.id,
        )
        cls.env_en = cls.env(
            user=cls.viewer, context=dict(cls.env.context, lang="en_US")
        )
        cls.env_zh = cls.env(user=cls.viewer, context=dict(cls.env.context, lang=LANG))
        cls.su_en = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.su_zh = cls.env(context=dict(cls.env.context, lang=LANG))

        # the .po as Odoo reads it (merged with the .pot: a msgid the .po lacks
        # comes with an empty translation)
        cls.view_terms = {}  # view xmlid: {English text: Chinese text}
        cls.record_terms = {}  # (model, field, xmlid): (English, Chinese)
        cls.code_terms = {}  # English: Chinese
        for row in PoFileReader(str(I18N / f"{LANG}.po")):
            if row["type"] == "code":
                cls.code_terms[row["src"]] = row["value"]
            elif row["type"] == "model_terms" and row["name"] == VIEW_TERMS:
                terms = cls.view_terms.setdefault(f"{MODULE}.{row['imd_name']}", {})
                terms[row["src"]] = row["value"]
                if "<" in row["src"]:  # markup: its texts, one by one
                    english = _fragment_texts(row["src"])
                    chinese = _fragment_texts(row["value"]) if row["value"] else []
                    if len(english) == len(chinese):
                        terms.update(zip(english, chinese, strict=True))
                    else:
                        terms.update(dict.fromkeys(english, ""))
            elif row["type"] == "model":
                model, field = row["name"].split(",")
                cls.record_terms[(model, field, f"{MODULE}.{row['imd_name']}")] = (
                    row["src"],
                    row["value"],
                )

    # ------------------------------------------------------------------ helpers
    def assert_view_translated(self, model, view, view_type, module_views):
        """Render ``view`` (an xmlid or a view, with every view inheriting from it)
        in English and in Chinese; wherever an English text of the .po entries of
        ``module_views`` (xmlids) shows, its Chinese translation must show instead.
        Returns the English texts checked and the Chinese ``get_views`` result."""
        if isinstance(view, str):
            view = self.env.ref(view)
        view_id, view_xmlid = view.id, view.get_external_id()[view.id] or view.name
        english = self.env_en[model].get_views([(view_id, view_type)])
        chinese = self.env_zh[model].get_views([(view_id, view_type)])
        en_texts = _arch_texts(english["views"][view_type]["arch"])
        zh_texts = _arch_texts(chinese["views"][view_type]["arch"])
        self.assertEqual(
            [pos for pos, _text in en_texts],
            [pos for pos, _text in zh_texts],
            f"{view_xmlid}: the Chinese arch must have the English one's structure",
        )
        terms = {}
        for xmlid in module_views:
            terms.update(self.view_terms.get(xmlid, {}))
        checked = set()
        for (pos, en_text), (_pos, zh_text) in zip(en_texts, zh_texts, strict=True):
            if en_text not in terms:
                continue
            expected = terms[en_text]
            self.assertTrue(expected, f"{view_xmlid}: {en_text!r} has no translation")
            self.assertEqual(
                zh_text, expected, f"{view_xmlid} at {pos}: {en_text!r} not in Chinese"
            )
            checked.add(en_text)
        self.assert_fields_translated(chinese["models"])
        return checked, chinese

    def module_fields(self):
        """{(model, field name): ir.model.fields xmlid} of the module's fields."""
        data = self.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", "ir.model.fields")]
        )
        fields = self.env["ir.model.fields"].browse(data.mapped("res_id"))
        xmlids = fields.get_external_id()
        return {(field.model, field.name): xmlids[field.id] for field in fields}

    def assert_fields_translated(self, models):
        """The labels, help and selection values of the module's fields among
        ``models`` ({model: {"fields": fields_get}}, as ``get_views`` returns them)
        are the .po's Chinese."""
        own = self.module_fields()
        checked = 0
        for model, description in models.items():
            english = self.env_en[model].fields_get(list(description["fields"]))
            for name, field in description["fields"].items():
                xmlid = own.get((model, name))
                if not xmlid:
                    continue  # a field of another module
                for attribute in ("string", "help"):
                    key = "field_description" if attribute == "string" else "help"
                    term = self.record_terms.get(("ir.model.fields", key, xmlid))
                    if not term or attribute not in field:
                        continue  # not in the .pot yet (see scripts/po_missing.py)
                    en_text, zh_text = term
                    self.assertEqual(english[name][attribute], en_text)
                    self.assertTrue(
                        zh_text, f"{model}.{name}: {en_text!r} untranslated"
                    )
                    self.assertEqual(field[attribute], zh_text, f"{model}.{name}")
                    if zh_text != en_text:
                        self.assertNotEqual(field[attribute], english[name][attribute])
                    checked += 1
                for value, label in field.get("selection") or []:
                    sel_xmlid = xmlid.replace(".field_", ".selection__", 1)
                    term = self.record_terms.get(
                        ("ir.model.fields.selection", "name", f"{sel_xmlid}__{value}")
                    )
                    if term:
                        self.assertTrue(
                            term[1], f"{model}.{name}: {value} untranslated"
                        )
                        self.assertEqual(label, term[1], f"{model}.{name}: {value}")
                        checked += 1
        return checked

    # -------------------------------------------------------------------- views
    def test_sale_order_form(self):
        """The order form (Sales' form with the module's part) reads in Chinese:
        buttons, the line under the order number, the Governance tab."""
        checked, chinese = self.assert_view_translated(
            "sale.order",
            "sale.view_order_form",
            "form",
            [f"{MODULE}.sale_order_view_form"],
        )
        for english in (
            "Send Back",
            "Put on Hold",
            "Resume",
            "Reassign",
            "Governance",
            "Stage History",
            "Due:",
        ):
            self.assertIn(english, checked)
        arch = etree.fromstring(chinese["views"]["form"]["arch"])
        buttons = {
            button.get("name"): button.get("string")
            for button in arch.iter("button")
            if button.get("name", "").startswith(("action_governance", "governance"))
        }
        self.assertEqual(
            buttons,
            {
                "action_governance_next": None,  # its label: "Next: <stage>"
                "action_governance_send_back": "退回",
                "action_governance_route_preview": "路由预览",
                "action_governance_hold": "暂停",
                "governance_resume": "恢复",
                "action_governance_reassign": "重新分配",
                "action_governance_acknowledge_norms": "我已阅读作业规范",
            },
        )
        self.assertEqual(arch.xpath("//page[@name='governance']/@string"), ["管控"])
        # Next's label is one sentence, punctuated as Chinese does (no stray space)
        self.assertEqual(
            self.env(context={"lang": "zh_CN"})._("Next: %s", "开票与收款"),
            "下一步：开票与收款",
        )

    def test_order_desk_kanban(self):
        """The Order Desk: its name, its columns (the stages) and its cards'
        fields in Chinese."""
        self.assert_view_translated(
            "sale.order",
            f"{MODULE}.sale_order_view_kanban",
            "kanban",
            [f"{MODULE}.sale_order_view_kanban"],
        )
        fields = self.env_zh["sale.order"].fields_get(
            ["governance_stage_id", "responsible_department_id", "responsible_user_id"],
            ["string"],
        )
        self.assertEqual(fields["governance_stage_id"]["string"], "管控阶段")
        self.assertEqual(fields["responsible_department_id"]["string"], "执行部门")
        self.assertEqual(fields["responsible_user_id"]["string"], "负责人")
        action = self.env.ref(f"{MODULE}.sale_order_action_order_desk")
        self.assertEqual(action.with_env(self.su_zh).name, "订单工作台")
        self.assertIn("暂无待处理订单", action.with_env(self.su_zh).help)
        stages = {
            "stage_received": "已接单",
            "stage_confirmed": "已确认",
            "stage_production": "生产",
            "stage_shipping": "发货",
            "stage_invoicing": "开票与收款",
            "stage_done": "已完成",
            "stage_cancelled": "已取消",
        }
        for xmlid, name in stages.items():
            stage = self.env.ref(f"{MODULE}.{xmlid}").with_env(self.su_zh)
            self.assertEqual(stage.name, name)

    def test_stage_form(self):
        """The stage form: RACI, flow, operating norms, exit criteria."""
        checked, _chinese = self.assert_view_translated(
            "order.governance.stage",
            f"{MODULE}.order_governance_stage_view_form",
            "form",
            [f"{MODULE}.order_governance_stage_view_form"],
        )
        self.assertTrue({"RACI", "Flow", "Operating Norms", "Exit Criteria"} <= checked)

    def test_wizard_forms(self):
        """Send back, put on hold, reassign and the KPI workbook's dialog."""
        for model, view, expected in (
            ("order.governance.send.back", "order_governance_send_back_view_form",
             {"Send Back", "Discard", "What must be done again, and why?"}),
            ("order.governance.hold.wizard", "order_governance_hold_wizard_view_form",
             {"Put on Hold", "Discard", "What are we waiting for?"}),
            ("order.governance.reassign", "order_governance_reassign_view_form",
             {"Reassign", "Discard"}),
            ("order.governance.kpi.export", "order_governance_kpi_export_view_form",
             {"Download", "Discard"}),
        ):  # fmt: skip
            with self.subTest(view=view):
                checked, _chinese = self.assert_view_translated(
                    model, f"{MODULE}.{view}", "form", [f"{MODULE}.{view}"]
                )
                self.assertTrue(expected <= checked, f"{view}: {expected - checked}")

    def test_report_views(self):
        """Pivot, graph, list and search views of the reports and the history."""
        reports = {
            "order.governance.kpi.report": "order_governance_kpi_report_view",
            "order.governance.lead.time.report": (
                "order_governance_lead_time_report_view"
            ),
            "order.governance.backlog.report": "order_governance_backlog_report_view",
            "order.governance.transition.report": (
                "order_governance_transition_report_view"
            ),
            "order.governance.variant.report": ("order_governance_variant_report_view"),
            "order.governance.stage.log": "order_governance_stage_log_view",
        }
        all_checked = set()
        for model, prefix in reports.items():
            for view_type in ("pivot", "graph", "list", "search"):
                xmlid = f"{MODULE}.{prefix}_{view_type}"
                if not self.env.ref(xmlid, raise_if_not_found=False):
                    continue
                with self.subTest(view=xmlid):
                    checked, _chinese = self.assert_view_translated(
                        model, xmlid, view_type, [xmlid]
                    )
                    all_checked |= checked
        self.assertTrue(
            {"Stage Performance", "Order Lead Time", "Backlog", "Breached"}
            <= all_checked
        )

    def test_every_view_of_the_module(self):
        """Every view of the module, in the combined arch its model shows."""
        data = self.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", "ir.ui.view")]
        )
        views = self.env["ir.ui.view"].browse(data.mapped("res_id"))
        xmlids = views.get_external_id()
        checked = set()
        for view in views.filtered(lambda v: v.type != "qweb"):
            root = view
            while root.mode == "extension" and root.inherit_id:
                root = root.inherit_id
            with self.subTest(view=xmlids[view.id]):
                found, _chinese = self.assert_view_translated(
                    root.model, root, root.type, [xmlids[view.id]]
                )
                checked |= found
        # the settings, the rules, the digest and the stage history among them
        self.assertTrue(
            {"SLA Watch", "Order Management Department", "Who", "When", "Current"}
            <= checked,
            checked,
        )

    # ------------------------------------------------------- fields and records
    def test_field_labels(self):
        """The module's fields of orders, stages, rules and the stage history have
        Chinese labels (fields_get, as the web client reads them)."""
        own = self.module_fields()
        for model in (
            "sale.order",
            "order.governance.stage",
            "order.governance.rule",
            "order.governance.stage.log",
        ):
            names = [name for (mod, name) in own if mod == model]
            self.assertTrue(names, model)
            with self.subTest(model=model):
                fields = self.env_zh[model].fields_get(
                    names, ["string", "help", "selection"]
                )
                self.assertGreater(
                    self.assert_fields_translated({model: {"fields": fields}}), 0
                )
        glossary = {
            ("sale.order", "owner_department_id"): "归属部门",
            ("sale.order", "responsible_department_id"): "执行部门",
            ("sale.order", "responsible_user_id"): "负责人",
            ("sale.order", "stage_deadline"): "阶段截止时间",
            ("sale.order", "sla_status"): "时限状态",
            ("sale.order", "rework_count"): "返工次数",
            ("sale.order", "governance_on_hold"): "已暂停",
            ("order.governance.stage", "accountable_department_id"): "问责部门",
            ("order.governance.stage", "consulted_department_ids"): "咨询部门",
            ("order.governance.stage", "informed_department_ids"): "知会部门",
            ("order.governance.stage", "check_ids"): "完成条件",
            ("order.governance.stage", "norms"): "作业规范",
            ("order.governance.rule", "assignment"): "分配方式",
            ("order.governance.stage.log", "is_rework"): "返工",
            ("order.governance.stage.log", "sla_breached"): "已逾期",
            ("order.governance.stage.log", "escalation_level"): "升级级别",
        }
        for (model, name), label in glossary.items():
            string = self.env_zh[model].fields_get([name], ["string"])[name]["string"]
            self.assertEqual(string, label, f"{model}.{name}")
        rule_model = self.env["ir.model"]._get("order.governance.rule")
        self.assertEqual(rule_model.with_env(self.su_zh).name, "订单职责规则")

    def test_sla_status_values(self):
        selection = dict(
            self.env_zh["sale.order"].fields_get(["sla_status"])["sla_status"][
                "selection"
            ]
        )
        self.assertEqual(
            selection,
            {
                "none": "无时限",
                "on_track": "正常",
                "at_risk": "有风险",
                "breached": "已逾期",
            },
        )

    def test_records(self):
        """Every record the .po names (menus, actions, groups, stages, hold
        reasons, subtypes, scheduled actions...) reads in Chinese."""
        self.assertTrue(self.record_terms)
        for (_model, field, xmlid), (english, chinese) in self.record_terms.items():
            record = self.env.ref(xmlid, raise_if_not_found=False)
            if record is None:
                continue  # demo-only or removed since the .pot was made
            self.assertTrue(chinese, f"{xmlid} {field}: {english!r} untranslated")
            with self.subTest(record=xmlid, field=field):
                self.assertEqual(record.with_env(self.su_zh)[field], chinese)
                self.assertEqual(record.with_env(self.su_en)[field], english)

    # ------------------------------------------------------------------ messages
    def test_user_error(self):
        """Next Stage on an order in the final stage: the refusal is in Chinese
        (and still in English for an English-speaking user)."""
        order = self.put_in(self.create_order(), self.stage_done)
        officer = order.with_user(self.officer)
        source = "%(order)s is in the final stage %(stage)s: it has no next stage."
        values = {"order": order.display_name, "stage": self.stage_done.name}
        with self.assertRaises(UserError) as caught:
            officer.with_context(lang="en_US").action_governance_next()
        self.assertEqual(caught.exception.args[0], source % values)
        with self.assertRaises(UserError) as caught:
            officer.with_context(lang=LANG).action_governance_next()
        message = caught.exception.args[0]
        self.assertNotEqual(message, source % values, "the error is not in Chinese")
        self.assertIn("最终阶段", message)
        self.assertEqual(message, self.code_terms[source] % values)

    def test_validation_error(self):
        """A constraint of the module speaks Chinese too."""
        with self.assertRaises(ValidationError) as caught:
            self.env_zh["order.governance.stage"].sudo().create(
                {"name": "Both", "is_final": True, "is_cancel": True}
            )
        self.assertEqual(
            caught.exception.args[0],
            self.code_terms["Stage %s cannot be both final and cancel."] % "Both",
        )

    # ---------------------------------------------------------------- the file
    def test_po_complete(self):
        """Every msgid of the .pot has a Chinese translation in zh_CN.po (not
        empty, not fuzzy), with the same placeholders and markup."""
        template = polib.pofile(str(I18N / f"{MODULE}.pot"))
        translations = polib.pofile(str(I18N / f"{LANG}.po"))
        self.assertEqual(translations.metadata.get("Language"), LANG)
        self.assertEqual(
            translations.metadata.get("Plural-Forms"), "nplurals=1; plural=0;"
        )
        self.assertIn("charset=UTF-8", translations.metadata.get("Content-Type"))
        by_id = {
            (entry.msgctxt, entry.msgid): entry
            for entry in translations
            if not entry.obsolete
        }
        missing = [
            entry.msgid
            for entry in template
            if not entry.obsolete
            and (
                (entry.msgctxt, entry.msgid) not in by_id
                or not by_id[entry.msgctxt, entry.msgid].msgstr
                or by_id[entry.msgctxt, entry.msgid].fuzzy
            )
        ]
        self.assertFalse(
            missing,
            "msgids without Chinese translation (python3 scripts/po_missing.py): "
            f"{missing}",
        )
        placeholder = r"%(?:\([a-z_]+\))?[sdrf%]|\{[^}]*\}|</?[a-z][^>]*>"
        # an inline tag's title, aria-label or alt is text for people: translated too
        title = r'(?:title|aria-label|alt)="[^"]*"'
        for entry in template:
            translated = by_id[entry.msgctxt, entry.msgid].msgstr
            with self.subTest(msgid=entry.msgid):
                self.assertEqual(
                    sorted(
                        re.sub(title, 'title=""', found)
                        for found in re.findall(placeholder, translated)
                    ),
                    sorted(
                        re.sub(title, 'title=""', found)
                        for found in re.findall(placeholder, entry.msgid)
                    ),
                )
                self.assertEqual(translated.count("\n"), entry.msgid.count("\n"))
                self.assertEqual(translated[:1].isspace(), entry.msgid[:1].isspace())
                self.assertEqual(translated[-1:].isspace(), entry.msgid[-1:].isspace())
