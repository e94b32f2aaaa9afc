#!/usr/bin/env python3
"""Security probe of the order_governance addons, against a running Odoo server.

    python3 scripts/probe.py --url http://localhost:8069 --db NAME \
        [--admin-login admin --admin-password admin] [--json probe.json]

Run it from a checkout (it reads the addons' source beside this folder) against a
server that has the three addons installed WITH THEIR DEMO DATA. It changes that
database: run it on a demo or test database only (it refuses one without the
module's demo users). Standard library only: it imports nothing of Odoo.

What it does
------------
1. *Prepare* (as the administrator, idempotent): a second company "Probe Company
   B" with its order management department and officer (``probe_officer_b``), users
   with only Invoicing (``probe_billing``), only Inventory (``probe_stock``), only
   Manufacturing (``probe_mrp``) rights (password = login), archived probe stages,
   rules and checks in both companies (archived: they change no flow), and fresh
   probe orders for this run (client reference ``PROBE <run>``): for each role with
   a department an own quotation and an own order in *Production* (with exit
   criteria), orders of a department nobody is in, an order of company B, a done
   order; the previous runs' probe orders are cancelled.
2. *Surface*: the addons' Python source (``ast``): every model they add or extend,
   the fields they declare, the standard fields their ``write`` overrides guard
   (``"state" in vals``...), their public methods (with the mixins they inherit).
3. *Probes*, as each role (the administrator, every demo user of the module, the
   three single-app users, company B's officer, the portal user and Odoo's demo
   user), on records of both companies:

   ``write``  each field on a record the role reads (*own*) and on one it cannot
              read (*foreign*: another department's, another company's), with a
              plausible value of the field's type (for links: the role itself, a
              department it is not in, the other company);
   ``create`` each model the addons add (minimal values), and the extended models
              whose ``create`` they override, with each of their fields;
   ``call``   each public method on own and foreign records, on no record, on a
              missing one, with sensible arguments and with garbage (``"x"``,
              ``{}``, huge numbers, ``NaN``, year 1 and 9999...); the wizards
              created on own and foreign records and with garbage in each field,
              then each of their buttons; plus a forged chatter change
              (``mail.message`` with tracking values) and the KPI workbook's
              download route with another user's workbook;
   ``read``   ``search_read`` of each model (addon fields), ``read`` of the
              foreign records, ``read_group`` by company;
   ``unlink`` last, on copies made for each role of the probe's records.

   Garbage arguments and wizard values are sent by one role of each kind (see
   ``GARBAGE_ROLES``; ``--garbage-roles all`` for every role, twice the time);
   the fields a role may write also get garbage of their type (NaN, year 9999).
   ``--only read,call`` runs some phases. A run takes about 5 minutes on 2 cores.

Verdicts
--------
``refused``  an Odoo user error (AccessError, UserError, ValidationError,
             MissingError, RedirectWarning), or a write that changed nothing.
``allowed``  a success the role is meant to have: in an explicit allow-list below
             (each entry says why), on a record the role may use.
``bypass``   a success that is not allowed: a value changed, a record created, a
             method run on a foreign record or by a role not in its allow-list,
             an argument accepted unchecked.
``leak``     data the role should not see: a row of another company, a transient
             record of another user, a record of an order the role cannot read,
             a method's answer that names a foreign record, a download.
``crash``    a server error instead of a user error (TypeError, AttributeError,
             ValueError, OverflowError, psycopg2 errors, a reply that is not JSON,
             an HTTP 500), or a non-finite number (NaN, Infinity) accepted and
             stored: the web client cannot read it back (it is not JSON). Odoo's
             ``ensure_one()`` on a button called with no record is not one
             (``ACCEPTED_ERRORS``).

A success that changed nothing the oracle watches (the order's stage, state,
responsible, holds, stays, messages; the record's write date) on a record the
role reads is ``allowed``; on an order it cannot read, ``refused``. Garbage in
Odoo's own ORM methods (``default_get``, ``web_save``...) is not sent: it tests
Odoo, not the addons.

It prints a table by role and kind, then every bypass, leak and crash, the run
time, and exits 1 when there is any. ``--json FILE`` saves every probe. Whatever a
bypass changed is restored as the administrator where Odoo lets him (the probe's
own records are left as they are: the next run makes new ones).
"""

import argparse
import ast
import http.cookiejar
import json
import math
import sys
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("order_governance", "order_governance_stock", "order_governance_mrp")
VERDICTS = ("refused", "allowed", "bypass", "leak", "crash")
FINDINGS = ("bypass", "leak", "crash")
KINDS = ("write", "create", "call", "read")
# Odoo's user-facing errors: a refusal, shown to the user as a message.
EXPECTED_ERRORS = {
    "AccessError",
    "AccessDenied",
    "UserError",
    "ValidationError",
    "MissingError",
    "RedirectWarning",
}
NAN = float("nan")
RUN = time.strftime("%Y%m%d-%H%M%S")
PROBE_REF = "PROBE"

# ---------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------
# The module's demo users (password = login), then the users the probe makes.
DEMO_LOGINS = [
    "og_omc_manager",
    "og_omc_clerk",
    "og_sales_manager",
    "og_sales_rep",
    "og_production_manager",
    "og_production_worker",
    "og_production_worker2",
    "og_logistics_manager",
    "og_logistics_clerk",
    "og_logistics_clerk2",
    "og_finance_manager",
    "og_finance_clerk",
]
# login: (company key, groups): single-app users and company B's officer.
PROBE_USERS = {
    "probe_billing": ("A", ["base.group_user", "account.group_account_invoice"]),
    "probe_stock": ("A", ["base.group_user", "stock.group_stock_user"]),
    "probe_mrp": ("A", ["base.group_user", "mrp.group_mrp_user"]),
    "probe_officer_b": (
        "B",
        ["base.group_user", "order_governance.group_governance_officer"],
    ),
}
# Odoo's own demo users, when the database has them: the portal customer and
# Marc Demo (a salesman outside the module's groups).
ODOO_DEMO_LOGINS = ["portal", "demo"]

# Garbage arguments are mostly checked before any access rule: by default one role
# of each kind sends them (``--garbage-roles all``: every role, twice the time).
GARBAGE_ROLES = [
    "og_omc_manager",
    "og_sales_manager",
    "og_production_worker",
    "probe_officer_b",
]

OFFICER = "order_governance.group_governance_officer"
MANAGER = "order_governance.group_governance_manager"
GOV_ADMIN = "order_governance.group_governance_admin"


@dataclass
class Role:
    login: str
    uid: int = 0
    companies: set = field(default_factory=set)
    groups: set = field(default_factory=set)
    departments: set = field(default_factory=set)
    managed: set = field(default_factory=set)
    employee: int = 0
    partner: int = 0
    session: object = None
    readable: dict = field(default_factory=dict)  # model -> set of ids

    def has(self, group):
        return group in self.groups

    @property
    def officer(self):
        return self.has(OFFICER)

    def officer_of(self, company):
        return self.officer and (company is None or company in self.companies)


# ---------------------------------------------------------------------------
# Allow-lists: what a role is meant to do. Anything else that succeeds is a
# bypass. Each entry: (predicate(role, target facts), why).
# ---------------------------------------------------------------------------
def _movers(role, t):
    """README, *Who may move an order*: its responsible person, the staff of its
    responsible department, the managers of that department (or a parent), the
    officers (of the order's company); nobody but officers out of a cancel stage."""
    if role.officer_of(t.get("company")):
        return True
    if t.get("stage_is_cancel"):
        return False
    return t.get("responsible_user") == role.uid or (
        t.get("responsible_department") in (role.departments | role.managed)
    )


def _open_stage(t):
    return not t.get("stage_is_final") and not t.get("stage_is_cancel")


def _reassigners(role, t):
    return role.officer_of(t.get("company")) or (
        t.get("responsible_department") in role.managed
    )


def _cancellers(role, t):
    answer = t.get("answer")
    if isinstance(answer, dict) and answer.get("res_model") == "sale.order.cancel":
        return True  # Odoo's cancel dialog: nothing is cancelled yet
    return (
        role.officer_of(t.get("company"))
        or role.has("sales_team.group_sale_manager")
        or t.get("state") in ("draft", "sent")
        or t.get("owner_department") in role.managed
    )


def _readers(role, t):
    return True  # the target is one the role reads (own targets only)


def is_admin(role):
    return role.has("base.group_system")


FOLLOWER_WHY = (
    "Odoo's mail: the followers of a document post on it (the consulted and "
    "informed managers of a stage follow its orders' handoffs from then on)"
)
ADMIN_WHY = (
    "Settings administrators belong to both companies and configure everything: "
    "a record of another company is theirs too"
)


# The buttons of Odoo's documents that the bridges extend: Odoo's rights decide
# (sale_stock and sale_mrp let salesmen write transfers and manufacturing
# orders); the module only raises the order's events after super().
ODOO_RIGHTS = "Odoo's own rights on its documents; the module adds the events only"

WRITE_ALLOWED = {
    ("sale.order", "state"): (
        lambda r, t: r.has("sales_team.group_sale_salesman"),
        "README: a Sales user's write of the state makes the steps of Odoo's "
        "buttons (send, confirm, cancel, set to quotation); any other step, and "
        "any write by a non-Sales user, is refused by the module",
    ),
    ("sale.order", "owner_department_id"): (
        lambda r, t: r.officer_of(t.get("company"))
        or t.get("owner_department") in r.managed,
        "README: officers and the managers of the owning department change it",
    ),
    ("sale.order", "commitment_date"): (
        lambda r, t: t.get("state") != "sale"
        or r.officer_of(t.get("company"))
        or r.has("sales_team.group_sale_manager")
        or t.get("owner_department") in (r.departments | r.managed),
        "README (who may change what): a quotation's or cancelled order's delivery "
        "date is Odoo's to allow; a confirmed order's (the promise) its owning "
        "department's staff and managers, officers and Sales administrators",
    ),
    ("calendar.event", "*"): (
        lambda r, t: r.officer_of(t.get("company")),
        "officers organise the coordination meetings",
    ),
    ("mrp.production", "qty_producing"): (
        lambda r, t: r.has("mrp.group_mrp_user"),
        ODOO_RIGHTS + " (Manufacturing users; salesmen are refused)",
    ),
    ("mrp.production", "state"): (
        lambda r, t: r.has("mrp.group_mrp_user"),
        ODOO_RIGHTS + " (Manufacturing users run their orders; salesmen are refused)",
    ),
    ("transient", "*"): (
        lambda r, t: t.get("creator") == r.uid,
        "a wizard is its creator's draft",
    ),
    ("*", "*"): (
        lambda r, t: r.has(GOV_ADMIN) or r.has("base.group_system"),
        "administrators configure everything",
    ),
}

CREATE_ALLOWED = {
    "sale.order.owner_department_id": (
        lambda r, t: r.officer or r.has("sales_team.group_sale_manager"),
        "README: a new order belongs to its salesperson's department or its "
        "creator's; officers and Sales administrators choose another",
    ),
    "sale.order.commitment_date": (
        lambda r, t: True,
        "a new quotation's delivery date: whoever may create the quotation",
    ),
    "order.governance.decision": (
        lambda r, t: r.officer,
        "ir.model.access: officers record meeting decisions",
    ),
    "calendar.event": (
        lambda r, t: r.officer,
        "officers organise the coordination meetings",
    ),
    "*": (
        lambda r, t: r.has(GOV_ADMIN) or r.has("base.group_system"),
        "administrators configure everything",
    ),
}

# Buttons that only build a window action from the ids they are given: they read
# and write nothing (the wizard they open checks the access). Their answer is
# still checked for foreign data (names).
PURE_ACTIONS = {
    "action_governance_route_preview",
    "action_governance_send_back",
    "action_governance_hold",
    "action_governance_reassign",
    "action_governance_open_desk",
    "action_view_orders",
    "action_view_rules",
    "action_open_record",
    "action_open_chart",
    "action_governance_print_agenda",
    "action_print",
}

CALL_ALLOWED = {
    ("sale.order", "action_governance_next"): (
        lambda r, t: _movers(r, t) and _open_stage(t),
        "README: the movers move an order one stage forward",
    ),
    ("sale.order", "governance_move"): (
        lambda r, t: (
            is_admin(r)
            or (
                r.officer_of(t.get("company"))
                if t.get("variant") in ("forced", "back")
                else _movers(r, t) and _open_stage(t)
            )
            or (t.get("variant") == "back" and _movers(r, t) and _open_stage(t))
        ),
        "README: back with a reason by the movers (officers also out of a final "
        "stage: rework of a done order); forced jumps by officers; Settings "
        "administrators configure everything",
    ),
    ("sale.order", "governance_hold"): (
        lambda r, t: _movers(r, t) and _open_stage(t) and not t.get("on_hold"),
        "README: the movers put an order of an open stage on hold",
    ),
    ("sale.order", "governance_resume"): (
        _movers,
        "README: the movers resume it (nothing to do when not on hold)",
    ),
    ("sale.order", "governance_reassign"): (
        lambda r, t: _reassigners(r, t) and _open_stage(t),
        "README: managers of the responsible department and officers reassign",
    ),
    ("sale.order", "governance_route_preview"): (
        _readers,
        "the routing preview of an order one reads (writes nothing)",
    ),
    ("sale.order", "action_cancel"): (
        _cancellers,
        "README/Odoo: quotations by their users; confirmed orders by officers, "
        "Sales administrators and the owning department's managers",
    ),
    ("sale.order", "message_post"): (
        _readers,
        "Odoo's chatter: a comment on an order one may use",
    ),
    ("sale.order", "web_save"): (_readers, "the form's save of an order one uses"),
    ("sale.order", "action_confirm"): (
        lambda r, t: r.has("sales_team.group_sale_salesman")
        and not t.get("stage_is_cancel"),
        "Odoo: a Sales user confirms a quotation he works on (its confirmation is "
        "the event that moves it; never out of a cancel stage)",
    ),
    ("sale.order", "unlink"): (
        lambda r, t: t.get("state") in ("draft", "cancel") and t.get("first_stay"),
        "README: a quotation still in its first stay can be deleted",
    ),
    ("order.governance.check.line", "action_tick"): (
        lambda r, t: _movers(r, t) and t.get("stay_open"),
        "the movers of the order tick the exit criteria of its open stay",
    ),
    ("order.governance.check.line", "action_untick"): (
        lambda r, t: _movers(r, t) and t.get("stay_open"),
        "the movers of the order untick the exit criteria of its open stay",
    ),
    ("order.governance.stage", "governance_impact_preview"): (
        lambda r, t: r.officer_of(t.get("company")),
        "for officers (docstring)",
    ),
    ("order.governance.stage", "action_governance_reroute"): (
        lambda r, t: r.officer_of(t.get("company")),
        "for officers (docstring); the probe's stages are archived: no order moves",
    ),
    ("order.governance.rule", "governance_impact_preview"): (
        lambda r, t: r.officer_of(t.get("company")),
        "for officers (docstring)",
    ),
    ("order.governance.rule", "action_governance_reroute"): (
        lambda r, t: r.officer_of(t.get("company")),
        "for officers (docstring); the probe's rules are archived: no order moves",
    ),
    ("order.governance.stage", "governance_health_findings"): (
        lambda r, t: r.officer,
        "the health check of one's own companies, for officers",
    ),
    ("order.governance.health.finding", "action_open_health_check"): (
        lambda r, t: r.officer,
        "the health check of one's own companies, for officers",
    ),
    ("calendar.event", "unlink"): (
        lambda r, t: r.officer_of(t.get("company"))
        or r.uid == t.get("organizer")
        or r.partner in t.get("attendees", ()),
        "a meeting is deleted by its organiser, its attendees, officers",
    ),
    ("stock.picking", "action_cancel"): (_readers, ODOO_RIGHTS),
    ("mrp.production", "action_cancel"): (_readers, ODOO_RIGHTS),
    ("mrp.production", "button_mark_done"): (_readers, ODOO_RIGHTS),
    ("mrp.workorder", "button_start"): (_readers, ODOO_RIGHTS),
    ("*", "pure"): (_readers, "a window action built from ids one reads"),
}

# Wizards (transient models) and their buttons: who may run them on own records.
WIZARD_ALLOWED = {
    "order.governance.send.back": (
        lambda r, t: (_movers(r, t) and _open_stage(t))
        or r.officer_of(t.get("company")),
        "README: the movers send an order back with a reason; officers may reopen "
        "a done order (rework)",
    ),
    "order.governance.hold.wizard": (
        lambda r, t: _movers(r, t) and _open_stage(t) and not t.get("on_hold"),
        "README: the movers put an order on hold",
    ),
    "order.governance.reassign": (
        lambda r, t: _reassigners(r, t) and _open_stage(t),
        "README: managers of the responsible department and officers reassign",
    ),
    "order.governance.route.preview": (_readers, "preview of an order one reads"),
    "order.governance.kpi.export": (
        lambda r, t: r.has(MANAGER),
        "managers export the workbook of what they may see",
    ),
    "order.governance.bottleneck": (
        lambda r, t: r.has(MANAGER),
        "managers open the bottleneck dashboard of what they may see",
    ),
    "order.governance.matrix": (
        lambda r, t: r.has(MANAGER),
        "the responsibility matrix of one's own company, for managers",
    ),
    "order.governance.meeting": (
        lambda r, t: r.officer,
        "officers schedule the coordination meetings of their company",
    ),
    "order.governance.rule.impact": (
        lambda r, t: r.officer,
        "officers preview and apply a rule change (archived probe rules)",
    ),
    "sale.mass.cancel.orders": (
        lambda r, t: _cancellers(r, t) if t else True,
        "the list's Cancel, as the button; a selection has no single order's facts:"
        " the module's cancel guard decides per order (test_odoo_flows)",
    ),
}

# Standard fields of extended models that the addons do not declare nor guard in
# write() but on which their access depends (hr.employee's department makes its
# user's departments: the record rules).
EXTRA_WRITE_FIELDS = {
    "hr.department": ["manager_id", "parent_id", "member_ids"],
}

# Models whose records the probe does not touch with its own calls or writes
# when they are Odoo's documents of the demo (only the probe's records are).
CANDIDATE_DOMAINS = {
    "calendar.event": [("governance_company_id", "!=", False)],
    "mail.activity": [("governance_log_id", "!=", False)],
    "hr.employee": [],
    "res.users": [("share", "=", False)],
    "stock.picking": [("origin", "=like", PROBE_REF + "%")],
    "mrp.production": [("origin", "=like", PROBE_REF + "%")],
    "mrp.workorder": [("production_id.origin", "=like", PROBE_REF + "%")],
}
# Read oracle not applied (and why).
READ_ORACLE_SKIP = {
    "res.company": "every user reads the companies' names (Odoo)",
    "res.users": "every user reads the users' names (Odoo)",
    "res.config.settings": "administrators only (Odoo)",
}
# README, *Who sees what*: "holds, exit-criterion lines and stays are visible
# exactly when their order is"; decisions "on the orders the user sees" (rules).
# (The reports are not: a manager sees the stays his departments worked on.)
ORDER_BOUND = {
    "order.governance.stage.log",
    "order.governance.hold",
    "order.governance.check.line",
    "order.governance.decision",
}
# Methods not probed by the generic call phase (and why).
CALL_SKIP = {
    "create": "the create phase",
    "write": "the write phase",
    "default_get": "reads defaults only; probed once without record",
    "read_group": "the read phase",
    "init": "private (Odoo refuses it over RPC)",
}
# Odoo's ORM and mail API methods the addons override: probed with a client's
# arguments only; garbage in them tests Odoo's core, not the addons.
ORM_METHODS = {
    "create",
    "write",
    "unlink",
    "default_get",
    "read_group",
    "web_save",
    "message_post",
}
# Server errors that are Odoo's conventions, not the addons' crashes: (error,
# text, why). Kept short: each one hides a class of findings.
ACCEPTED_ERRORS = [
    (
        "ValueError",
        "Expected singleton",
        "Odoo's ensure_one() in a button called on no record: Odoo's own buttons do "
        "the same, and no client of the addons sends it",
    ),
]
# Garbage for arguments: (label, value). Huge ids must be refused as missing.
GARBAGE = [
    ("text", "x"),
    ("dict", {}),
    ("list", [1, "x"]),
    ("huge", 10**18),
    ("negative", -1),
    ("float", 1e9),
    ("nan", NAN),
    ("date-min", "0001-01-01"),
    ("date-max", "9999-12-31"),
]
# Parameters by kind: which garbage is valid for them (not probed).
PARAM_KINDS = {
    "reason": "text",
    "note": "text",
    "force": "bool",
    "stage": "record",
    "department": "record",
    "user": "record",
    ("governance_hold", "reason"): "record",
    "raise_on_invalid_state": "bool",
    "fields_list": "names",
}
VALID_FOR_KIND = {
    "text": {"text", "date-min", "date-max"},
    "bool": set(),
    "record": set(),
    "names": set(),
}


# ---------------------------------------------------------------------------
# JSON-RPC over a web session (no Odoo import)
# ---------------------------------------------------------------------------
class Fault(Exception):
    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.name, self.message = name, message

    @property
    def expected(self):
        return self.name.rsplit(".", 1)[-1] in EXPECTED_ERRORS


class Session:
    """A logged-in web session: /web/session/authenticate, /web/dataset/call_kw."""

    calls = 0

    def __init__(self, url, db, login, password, context=None):
        self.url, self.db, self.login = url.rstrip("/"), db, login
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar)
        )
        self.context = context or {}
        info = self.post(
            "/web/session/authenticate",
            {"db": db, "login": login, "password": password},
        )
        if not info or not info.get("uid"):
            raise Fault("AccessDenied", f"cannot log in as {login}")
        self.uid = info["uid"]

    def post(self, path, params):
        Session.calls += 1
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params})
        request = urllib.request.Request(
            self.url + path,
            data=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with self.opener.open(request, timeout=300) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            raise Fault(f"http-{error.code}", error.read()[:200].decode()) from None
        try:
            answer = json.loads(raw)
        except ValueError:
            raise Fault("invalid-json", raw[:200].decode(errors="replace")) from None
        if answer.get("error"):
            data = answer["error"].get("data") or {}
            name = data.get("name") or answer["error"].get("message", "error")
            raise Fault(name, (data.get("message") or "")[:300])
        return answer.get("result")

    def call(self, model, method, *args, context=None, **kwargs):
        kwargs["context"] = {"lang": "en_US", **self.context, **(context or {})}
        return self.post(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def get(self, path):
        """An HTTP GET: (status, first bytes)."""
        Session.calls += 1
        try:
            with self.opener.open(self.url + path, timeout=300) as response:
                return response.status, response.read(64)
        except urllib.error.HTTPError as error:
            return error.code, b""


def attempt(fn, *args, **kwargs):
    """(True, result) or (False, Fault)."""
    try:
        return True, fn(*args, **kwargs)
    except Fault as fault:
        return False, fault


# ---------------------------------------------------------------------------
# The surface, from the addons' source
# ---------------------------------------------------------------------------
@dataclass
class Method:
    name: str
    params: list  # [(name, has_default)]
    is_model: bool
    var_kwargs: bool


@dataclass
class Surface:
    model: str
    modules: set = field(default_factory=set)
    own: bool = False  # added (``_name``) by the addons, not only extended
    abstract: bool = False
    fields: dict = field(default_factory=dict)  # name -> fields.X class name
    guarded: set = field(default_factory=set)  # fields its write() reacts to
    methods: dict = field(default_factory=dict)  # name -> Method
    parents: list = field(default_factory=list)
    overrides_create: bool = False


def _literal(node, constants):
    try:
        return ast.literal_eval(node)
    except ValueError:
        if isinstance(node, ast.Name):
            return constants.get(node.id)
        return None


def _guarded_fields(function, constants):
    """String constants a ``write``/``create`` override tests against ``vals``:
    ``"x" in vals``, ``{...} & set(vals)``, ``vals.get("x")``, ``vals["x"]``."""
    found = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Compare) and isinstance(node.ops[0], ast.In):
            value = _literal(node.left, constants)
            if isinstance(value, str):
                found.add(value)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitAnd):
            for side in (node.left, node.right):
                value = _literal(side, constants)
                if isinstance(value, set | frozenset):
                    found |= {v for v in value if isinstance(v, str)}
        elif isinstance(node, ast.Subscript) and getattr(node.value, "id", "") in (
            "vals",
        ):
            value = _literal(node.slice, constants)
            if isinstance(value, str):
                found.add(value)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("get", "pop")
            and getattr(node.func.value, "id", "") == "vals"
            and node.args
        ):
            value = _literal(node.args[0], constants)
            if isinstance(value, str):
                found.add(value)
    return found


def _method(function):
    decorators = {ast.unparse(d) for d in function.decorator_list}
    if any(d.startswith("api.private") for d in decorators):
        return None
    args = function.args
    positional = args.args[1:]
    defaults = len(args.defaults)
    params = [
        (a.arg, i >= len(positional) - defaults) for i, a in enumerate(positional)
    ]
    params += [(a.arg, True) for a in args.kwonlyargs]
    return Method(
        function.name,
        params,
        is_model=any(d in ("api.model", "api.model_create_multi") for d in decorators),
        var_kwargs=args.kwarg is not None,
    )


def scan_source(root=ROOT):
    """{model: Surface} of every model the addons add or extend."""
    surfaces = {}
    for addon in ADDONS:
        for path in sorted((root / addon).rglob("*.py")):
            if {"tests", "migrations"} & set(path.parts):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            constants = {}
            for node in tree.body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target = node.targets[0]
                    if isinstance(target, ast.Name):
                        try:
                            constants[target.id] = ast.literal_eval(node.value)
                        except ValueError:
                            if (
                                isinstance(node.value, ast.Call)
                                and getattr(node.value.func, "id", "") == "frozenset"
                                and node.value.args
                            ):
                                constants[target.id] = _frozen(node.value, constants)
            for node in tree.body:
                if isinstance(node, ast.ClassDef):
                    _scan_class(node, addon, constants, surfaces)
    _merge_mixins(surfaces)
    return surfaces


def _frozen(call, constants):
    values = set()
    for elt in getattr(call.args[0], "elts", []):
        if isinstance(elt, ast.Starred):
            values |= set(constants.get(getattr(elt.value, "id", ""), ()) or ())
        else:
            value = _literal(elt, constants)
            if isinstance(value, str):
                values.add(value)
    return frozenset(values)


def _scan_class(node, addon, constants, surfaces):
    name = inherit = None
    for statement in node.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = getattr(statement.targets[0], "id", None)
            if target == "_name":
                name = _literal(statement.value, constants)
            elif target == "_inherit":
                inherit = _literal(statement.value, constants)
    if isinstance(inherit, str):
        inherit = [inherit]
    inherit = inherit or []
    model = name or (inherit[0] if inherit else None)
    if not model:
        return  # a controller, a helper class
    surface = surfaces.setdefault(model, Surface(model))
    surface.modules.add(addon)
    if name and name not in inherit:
        surface.own = True
        surface.abstract = any(
            getattr(base, "attr", "") == "AbstractModel" for base in node.bases
        )
    surface.parents += [p for p in inherit if p != model]
    for statement in node.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Attribute)
            and getattr(statement.value.func.value, "id", "") == "fields"
        ):
            surface.fields[statement.targets[0].id] = statement.value.func.attr
        elif isinstance(statement, ast.FunctionDef):
            if statement.name in ("write", "create"):
                surface.guarded |= _guarded_fields(statement, constants)
                surface.overrides_create |= statement.name == "create"
            if not statement.name.startswith("_"):
                method = _method(statement)
                if method:
                    surface.methods[method.name] = method


def _merge_mixins(surfaces):
    """Fields and methods of the addons' mixins on the models that inherit them."""

    def collect(model, seen):
        surface = surfaces.get(model)
        if not surface or model in seen:
            return {}, {}
        seen.add(model)
        fields_, methods = {}, {}
        for parent in surface.parents:
            parent_fields, parent_methods = collect(parent, seen)
            fields_.update(parent_fields)
            methods.update(parent_methods)
        fields_.update(surface.fields)
        methods.update(surface.methods)
        return fields_, methods

    for model, surface in surfaces.items():
        surface.fields, surface.methods = collect(model, set())


def add_unlink(surfaces):
    """``unlink`` is probed on the addons' own models and on the records they
    make in extended ones (orders, coordination meetings)."""
    for surface in surfaces:
        if (
            surface.own and not surface.abstract and surface.model not in TRANSIENT
        ) or surface.model in (
            "sale.order",
            "calendar.event",
        ):
            surface.methods.setdefault("unlink", Method("unlink", [], False, False))


# ---------------------------------------------------------------------------
# Probes and their record
# ---------------------------------------------------------------------------
@dataclass
class Probe:
    role: str
    kind: str
    model: str
    member: str
    target: str
    verdict: str
    detail: str = ""


class Recorder:
    def __init__(self):
        self.probes = []

    def add(self, role, kind, model, member, target, verdict, detail=""):
        self.probes.append(
            Probe(role.login, kind, model, member, target, verdict, str(detail)[:400])
        )
        return verdict


def fault_verdict(fault, label=None):
    if fault.expected:
        return "refused"
    for name, text, _why in ACCEPTED_ERRORS:
        if label == "empty" and fault.name.endswith(name) and text in fault.message:
            return "refused"
    return "crash"


def short(fault):
    first = fault.message.splitlines()[0][:160] if fault.message else ""
    return f"{fault.name.rsplit('.', 1)[-1]}: {first}"


def non_finite(value):
    """Whether ``value`` holds a NaN or an infinity (JSON cannot carry them)."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(non_finite(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(non_finite(v) for v in value)
    return False


# ---------------------------------------------------------------------------
# The administrator's view: preparation, catalogue of records, facts
# ---------------------------------------------------------------------------
class Admin:
    def __init__(self, session):
        self.s = session
        self.fields = {}
        self.xmlid_cache = {}

    def call(self, model, method, *args, **kwargs):
        return self.s.call(model, method, *args, **kwargs)

    def ref(self, xmlid):
        if xmlid not in self.xmlid_cache:
            module, name = xmlid.split(".")
            rows = self.call(
                "ir.model.data",
                "search_read",
                [("module", "=", module), ("name", "=", name)],
                ["res_id"],
            )
            self.xmlid_cache[xmlid] = rows[0]["res_id"] if rows else False
        return self.xmlid_cache[xmlid]

    def fields_of(self, model):
        if model not in self.fields:
            ok, result = attempt(
                self.call,
                model,
                "fields_get",
                attributes=[
                    "type",
                    "relation",
                    "store",
                    "readonly",
                    "required",
                    "selection",
                    "relation_field",
                    "related",
                ],
            )
            self.fields[model] = result if ok else None
        return self.fields[model]

    def search(self, model, domain, limit=None, order=None):
        kwargs = {"context": {"active_test": False}}
        if limit:
            kwargs["limit"] = limit
        if order:
            kwargs["order"] = order
        return self.call(model, "search", domain, **kwargs)

    def read(self, model, ids, names):
        if not ids:
            return []
        return self.call(model, "read", ids, names, context={"active_test": False})

    def ensure(self, model, domain, values):
        """The record matching ``domain``, created with ``values`` when missing."""
        ids = self.search(model, domain, limit=1)
        if ids:
            return ids[0]
        return self.call(model, "create", values)


def m2o(value):
    return value[0] if isinstance(value, list) and value else (value or False)


@dataclass
class World:
    """What the probe prepared: companies, departments, stages, orders..."""

    company_a: int = 0
    company_b: int = 0
    stages: dict = field(default_factory=dict)  # key -> id
    hold_reason: int = 0
    dept_foreign_a: int = 0
    dept_b: int = 0
    orders: dict = field(default_factory=dict)  # key -> id
    owner_of: dict = field(default_factory=dict)  # (model, id) -> login
    probe_ids: dict = field(default_factory=lambda: defaultdict(set))
    roles: list = field(default_factory=list)
    product: int = 0
    partner: int = 0
    tracking_field: int = 0
    workbook: int = 0
    cleanup: list = field(default_factory=list)  # (model, id) to unlink


def prepare(admin, url, db, args):
    """Everything the probe needs that the demo lacks (idempotent), and the fresh
    probe orders of this run."""
    if not admin.ref("order_governance.user_sales_rep"):
        sys.exit(
            "No demo data of order_governance (order_governance.user_sales_rep): "
            "the probe changes the database, run it on a demo database only."
        )
    world = World()
    world.company_a = admin.ref("base.main_company")
    world.company_b = admin.ensure(
        "res.company", [("name", "=", "Probe Company B")], {"name": "Probe Company B"}
    )
    both = [world.company_a, world.company_b]
    admin.call(
        "res.users", "write", [admin.s.uid], {"company_ids": [(4, world.company_b)]}
    )
    admin.s.context = {"allowed_company_ids": both}
    for xmlid in (
        "stage_received",
        "stage_production",
        "stage_done",
        "stage_cancelled",
    ):
        world.stages[xmlid] = admin.ref(f"order_governance.{xmlid}")
    world.stages["confirmed"] = admin.ref("order_governance.stage_confirmed")
    world.hold_reason = admin.search("order.governance.hold.reason", [], limit=1)[0]
    world.partner = admin.ref("base.res_partner_2")
    world.product = admin.search(
        "product.product",
        [("sale_ok", "=", True), ("type", "=", "consu"), ("company_id", "=", False)],
        limit=1,
    )[0]
    field_ids = admin.search(
        "ir.model.fields",
        [("model", "=", "sale.order"), ("name", "=", "governance_stage_id")],
    )
    world.tracking_field = field_ids[0]
    _prepare_companies(admin, world)
    _prepare_users(admin, world)
    _prepare_config(admin, world)
    return world


def _prepare_companies(admin, world):
    b = world.company_b
    world.dept_b = admin.ensure(
        "hr.department",
        [("name", "=", "Probe B Order Management"), ("company_id", "=", b)],
        {"name": "Probe B Order Management", "company_id": b},
    )
    world.dept_foreign_a = admin.ensure(
        "hr.department",
        [("name", "=", "Probe A Nobody's Desk"), ("company_id", "=", world.company_a)],
        {"name": "Probe A Nobody's Desk", "company_id": world.company_a},
    )
    admin.call(
        "res.company",
        "write",
        [b],
        {"order_management_department_id": world.dept_b},
    )
    world.probe_ids["hr.department"] |= {world.dept_b, world.dept_foreign_a}


def _prepare_users(admin, world):
    companies = {"A": world.company_a, "B": world.company_b}
    for login, (company_key, groups) in PROBE_USERS.items():
        company = companies[company_key]
        group_ids = [admin.ref(g) for g in groups]
        if not all(group_ids):
            print(f"  (skipped {login}: a group is missing: {groups})")
            continue
        values = {
            "company_id": company,
            "company_ids": [(6, 0, [company])],
            "groups_id": [(6, 0, group_ids)],
        }
        ids = admin.search("res.users", [("login", "=", login)])
        if ids:
            admin.call("res.users", "write", ids, {**values, "active": True})
        else:
            ids = [
                admin.call(
                    "res.users",
                    "create",
                    {
                        "name": login.replace("_", " ").title(),
                        "login": login,
                        "password": login,
                        **values,
                    },
                )
            ]
    officer_b = admin.search("res.users", [("login", "=", "probe_officer_b")])
    if officer_b:
        employee = admin.ensure(
            "hr.employee",
            [("user_id", "=", officer_b[0])],
            {
                "name": "Probe Officer B",
                "user_id": officer_b[0],
                "company_id": world.company_b,
                "department_id": world.dept_b,
            },
        )
        admin.call("hr.department", "write", [world.dept_b], {"manager_id": employee})


def _prepare_config(admin, world):
    """Archived stages, rules and checks of the probe in both companies: foreign
    and own configuration records that change no flow."""
    for key, company in (("A", world.company_a), ("B", world.company_b)):
        name = f"Probe {key} Stage"
        stage = admin.ensure(
            "order.governance.stage",
            [("name", "=", name), ("company_id", "=", company)],
            {"name": name, "company_id": company, "sequence": 999, "active": False},
        )
        rule = admin.ensure(
            "order.governance.rule",
            [("name", "=", f"Probe {key} Rule"), ("company_id", "=", company)],
            {
                "name": f"Probe {key} Rule",
                "company_id": company,
                "stage_ids": [(6, 0, [stage])],
                "responsible_department_id": world.dept_b
                if key == "B"
                else world.dept_foreign_a,
                "active": False,
            },
        )
        check = admin.ensure(
            "order.governance.check",
            [("name", "=", f"Probe {key} Check"), ("stage_id", "=", stage)],
            {"name": f"Probe {key} Check", "stage_id": stage},
        )
        world.probe_ids["order.governance.stage"].add(stage)
        world.probe_ids["order.governance.rule"].add(rule)
        world.probe_ids["order.governance.check"].add(check)


def make_orders(admin, world, roles):
    """Fresh probe orders of this run; those of earlier runs are cancelled."""
    old = admin.search(
        "sale.order",
        [("client_order_ref", "=like", PROBE_REF + " %"), ("state", "!=", "cancel")],
    )
    if old:
        attempt(admin.call, "sale.order", "action_cancel", old)

    def order(key, company, department, user=False, stage=None, hold=False):
        values = {
            "partner_id": world.partner,
            "company_id": company,
            "user_id": admin.s.uid,
            "client_order_ref": f"{PROBE_REF} {RUN} {key}",
            "order_line": [(0, 0, {"product_id": world.product, "product_uom_qty": 1})],
        }
        context = {
            "allowed_company_ids": [
                company,
                *{world.company_a, world.company_b} - {company},
            ]
        }
        oid = admin.call("sale.order", "create", values, context=context)
        if stage:
            admin.call(
                "sale.order",
                "governance_move",
                [oid],
                stage,
                "probe: test fixture",
                True,
                context=context,
            )
        if department:
            admin.call(
                "sale.order",
                "governance_reassign",
                [oid],
                department,
                user,
                context=context,
            )
        if hold:
            admin.call(
                "sale.order",
                "governance_hold",
                [oid],
                world.hold_reason,
                "probe",
                context=context,
            )
        world.orders[key] = oid
        world.probe_ids["sale.order"].add(oid)
        return oid

    production = world.stages["stage_production"]
    for role in roles:
        if not role.departments:
            continue
        department = sorted(role.departments)[0]
        company = (
            world.company_b
            if world.company_b in role.companies
            and world.company_a not in role.companies
            else world.company_a
        )
        for key, stage in (("quote", None), ("production", production)):
            oid = order(f"{role.login}/{key}", company, department, role.uid, stage)
            world.owner_of[("sale.order", oid)] = role.login
    order(
        "foreign-a", world.company_a, world.dept_foreign_a, False, production, hold=True
    )
    order("foreign-a-open", world.company_a, world.dept_foreign_a, False, production)
    order("foreign-b", world.company_b, world.dept_b, False, production, hold=True)
    order("foreign-b-open", world.company_b, world.dept_b, False, production)
    order("done-a", world.company_a, None, False, world.stages["stage_done"])
    order("done-b", world.company_b, None, False, world.stages["stage_done"])
    ids = sorted(world.probe_ids["sale.order"])
    for model in (
        "order.governance.check.line",
        "order.governance.hold",
        "order.governance.stage.log",
    ):
        world.probe_ids[model] |= set(admin.search(model, [("order_id", "in", ids)]))
    world.probe_ids["mail.activity"] |= set(
        admin.search(
            "mail.activity",
            [("res_model", "=", "sale.order"), ("res_id", "in", ids)],
        )
    )


def make_documents(admin, world):
    """Probe documents of the extended apps (meetings, transfers, manufacturing
    orders) in both companies, where the apps are installed."""
    officer_a = admin.ref("order_governance.user_omc_manager")
    for key, company in (("A", world.company_a), ("B", world.company_b)):
        context = {"allowed_company_ids": [company]}
        ok, event = attempt(
            admin.call,
            "calendar.event",
            "create",
            {
                "name": f"{PROBE_REF} {RUN} meeting {key}",
                "start": "2030-01-07 09:00:00",
                "stop": "2030-01-07 10:00:00",
                "governance_company_id": company,
                "partner_ids": [(6, 0, [])],
                "user_id": officer_a if key == "A" else admin.s.uid,
            },
            context=context,
        )
        if ok:
            world.probe_ids["calendar.event"].add(event)
            world.cleanup.append(("calendar.event", event))
            order = world.orders.get(f"foreign-{key.lower()}")
            ok, decision = attempt(
                admin.call,
                "order.governance.decision",
                "create",
                {"event_id": event, "order_id": order, "note": "probe"},
                context=context,
            )
            if ok:
                world.probe_ids["order.governance.decision"].add(decision)
        if admin.fields_of("stock.picking"):
            picking_type = admin.search(
                "stock.picking.type",
                [("code", "=", "internal"), ("company_id", "=", company)],
                limit=1,
            )
            if picking_type:
                ok, picking = attempt(
                    admin.call,
                    "stock.picking",
                    "create",
                    {
                        "picking_type_id": picking_type[0],
                        "origin": f"{PROBE_REF} {RUN}",
                        "company_id": company,
                    },
                    context=context,
                )
                if ok:
                    world.probe_ids["stock.picking"].add(picking)
        if admin.fields_of("mrp.production"):
            ok, production = attempt(
                admin.call,
                "mrp.production",
                "create",
                {
                    "product_id": world.product,
                    "product_qty": 1,
                    "origin": f"{PROBE_REF} {RUN}",
                    "company_id": company,
                },
                context=context,
            )
            if ok:
                world.probe_ids["mrp.production"].add(production)


# ---------------------------------------------------------------------------
# Roles: log in, facts
# ---------------------------------------------------------------------------
def load_roles(admin, url, db, admin_login, admin_password):
    logins = [admin_login, *DEMO_LOGINS, *PROBE_USERS, *ODOO_DEMO_LOGINS]
    roles = []
    group_xmlids = {
        row["res_id"]: f"{row['module']}.{row['name']}"
        for row in admin.call(
            "ir.model.data",
            "search_read",
            [("model", "=", "res.groups")],
            ["module", "name", "res_id"],
        )
    }
    for login in logins:
        password = admin_password if login == admin_login else login
        ok, session = attempt(Session, url, db, login, password)
        if not ok:
            print(f"  (no role {login}: {short(session)})")
            continue
        user = admin.read(
            "res.users",
            [session.uid],
            [
                "company_ids",
                "groups_id",
                "employee_ids",
                "governance_department_ids",
                "governance_managed_department_ids",
                "partner_id",
            ],
        )[0]
        role = Role(
            login,
            uid=session.uid,
            companies=set(user["company_ids"]),
            groups={group_xmlids.get(g, str(g)) for g in user["groups_id"]},
            departments=set(user["governance_department_ids"]),
            managed=set(user["governance_managed_department_ids"]),
            employee=(user["employee_ids"] or [0])[0],
            partner=m2o(user["partner_id"]),
            session=session,
        )
        session.context = {"allowed_company_ids": sorted(role.companies)}
        roles.append(role)
    return roles


# ---------------------------------------------------------------------------
# Catalogue: the records probed, with what the oracle needs of them
# ---------------------------------------------------------------------------
class Catalogue:
    """Candidate records of each model (the probe's first, then the demo's), as
    the administrator reads them: company, order, creator, name, state..."""

    def __init__(self, admin, world):
        self.admin, self.world = admin, world
        self.records = {}  # model -> {id: facts}
        self.order_facts = {}
        self.open_stays = set()

    def facts_fields(self, model):
        meta = self.admin.fields_of(model) or {}
        wanted = [
            "company_id",
            "governance_company_id",
            "order_id",
            "stage_id",
            "create_uid",
            "display_name",
            "res_model",
            "res_id",
            "user_id",
            "partner_ids",
            "log_id",
            "write_date",
            "done",
            "active",
            "state",
        ]
        return [name for name in wanted if name in meta]

    def candidates(self, model, transient=False, refresh=False):
        if model in self.records and not refresh:
            return self.records[model]
        domain = CANDIDATE_DOMAINS.get(model, [])
        probe = self.world.probe_ids.get(model, set())
        ids = set(self.admin.search(model, domain, limit=40, order="id desc"))
        ids |= probe
        self.records[model] = self.facts(model, sorted(ids))
        return self.records[model]

    def facts(self, model, ids):
        names = self.facts_fields(model)
        ok, rows = attempt(self.admin.read, model, list(ids), names)
        if not ok:  # another user's wizard, say: one by one, what the admin reads
            rows = []
            for record_id in list(ids)[:10]:
                ok, row = attempt(self.admin.read, model, [record_id], names)
                rows += row if ok else []
        return self.facts_of_rows(model, rows)

    def facts_of_rows(self, model, rows):
        order_ids = set()
        for row in rows:
            if model == "sale.order":
                order_ids.add(row["id"])
            elif m2o(row.get("order_id")):
                order_ids.add(m2o(row["order_id"]))
            elif row.get("res_model") == "sale.order" and row.get("res_id"):
                order_ids.add(row["res_id"])
        self.load_orders(order_ids)
        stages = {}
        stage_ids = {m2o(r.get("stage_id")) for r in rows if r.get("stage_id")}
        if model == "order.governance.check" and stage_ids:
            stages = {
                s["id"]: m2o(s["company_id"])
                for s in self.admin.read(
                    "order.governance.stage", list(stage_ids), ["company_id"]
                )
            }
        result = {}
        for row in rows:
            facts = {"id": row["id"], "name": row.get("display_name") or ""}
            for key in ("write_date", "done", "active", "state"):
                if key in row:
                    facts[f"own_{key}"] = row[key]
            facts["creator"] = m2o(row.get("create_uid"))
            order = None
            if model == "sale.order":
                order = row["id"]
            elif m2o(row.get("order_id")):
                order = m2o(row["order_id"])
            elif row.get("res_model") == "sale.order":
                order = row.get("res_id")
            company = m2o(row.get("company_id")) or m2o(
                row.get("governance_company_id")
            )
            if model == "order.governance.check":
                company = stages.get(m2o(row.get("stage_id")))
            if order and order in self.order_facts:
                facts.update(self.order_facts[order])
                company = company or self.order_facts[order]["company"]
            facts["company"] = company or None
            facts["order"] = order
            facts["probe"] = row["id"] in self.world.probe_ids.get(model, ())
            facts["owner"] = self.world.owner_of.get((model, row["id"]))
            if model == "calendar.event":
                facts["organizer"] = m2o(row.get("user_id"))
                facts["attendees"] = row.get("partner_ids") or []
            if model == "order.governance.check.line" and row.get("log_id"):
                facts["stay_open"] = m2o(row["log_id"]) in self.open_stays
            result[row["id"]] = facts
        return result

    def refresh_record(self, model, record_id):
        """The record's facts read again (None once it is deleted)."""
        if not self.admin.search(model, [("id", "=", record_id)]):
            self.records.get(model, {}).pop(record_id, None)
            return None
        old = self.records.get(model, {}).get(record_id) or {}
        self.order_facts.pop(old.get("order"), None)
        if model == "sale.order":
            self.order_facts.pop(record_id, None)
        facts = self.facts(model, [record_id])[record_id]
        self.records.setdefault(model, {})[record_id] = facts
        return facts

    def load_orders(self, ids):
        missing = [i for i in ids if i not in self.order_facts]
        if not missing:
            return
        rows = self.admin.read(
            "sale.order",
            missing,
            [
                "company_id",
                "state",
                "responsible_user_id",
                "responsible_department_id",
                "owner_department_id",
                "governance_stage_id",
                "governance_on_hold",
                "stage_log_ids",
                "write_date",
                "governance_hold_ids",
                "message_ids",
                "message_partner_ids",
            ],
        )
        stage_rows = self.admin.read(
            "order.governance.stage",
            list({m2o(r["governance_stage_id"]) for r in rows} - {False}),
            ["is_final", "is_cancel"],
        )
        stage_of = {s["id"]: s for s in stage_rows}
        logs = self.admin.call(
            "order.governance.stage.log",
            "search_read",
            [("order_id", "in", missing)],
            ["order_id", "date_out"],
        )
        closed = Counter(m2o(log["order_id"]) for log in logs if log["date_out"])
        self.open_stays -= {log["id"] for log in logs if log["date_out"]}
        self.open_stays |= {log["id"] for log in logs if not log["date_out"]}
        for row in rows:
            stage = stage_of.get(m2o(row["governance_stage_id"]), {})
            self.order_facts[row["id"]] = {
                "company": m2o(row["company_id"]),
                "state": row["state"],
                "responsible_user": m2o(row["responsible_user_id"]),
                "responsible_department": m2o(row["responsible_department_id"]),
                "owner_department": m2o(row["owner_department_id"]),
                "stage_is_final": bool(stage.get("is_final")),
                "stage_is_cancel": bool(stage.get("is_cancel")),
                "on_hold": row["governance_on_hold"],
                "first_stay": not closed[row["id"]],
                "order_write_date": row["write_date"],
                "holds": len(row["governance_hold_ids"]),
                "stays": len(row["stage_log_ids"]),
                "messages": len(row["message_ids"]),
                "followers": set(row["message_partner_ids"]),
            }

    def readable(self, role, model):
        """Ids among the candidates that ``role`` can read (his search)."""
        if model not in role.readable:
            ids = list(self.candidates(model))
            ok, found = attempt(
                role.session.call,
                model,
                "search",
                [("id", "in", ids)],
                context={"active_test": False},
            )
            role.readable[model] = set(found) if ok else set()
        return role.readable[model]

    def targets(self, role, model, own_limit=2, probe_only=False):
        """(own, foreign): lists of facts, the probe's records first; foreign ones
        of the role's companies (another department) and of another company."""
        records = self.candidates(model)
        readable = self.readable(role, model)

        def rank(facts):
            return (
                facts.get("owner") != role.login,
                not facts["probe"],
                -facts["id"],
            )

        own = sorted((records[i] for i in readable if i in records), key=rank)
        if probe_only:
            own = [f for f in own if f["probe"]]
        foreign = sorted(
            (f for i, f in records.items() if i not in readable),
            key=lambda f: (not f["probe"], -f["id"]),
        )
        inside = [f for f in foreign if f["company"] in role.companies][:1]
        outside = [f for f in foreign if f["company"] not in role.companies][:1]
        return own[:own_limit], inside + outside


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------
def plausible(admin, catalogue, world, role, model, name, meta, current):
    """A value of the field's type that differs from ``current``, chosen as an
    attacker would: himself, a department he is not in, the other company."""
    kind = meta["type"]
    if kind in ("char", "text", "html"):
        return "probe"
    if kind == "boolean":
        return not current
    if kind == "integer":
        return (current or 0) + 7
    if kind in ("float", "monetary"):
        return (current or 0) + 1.5
    if kind == "date":
        return "2031-01-02"
    if kind == "datetime":
        return "2031-01-02 03:04:05"
    if kind == "selection":
        options = [key for key, _label in meta.get("selection") or []]
        others = [key for key in options if key != current]
        if current is None:  # a new record: the option furthest from the default
            return others[-1] if others else False
        if name == "state" and "draft" in others and current != "draft":
            return "draft"
        return others[0] if others else False
    if kind in ("many2one", "many2many", "one2many"):
        value = _link_value(admin, catalogue, world, role, meta["relation"], current)
        if not value:
            return None
        if kind == "many2one":
            return value
        if kind == "many2many":
            return [(6, 0, [value])]
        return [(4, value)]
    return None


def _link_value(admin, catalogue, world, role, comodel, current):
    current_ids = set(current if isinstance(current, list) else [m2o(current)])
    if comodel == "res.users":
        choice = [role.uid]
    elif comodel == "hr.employee":
        choice = [role.employee] if role.employee else []
    elif comodel == "hr.department":
        choice = [world.dept_foreign_a, world.dept_b]
        choice = [d for d in choice if d not in role.departments]
    elif comodel == "res.company":
        choice = [world.company_b, world.company_a]
    elif comodel == "sale.order":
        choice = [
            world.orders.get("foreign-b-open"),
            world.orders.get("foreign-a-open"),
        ]
    else:
        choice = sorted(world.probe_ids.get(comodel, ())) or admin.search(
            comodel, [], limit=3
        )
    choice = [c for c in choice if c and c not in current_ids]
    return choice[0] if choice else None


# ---------------------------------------------------------------------------
# Phase: writes
# ---------------------------------------------------------------------------
def write_fields(admin, surface):
    meta = admin.fields_of(surface.model) or {}
    names = set(surface.fields) | (surface.guarded & set(meta))
    names |= set(EXTRA_WRITE_FIELDS.get(surface.model, ())) & set(meta)
    result = []
    for name in sorted(names):
        info = meta.get(name)
        if not info or info["type"] in ("binary", "properties", "json", "reference"):
            continue
        if not info.get("store") and info.get("readonly"):
            continue  # a computed field without inverse: a write is ignored
        result.append((name, info))
    return result


def write_allowed(role, model, name, facts):
    keys = [(model, name), (model, "*"), ("*", "*")]
    if model in TRANSIENT:
        keys.insert(2, ("transient", "*"))
    for key in keys:
        if key in WRITE_ALLOWED:
            predicate, why = WRITE_ALLOWED[key]
            if predicate(role, facts):
                return why
    return None


def same(before, after):
    if (
        isinstance(before, list)
        and before
        and isinstance(before[0], int)
        and len(before) == 2
        and isinstance(before[1], str)
    ):
        before = before[0]
    if (
        isinstance(after, list)
        and after
        and isinstance(after[0], int)
        and len(after) == 2
        and isinstance(after[1], str)
    ):
        after = after[0]
    if isinstance(before, list) and isinstance(after, list):
        return sorted(map(str, before)) == sorted(map(str, after))
    if isinstance(before, float) and isinstance(after, float):
        return before == after or (math.isnan(before) and math.isnan(after))
    return before == after


def restore_value(info, before):
    kind = info["type"]
    if kind == "many2one":
        return m2o(before)
    if kind == "many2many":
        return [(6, 0, before or [])]
    if kind == "one2many":
        return None
    return before


def probe_writes(admin, catalogue, world, roles, surfaces, rec):
    for surface in surfaces:
        if surface.abstract:
            continue
        names = write_fields(admin, surface)
        if not names:
            continue
        for role in roles:
            own, foreign = catalogue.targets(role, surface.model, own_limit=1)
            if surface.model not in world.probe_ids and surface.model not in (
                "hr.department",
                "hr.employee",
                "res.company",
                "res.users",
                "digest.digest",
                "order.governance.hold.reason",
            ):
                pass
            targets = [("own", f) for f in own] + [("foreign", f) for f in foreign]
            for label, facts in targets:
                ok, before_row = attempt(
                    admin.read, surface.model, [facts["id"]], [n for n, _i in names]
                )
                if not ok or not before_row:
                    continue  # (another user's wizard the administrator cannot read)
                for name, info in names:
                    _probe_write(
                        admin,
                        catalogue,
                        world,
                        role,
                        surface.model,
                        name,
                        info,
                        label,
                        facts,
                        before_row[0].get(name),
                        rec,
                    )


def _probe_write(
    admin, catalogue, world, role, model, name, info, label, facts, before, rec
):
    value = plausible(admin, catalogue, world, role, model, name, info, before)
    target = (
        f"{label} #{facts['id']} ({facts['company'] and 'co' + str(facts['company'])})"
    )
    if value is None:
        return
    ok, result = attempt(
        role.session.call, model, "write", [facts["id"]], {name: value}
    )
    if not ok:
        rec.add(
            role, "write", model, name, target, fault_verdict(result), short(result)
        )
        return
    ok, after = attempt(admin.read, model, [facts["id"]], [name])
    after = after[0].get(name) if ok and after else None
    if same(before, after):
        rec.add(role, "write", model, name, target, "refused", "accepted, no effect")
        return
    why = write_allowed(role, model, name, facts) if label == "own" else None
    detail = f"{before!r} -> {after!r}"
    if why:
        rec.add(role, "write", model, name, target, "allowed", why)
        _garbage_writes(admin, role, model, name, info, facts, target, rec)
    else:
        rec.add(role, "write", model, name, target, "bypass", detail)
    restore = restore_value(info, before)
    if restore is not None:
        ok, fault = attempt(admin.call, model, "write", [facts["id"]], {name: restore})
        if not ok and not facts["probe"]:
            print(
                f"  ! could not restore {model}.{name} #{facts['id']}: {short(fault)}"
            )
    # the role's view of what it reads may have changed (departments...)
    role.readable.clear()
    if model in ("hr.department", "hr.employee"):
        refresh_role(admin, role)


def _garbage_writes(admin, role, model, name, info, facts, target, rec):
    """A field the role may write, with garbage of its type: refused, or stored
    as a value the web client can read back."""
    if name not in SURFACES.get(model, Surface(model)).fields:
        return  # a standard field: garbage in it tests Odoo, not the addons
    for label, value in WIZARD_GARBAGE.get(info["type"], []):
        if (
            info["type"] in ("many2one", "many2many")
            or label == "huge"
            and (info["type"] == "integer")
        ):
            continue  # a missing record, an int4 overflow: Odoo's own
        ok, result = attempt(
            role.session.call, model, "write", [facts["id"]], {name: value}
        )
        member = f"{name}={label}"
        if not ok:
            rec.add(
                role,
                "write",
                model,
                member,
                target,
                fault_verdict(result),
                short(result),
            )
            continue
        ok, row = attempt(admin.read, model, [facts["id"]], [name])
        stored = row[0].get(name) if ok and row else None
        if non_finite(stored):
            rec.add(
                role,
                "write",
                model,
                member,
                target,
                "crash",
                "stored a NaN/Infinity: the web client cannot read it back",
            )
        else:
            rec.add(
                role,
                "write",
                model,
                member,
                target,
                "allowed",
                f"a value of the field's type, stored as {stored!r}",
            )


def refresh_role(admin, role):
    user = admin.read(
        "res.users",
        [role.uid],
        ["governance_department_ids", "governance_managed_department_ids"],
    )[0]
    role.departments = set(user["governance_department_ids"])
    role.managed = set(user["governance_managed_department_ids"])


# ---------------------------------------------------------------------------
# Phase: creates
# ---------------------------------------------------------------------------
def base_values(admin, world, role, model):
    """Minimal values of a new record of an extended model, in the role's
    company (None: not probed)."""
    company = min(role.companies) if role.companies else world.company_a
    if model == "sale.order":
        return {"partner_id": world.partner, "company_id": company}
    if model == "calendar.event":
        return {
            "name": f"{PROBE_REF} {RUN} create",
            "start": "2030-01-08 09:00:00",
            "stop": "2030-01-08 10:00:00",
        }
    if model == "hr.department":
        return {"name": f"{PROBE_REF} {RUN} department", "company_id": company}
    if model == "hr.employee":
        return {"name": f"{PROBE_REF} {RUN} employee", "company_id": company}
    if model == "mail.activity":
        order = (
            world.orders.get(f"{role.login}/quote") or world.orders["foreign-a-open"]
        )
        return {
            "res_model_id": admin.search("ir.model", [("model", "=", "sale.order")])[0],
            "res_id": order,
            "activity_type_id": admin.ref("mail.mail_activity_data_todo"),
            "summary": "probe",
            "user_id": role.uid,
        }
    return None


def required_values(admin, catalogue, world, role, model):
    """Values for the required fields of an addon model (the role's own records
    where it reads some)."""
    meta = admin.fields_of(model) or {}
    values = {}
    for name, info in meta.items():
        if not info.get("required") or name in ("id", "create_uid", "write_uid"):
            continue
        if info["type"] in ("many2one",):
            comodel = info["relation"]
            own, foreign = (
                catalogue.targets(role, comodel)
                if comodel in world.probe_ids
                else ([], [])
            )
            pick = (own or foreign or [{"id": None}])[0]["id"]
            values[name] = pick or (admin.search(comodel, [], limit=1) or [False])[0]
        elif info["type"] == "selection":
            values[name] = (info.get("selection") or [[False]])[0][0]
        elif info["type"] in ("char", "text", "html"):
            values[name] = f"{PROBE_REF} probe"
        elif info["type"] in ("integer", "float", "monetary"):
            values[name] = 1
        elif info["type"] == "date":
            values[name] = "2030-01-01"
        elif info["type"] == "datetime":
            values[name] = "2030-01-01 00:00:00"
        elif info["type"] == "boolean":
            values[name] = False
    return values


def create_allowed(role, model, name=None):
    for key in (f"{model}.{name}", model, "*"):
        if key in CREATE_ALLOWED:
            predicate, why = CREATE_ALLOWED[key]
            if predicate(role, {}):
                return why
    return None


def probe_creates(admin, catalogue, world, roles, surfaces, rec, transient):
    for surface in surfaces:
        model = surface.model
        if surface.abstract or model in transient:
            continue
        if surface.own:
            for role in roles:
                values = required_values(admin, catalogue, world, role, model)
                _probe_create(admin, role, model, "required fields", values, None, rec)
        elif surface.overrides_create:
            meta = admin.fields_of(model) or {}
            names = [n for n, _i in write_fields(admin, surface)]
            for role in roles:
                base = base_values(admin, world, role, model)
                if base is None:
                    continue
                for name in names:
                    value = plausible(
                        admin, catalogue, world, role, model, name, meta[name], None
                    )
                    if value is None:
                        continue
                    _probe_create(
                        admin, role, model, name, {**base, name: value}, name, rec
                    )


def _probe_create(admin, role, model, member, values, name, rec):
    ok, result = attempt(role.session.call, model, "create", values)
    if not ok:
        rec.add(
            role, "create", model, member, "new", fault_verdict(result), short(result)
        )
        return
    new_id = result[0] if isinstance(result, list) else result
    detail = f"created #{new_id}"
    if name:
        row = admin.read(model, [new_id], [name])
        stored = row[0].get(name) if row else None
        meta = admin.fields_of(model)[name]
        default = {"boolean": False}.get(meta["type"], False)
        sent = values[name]
        if meta["type"] == "many2one":
            stored = m2o(stored)
        if meta["type"] in ("many2many", "one2many"):
            effect = bool(stored)
        else:
            effect = stored not in (default, None, 0, "", "none") and (
                stored == sent or meta["type"] in ("datetime", "float", "monetary")
            )
        if not effect:
            rec.add(
                role, "create", model, member, "new", "refused", "accepted, no effect"
            )
            _cleanup(admin, model, new_id)
            return
        detail = f"created #{new_id} with {name}={stored!r}"
    why = create_allowed(role, model, name)
    rec.add(
        role,
        "create",
        model,
        member,
        "new",
        "allowed" if why else "bypass",
        why or detail,
    )
    _cleanup(admin, model, new_id)


def _cleanup(admin, model, record_id):
    ok, _fault = attempt(admin.call, model, "unlink", [record_id])
    if not ok and model == "sale.order":
        attempt(admin.call, model, "action_cancel", [record_id])


# ---------------------------------------------------------------------------
# Phase: calls (public methods)
# ---------------------------------------------------------------------------
# Methods run on own records in this order: those that only read first, those
# that end an order's life last.
CALL_ORDER = [
    "action_untick",
    "action_tick",
    "governance_resume",
    "governance_hold",
    "governance_reassign",
    "action_governance_next",
    "governance_move",
    "web_save",
    "message_post",
    "button_start",
    "button_mark_done",
    "action_cancel",
    "unlink",
]


def call_order(method):
    return CALL_ORDER.index(method.name) + 1 if method.name in CALL_ORDER else 0


def sensible_variants(world, role, model, method, facts):
    """[(label, args, kwargs)]: the arguments a client would send."""
    name = method.name
    stage_first = world.stages["stage_received"]
    stage_final = world.stages["stage_done"]
    if name == "governance_move":
        return [
            ("back", [stage_first, "probe: back", False], {}),
            ("forced", [stage_final, "probe: forced", True], {}),
        ]
    if name == "governance_hold":
        return [("hold", [world.hold_reason, "probe"], {})]
    if name == "governance_reassign":
        department = (facts or {}).get("responsible_department") or world.dept_foreign_a
        return [("reassign", [department, False], {})]
    if name == "message_post":
        tracking = [
            (
                0,
                0,
                {
                    "field_id": world.tracking_field,
                    "old_value_char": "Production",
                    "new_value_char": "Done",
                },
            )
        ]
        return [
            ("comment", [], {"body": "probe", "message_type": "comment"}),
            ("tracking", [], {"body": "probe", "tracking_value_ids": tracking}),
        ]
    if name == "web_save":
        return [
            ("save", [{}, {"display_name": {}}], {}),
            (
                "stage-jump",
                [{"governance_stage_id": stage_final}, {"display_name": {}}],
                {},
            ),
        ]
    if name == "default_get":
        return [("defaults", [["governance_stage_id", "responsible_user_id"]], {})]
    if name == "generate":
        return [("workbook", [[], []], {})]
    args = [None for _param, has_default in method.params if not has_default]
    return [("plain", args, {})]


def param_kind(method, param):
    return PARAM_KINDS.get((method.name, param)) or PARAM_KINDS.get(param, "any")


def garbage_variants(method, args):
    """One argument at a time replaced by garbage not valid for its kind."""
    variants = []
    for index, (param, _has_default) in enumerate(method.params):
        kind = param_kind(method, param)
        for label, value in GARBAGE:
            if label in VALID_FOR_KIND.get(kind, set()):
                continue
            new = list(args) + [None] * (index + 1 - len(args))
            new[index] = value
            variants.append((f"{param}={label}", new, {}))
    return variants


def call_allowed(role, model, method, facts, variant):
    if method in PURE_ACTIONS:
        return CALL_ALLOWED[("*", "pure")][1]
    key = (model, method)
    if key not in CALL_ALLOWED:
        return None
    predicate, why = CALL_ALLOWED[key]
    facts = {**(facts or {}), "variant": variant}
    if variant == "tracking" or variant == "stage-jump":
        return None  # README: refused to everyone
    return why if predicate(role, facts) else None


def names_in(result, facts_list):
    """The foreign records whose name the answer holds."""
    text = json.dumps(result, default=str)
    return [
        f
        for f in facts_list
        if f.get("name") and len(f["name"]) > 3 and f["name"] in text
    ]


def run_call(role, model, method, ids, args, kwargs):
    if method.is_model or ids is None:
        return attempt(role.session.call, model, method.name, *args, **kwargs)
    return attempt(role.session.call, model, method.name, ids, *args, **kwargs)


IGNORED_FACTS = {"name", "probe", "owner", "attendees", "followers"}


def changes(before, after):
    """The facts that differ (a deleted record: ``["deleted"]``)."""
    if after is None:
        return ["deleted"]
    return sorted(
        key
        for key in set(before) | set(after)
        if key not in IGNORED_FACTS and before.get(key) != after.get(key)
    )


def classify_call(
    role, model, method, label, variant, facts, ok, result, rec, target, after=None
):
    """The verdict of a method's answer (``after``: the record's facts since)."""
    member = f"{method.name}({variant})"
    if not ok:
        return rec.add(
            role,
            "call",
            model,
            member,
            target,
            fault_verdict(result, label),
            short(result),
        )
    if non_finite(result):
        return rec.add(
            role, "call", model, member, target, "crash", "answer holds NaN/Infinity"
        )
    answer = json.dumps(result, default=str)[:200]
    if label in ("empty", "missing"):
        return rec.add(
            role,
            "call",
            model,
            member,
            target,
            "allowed",
            f"no record: nothing to change or show ({answer[:80]})",
        )
    if label == "foreign" and after is None and method.name == "unlink":
        return rec.add(
            role,
            "call",
            model,
            "unlink",
            target,
            "bypass",
            "deleted a record the role cannot read",
        )
    if label == "foreign" and is_admin(role):
        return rec.add(role, "call", model, member, target, "allowed", ADMIN_WHY)
    if label == "foreign":
        named = names_in(result, [facts])
        if named:
            return rec.add(
                role,
                "call",
                model,
                member,
                target,
                "leak",
                f"answer names {facts['name']!r}: {answer}",
            )
        changed = changes(facts, after) if after is not None else ["deleted"]
        if facts.get("order") and not changed:
            return rec.add(
                role,
                "call",
                model,
                member,
                target,
                "refused",
                f"accepted, nothing changed on the order ({answer[:80]})",
            )
        if method.name == "message_post" and role.partner in facts.get("followers", ()):
            return rec.add(role, "call", model, member, target, "allowed", FOLLOWER_WHY)
        if facts.get("order"):
            return rec.add(
                role,
                "call",
                model,
                member,
                target,
                "bypass",
                f"changed {changed} of an order the role cannot read: {answer[:120]}",
            )
        if method.name in PURE_ACTIONS:
            return rec.add(
                role,
                "call",
                model,
                member,
                target,
                "allowed",
                CALL_ALLOWED[("*", "pure")][1] + " (names nothing)",
            )
        return rec.add(
            role,
            "call",
            model,
            member,
            target,
            "bypass",
            f"ran on a record the role cannot read: {answer}",
        )
    changed = changes(facts, after) if after is not None or facts else []
    if label == "garbage":
        if not changed:
            return rec.add(
                role,
                "call",
                model,
                member,
                target,
                "allowed",
                f"garbage accepted but nothing changed ({answer[:80]})",
            )
        return rec.add(
            role,
            "call",
            model,
            member,
            target,
            "bypass",
            f"argument accepted unchecked, the record changed: {changed}",
        )
    why = call_allowed(role, model, method.name, {**facts, "answer": result}, variant)
    if why:
        return rec.add(role, "call", model, member, target, "allowed", why)
    if not changed:
        return rec.add(
            role,
            "call",
            model,
            member,
            target,
            "allowed",
            f"nothing changed on a record the role reads ({answer[:80]})",
        )
    return rec.add(
        role,
        "call",
        model,
        member,
        target,
        "bypass",
        f"not in the allow-list for this role/record; changed {changed}: {answer}",
    )


def probe_calls(
    admin, catalogue, world, roles, surfaces, rec, transient, garbage_roles
):
    for surface in surfaces:
        model = surface.model
        methods = sorted(
            (
                m
                for m in surface.methods.values()
                if (m.name not in CALL_SKIP or m.name == "default_get")
                and m.name != "unlink"
            ),
            key=call_order,
        )
        if not methods or (model in transient and model in WIZARD_ALLOWED):
            continue
        for role in roles:
            garbage = role.login in garbage_roles
            for method in methods:
                if surface.abstract and (
                    not method.is_model or method.name in ORM_METHODS
                ):
                    continue  # a mixin's method: probed on the models using it
                if method.name == "default_get" or method.is_model:
                    _call_model_method(role, model, method, garbage, rec)
                else:
                    _call_record_method(
                        admin, catalogue, world, role, model, method, garbage, rec
                    )


def _call_model_method(role, model, method, garbage, rec):
    variants = sensible_variants(WORLD, role, model, method, None)
    for variant, args, kwargs in variants:
        ok, result = attempt(role.session.call, model, method.name, *args, **kwargs)
        _classify_model_call(role, model, method, variant, ok, result, rec)
    if garbage and method.name not in ORM_METHODS:
        for variant, args, kwargs in garbage_variants(method, variants[0][1]):
            ok, result = attempt(role.session.call, model, method.name, *args, **kwargs)
            _classify_model_call(
                role, model, method, variant, ok, result, rec, garbage=True
            )


def _classify_model_call(role, model, method, variant, ok, result, rec, garbage=False):
    member = f"{method.name}({variant})"
    if not ok:
        return rec.add(
            role, "call", model, member, "model", fault_verdict(result), short(result)
        )
    if non_finite(result):
        return rec.add(
            role, "call", model, member, "model", "crash", "answer holds NaN/Infinity"
        )
    if method.name == "default_get" and not garbage:
        return rec.add(
            role,
            "call",
            model,
            member,
            "model",
            "allowed",
            "defaults of a new record, no record's data",
        )
    if garbage:
        return rec.add(
            role,
            "call",
            model,
            member,
            "model",
            "bypass",
            f"argument accepted unchecked: {json.dumps(result, default=str)[:160]}",
        )
    why = call_allowed(role, model, method.name, {}, variant)
    return rec.add(
        role,
        "call",
        model,
        member,
        "model",
        "allowed" if why else "bypass",
        why or f"not in the allow-list: {json.dumps(result, default=str)[:160]}",
    )


def _call_record_method(admin, catalogue, world, role, model, method, garbage, rec):
    own, foreign = catalogue.targets(role, model, probe_only=True)
    for facts in foreign:
        for variant, args, kwargs in sensible_variants(
            world, role, model, method, facts
        ):
            before = catalogue.refresh_record(model, facts["id"])
            if before is None:
                continue
            ok, result = run_call(role, model, method, [facts["id"]], args, kwargs)
            target = f"foreign #{facts['id']} (co{facts['company']})"
            after = catalogue.refresh_record(model, facts["id"]) if ok else before
            classify_call(
                role,
                model,
                method,
                "foreign",
                variant,
                before,
                ok,
                result,
                rec,
                target,
                after=after,
            )
    base_args = None
    for facts in own:
        for variant, args, kwargs in sensible_variants(
            world, role, model, method, facts
        ):
            fresh = catalogue.refresh_record(model, facts["id"])
            if fresh is None:
                continue  # deleted by an earlier (allowed) call
            base_args = base_args or args
            ok, result = run_call(role, model, method, [facts["id"]], args, kwargs)
            target = f"own #{facts['id']} (co{facts['company']})"
            after = catalogue.refresh_record(model, facts["id"]) if ok else fresh
            classify_call(
                role,
                model,
                method,
                "own",
                variant,
                fresh,
                ok,
                result,
                rec,
                target,
                after=after,
            )
    variants = sensible_variants(world, role, model, method, own[0] if own else None)
    variant, args, kwargs = variants[0]
    for label, ids in (("empty", []), ("missing", [2**31 - 1])):
        ok, result = run_call(role, model, method, ids, args, kwargs)
        classify_call(role, model, method, label, variant, {}, ok, result, rec, label)
    if garbage and own and method.params and method.name not in ORM_METHODS:
        facts = own[0]
        for gvariant, gargs, gkwargs in garbage_variants(method, base_args or args):
            fresh = catalogue.refresh_record(model, facts["id"])
            if fresh is None:
                break
            ok, result = run_call(role, model, method, [facts["id"]], gargs, gkwargs)
            after = catalogue.refresh_record(model, facts["id"]) if ok else fresh
            classify_call(
                role,
                model,
                method,
                "garbage",
                gvariant,
                fresh,
                ok,
                result,
                rec,
                f"own #{facts['id']}",
                after=after,
            )


# ---------------------------------------------------------------------------
# Phase: unlink (last: it deletes), on copies made for each role
# ---------------------------------------------------------------------------
def unlink_targets(admin, world, role, model):
    """Records the role tries to delete: its own quotation, and copies of the
    probe's records of both companies (made for this role: each role finds
    them there, whoever deleted the previous ones)."""
    if model == "sale.order":
        ids = [world.orders.get(f"{role.login}/quote")]
        for key, department in (
            ("foreign-a-open", world.dept_foreign_a),
            ("foreign-b-open", world.dept_b),
        ):
            ok, copy = attempt(admin.call, model, "copy", [world.orders[key]])
            if ok:
                attempt(
                    admin.call, model, "governance_reassign", [copy], department, False
                )
                ids.append(copy)
        return [i for i in ids if i]
    templates = {}
    for record_id in sorted(world.probe_ids.get(model, ())):
        facts = CATALOGUE.candidates(model).get(record_id)
        if facts:
            templates.setdefault(facts["company"], record_id)
    ids = []
    for template in templates.values():
        ok, copy = attempt(admin.call, model, "copy", [template])
        ids.append(copy if ok else template)
    return ids


def probe_unlinks(admin, catalogue, world, roles, surfaces, rec):
    for surface in surfaces:
        if "unlink" not in surface.methods:
            continue
        model = surface.model
        for role in roles:
            ids = unlink_targets(admin, world, role, model)
            if not ids:
                continue
            facts_of = catalogue.facts(model, ids)
            ok, readable = attempt(
                role.session.call,
                model,
                "search",
                [("id", "in", ids)],
                context={"active_test": False},
            )
            readable = set(readable) if ok else set()
            for record_id, facts in facts_of.items():
                label = "own" if record_id in readable else "foreign"
                ok, result = attempt(role.session.call, model, "unlink", [record_id])
                after = catalogue.refresh_record(model, record_id) if ok else facts
                classify_call(
                    role,
                    model,
                    Method("unlink", [], False, False),
                    label,
                    "plain",
                    facts,
                    ok,
                    result,
                    rec,
                    f"{label} #{record_id} (co{facts['company']})",
                    after=after,
                )
                if after is not None:
                    _cleanup(admin, model, record_id)


# set by main(): the prepared world and its catalogue (read by the helpers)
TRANSIENT = set()
SURFACES = {}
COMPANY_NAMES = {}
WORLD = None
CATALOGUE = None


# ---------------------------------------------------------------------------
# Phase: wizards (transient models and their buttons)
# ---------------------------------------------------------------------------
def wizard_values(admin, catalogue, world, role, model, side):
    """Values of a wizard on the role's own records (``side`` "own") or on
    records it cannot read; (values, facts of the order or record concerned)."""
    meta = admin.fields_of(model) or {}
    values, facts = {}, {}
    own_company = min(role.companies) if role.companies else world.company_a
    other = world.company_b if own_company != world.company_b else world.company_a
    for name, info in meta.items():
        if info.get("readonly") and not info.get("required"):
            continue
        if name in ("id", "create_uid", "write_uid", "display_name") or not info.get(
            "store", True
        ):
            continue
        kind, comodel = info["type"], info.get("relation")
        if kind in ("many2one", "many2many") and comodel:
            ids, facts = _wizard_link(
                catalogue, world, role, model, comodel, side, facts, own_company, other
            )
            if not ids or not ids[0]:
                if info.get("required"):
                    return None, None
                continue
            values[name] = ids[0] if kind == "many2one" else [(6, 0, ids)]
        else:
            value = _wizard_scalar(name, info)
            if value is not None:
                values[name] = value
    return values, facts


def _wizard_link(catalogue, world, role, model, comodel, side, facts, own, other):
    """(ids, facts): the records a wizard's link gets on the ``side`` asked."""
    if comodel == "res.company":
        if side == "foreign" and not facts:
            facts = {
                "id": other,
                "name": COMPANY_NAMES.get(other, ""),
                "company": other,
            }
        return [own if side == "own" else other], facts
    if comodel == "res.users":
        return [role.uid], facts
    if comodel == "hr.department":
        if side == "own":
            return sorted(role.departments)[:1], facts
        return [world.dept_foreign_a], facts
    if comodel == "order.governance.hold.reason":
        return [world.hold_reason], facts
    if comodel == "order.governance.stage" and model == "order.governance.send.back":
        return [world.stages["stage_received"]], facts
    if comodel not in world.probe_ids:
        return [], facts
    mine, foreign = catalogue.targets(role, comodel, probe_only=True)
    if side == "own":
        pick = mine[:1]
    else:
        outside = [f for f in foreign if f["company"] not in role.companies]
        pick = outside[:1] or foreign[:1]
    if pick and (not facts or comodel == "sale.order"):
        facts = pick[0]
    return [f["id"] for f in pick], facts


def _wizard_scalar(name, info):
    """A client's value for a wizard's plain field (None: left to its default)."""
    kind, required = info["type"], info.get("required")
    if kind == "date":
        return "2026-01-31" if name.endswith("_to") else "2026-01-01"
    if kind == "datetime":
        return "2030-01-07 09:00:00"
    if kind in ("char", "text") and (required or name in ("reason", "note")):
        return "probe"
    if kind == "float" and required:
        return 1.0
    if kind == "selection" and required:
        return (info.get("selection") or [[False]])[0][0]
    return None


WIZARD_GARBAGE = {
    "date": [("date-min", "0001-01-01"), ("date-max", "9999-12-31")],
    "datetime": [
        ("date-min", "0001-01-01 00:00:00"),
        ("date-max", "9999-12-31 23:59:59"),
    ],
    "float": [("nan", NAN), ("huge", 1e308), ("negative", -1.0)],
    "integer": [("huge", 2**31), ("negative", -1)],
    "many2one": [("missing", 2**31 - 1)],
    "many2many": [("missing", [(6, 0, [2**31 - 1])])],
}
# (Not sent: a text for a link, an unknown selection key, a dict for a text: Odoo's
# fields crash on them in any model, a core behaviour, not the addons'.)


def probe_wizards(
    admin, catalogue, world, roles, surfaces, rec, transient, garbage_roles
):
    for surface in surfaces:
        model = surface.model
        if model not in transient or model not in WIZARD_ALLOWED:
            continue
        buttons = [
            m
            for m in surface.methods.values()
            if m.name not in CALL_SKIP and not m.is_model and m.name != "unlink"
        ]
        meta = admin.fields_of(model) or {}
        for role in roles:
            # administrators belong to both companies: nothing is foreign to them
            for side in ("own",) if is_admin(role) else ("own", "foreign"):
                values, facts = wizard_values(
                    admin, catalogue, world, role, model, side
                )
                if values is None:
                    continue
                _probe_wizard(
                    admin,
                    catalogue,
                    role,
                    model,
                    buttons,
                    side,
                    side,
                    values,
                    facts,
                    rec,
                )
            if role.login not in garbage_roles:
                continue
            values, facts = wizard_values(admin, catalogue, world, role, model, "own")
            if values is None:
                continue
            for name, info in meta.items():
                if name not in values and not (
                    info.get("store") and not info.get("readonly")
                ):
                    continue
                if name in ("id",) or name not in surface.fields:
                    continue
                for label, value in WIZARD_GARBAGE.get(info["type"], []):
                    _probe_wizard(
                        admin,
                        catalogue,
                        role,
                        model,
                        buttons,
                        "garbage",
                        f"{name}={label}",
                        {**values, name: value},
                        facts,
                        rec,
                    )


def _probe_wizard(
    admin, catalogue, role, model, buttons, side, variant, values, facts, rec
):
    target = f"{side} {('#' + str(facts['id'])) if facts else ''}".strip()
    ok, result = attempt(role.session.call, model, "create", values)
    member = f"create({variant})"
    if not ok:
        rec.add(
            role, "call", model, member, target, fault_verdict(result), short(result)
        )
        return
    wizard = result[0] if isinstance(result, list) else result
    ok, rows = attempt(role.session.call, model, "read", [wizard])
    if not ok:
        rec.add(
            role,
            "call",
            model,
            "read" + member[6:],
            target,
            fault_verdict(rows),
            short(rows),
        )
        return
    if non_finite(rows):
        rec.add(
            role,
            "call",
            model,
            member,
            target,
            "crash",
            "stored a NaN/Infinity: the web client cannot read it back (not JSON)",
        )
    elif side == "foreign" and facts and names_in(rows, [facts]):
        rec.add(
            role,
            "call",
            model,
            member,
            target,
            "leak",
            f"the wizard shows {facts['name']!r} of a record the role cannot read",
        )
    else:
        rec.add(
            role,
            "call",
            model,
            member,
            target,
            "allowed",
            "a wizard is the user's own draft (its buttons are probed)",
        )
    for method in buttons:
        if facts and facts.get("order"):
            facts = catalogue.refresh_record("sale.order", facts["order"]) or facts
        ok, result = attempt(role.session.call, model, method.name, [wizard])
        name = f"{method.name}({variant})"
        after = None
        if ok and facts and facts.get("order"):
            after = catalogue.refresh_record("sale.order", facts["order"])
        changed = (
            changes(facts, after)
            if after is not None or (ok and facts and facts.get("order"))
            else None
        )
        if not ok:
            rec.add(
                role, "call", model, name, target, fault_verdict(result), short(result)
            )
        elif non_finite(result):
            rec.add(
                role, "call", model, name, target, "crash", "answer holds NaN/Infinity"
            )
        elif side == "foreign" and changed == []:
            rec.add(
                role,
                "call",
                model,
                name,
                target,
                "refused",
                "accepted, nothing changed on the order",
            )
        elif side == "own" and changed == []:
            rec.add(
                role,
                "call",
                model,
                name,
                target,
                "allowed",
                "nothing changed on an order the role reads",
            )
        elif side == "foreign":
            verdict = "leak" if facts and names_in(result, [facts]) else "bypass"
            rec.add(
                role,
                "call",
                model,
                name,
                target,
                verdict,
                "ran on a record the role cannot read: "
                + json.dumps(result, default=str)[:160],
            )
        elif side == "garbage":
            rec.add(
                role,
                "call",
                model,
                name,
                target,
                "allowed",
                "the wizard's own input (a value of its type): only crashes count",
            )
        else:
            predicate, why = WIZARD_ALLOWED[model]
            if method.name in PURE_ACTIONS or predicate(role, facts or {}):
                rec.add(role, "call", model, name, target, "allowed", why)
            else:
                rec.add(
                    role,
                    "call",
                    model,
                    name,
                    target,
                    "bypass",
                    f"not in the allow-list ({why}); changed {changed}: "
                    f"{json.dumps(result, default=str)[:120]}",
                )


# ---------------------------------------------------------------------------
# Phase: scenario probes (README promises that no single method shows)
# ---------------------------------------------------------------------------
def probe_scenarios(admin, catalogue, world, roles, rec, url, db):
    _probe_forged_tracking(admin, catalogue, world, roles, rec)
    _probe_workbook(admin, world, roles, rec, url, db)


def _probe_forged_tracking(admin, catalogue, world, roles, rec):
    """README, *The chatter's field changes are Odoo's*: a message with tracking
    values ("Stage: Production -> Done") made over RPC, by any path."""
    for role in roles:
        own, foreign = catalogue.targets(
            role, "sale.order", own_limit=1, probe_only=True
        )
        for label, facts in [("own", f) for f in own] + [
            ("foreign", f) for f in foreign
        ]:
            values = {
                "model": "sale.order",
                "res_id": facts["id"],
                "body": "probe",
                "message_type": "comment",
                "tracking_value_ids": [
                    (
                        0,
                        0,
                        {
                            "field_id": world.tracking_field,
                            "old_value_char": "Production",
                            "new_value_char": "Done",
                        },
                    )
                ],
            }
            ok, result = attempt(role.session.call, "mail.message", "create", values)
            target = f"{label} #{facts['id']}"
            if not ok:
                rec.add(
                    role,
                    "create",
                    "mail.message",
                    "tracking_value_ids",
                    target,
                    fault_verdict(result),
                    short(result),
                )
                continue
            message = result[0] if isinstance(result, list) else result
            tracked = admin.read("mail.message", [message], ["tracking_value_ids"])
            if tracked and tracked[0]["tracking_value_ids"]:
                rec.add(
                    role,
                    "create",
                    "mail.message",
                    "tracking_value_ids",
                    target,
                    "bypass",
                    f"forged tracking message #{message} on {facts['name']}",
                )
            else:
                rec.add(
                    role,
                    "create",
                    "mail.message",
                    "tracking_value_ids",
                    target,
                    "refused",
                    "accepted, no tracking value kept",
                )
            attempt(admin.call, "mail.message", "unlink", [message])


def _probe_workbook(admin, world, roles, rec, url, db):
    """README: the KPI workbook is downloadable by the user who made it only."""
    maker = next(
        (r for r in roles if r.officer and world.company_a in r.companies), None
    )
    if not maker:
        return
    ok, wizard = attempt(
        maker.session.call,
        "order.governance.kpi.export",
        "create",
        {"date_from": "2026-01-01", "date_to": "2026-01-31"},
    )
    if not ok:
        return
    ok, action = attempt(
        maker.session.call, "order.governance.kpi.export", "action_export", [wizard]
    )
    if not ok or not isinstance(action, dict) or "url" not in action:
        return
    path = action["url"]
    for role in roles:
        status, head = role.session.get(path)
        target = f"{path} (made by {maker.login})"
        if status in (403, 404):
            rec.add(
                role,
                "read",
                "ir.attachment",
                "workbook download",
                target,
                "refused",
                f"HTTP {status}",
            )
        elif status >= 500:
            rec.add(
                role,
                "read",
                "ir.attachment",
                "workbook download",
                target,
                "crash",
                f"HTTP {status}",
            )
        elif status == 200 and role is maker:
            rec.add(
                role,
                "read",
                "ir.attachment",
                "workbook download",
                target,
                "allowed",
                "his own workbook",
            )
        elif status == 200 and head.startswith(b"PK"):
            rec.add(
                role,
                "read",
                "ir.attachment",
                "workbook download",
                target,
                "leak",
                "downloaded another user's workbook",
            )
        else:
            rec.add(
                role,
                "read",
                "ir.attachment",
                "workbook download",
                target,
                "refused",
                f"HTTP {status}, no workbook",
            )


# ---------------------------------------------------------------------------
# Phase: reads
# ---------------------------------------------------------------------------
def leak_reason(catalogue, role, model, facts, transient):
    if model in READ_ORACLE_SKIP:
        return None
    if facts.get("company") and facts["company"] not in role.companies:
        return f"of another company (co{facts['company']})"
    if transient and facts.get("creator") and facts["creator"] != role.uid:
        return f"a transient record of another user (uid {facts['creator']})"
    order = facts.get("order")
    if (
        order
        and model in ORDER_BOUND
        and order not in readable_orders(catalogue, role, [order])
    ):
        return f"of order #{order}, which the role cannot read"
    return None


def readable_orders(catalogue, role, ids):
    cache = role.readable.setdefault("__orders__", {})
    missing = [i for i in ids if i not in cache]
    if missing:
        ok, found = attempt(
            role.session.call, "sale.order", "search", [("id", "in", missing)]
        )
        found = set(found) if ok else set()
        cache.update({i: i in found for i in missing})
    return {i for i in ids if cache[i]}


def probe_reads(admin, catalogue, world, roles, surfaces, rec, transient):
    for surface in surfaces:
        model = surface.model
        if surface.abstract or not admin.fields_of(model):
            continue
        is_transient = model in transient
        catalogue.candidates(model, refresh=True)
        for role in roles:
            role.readable.pop(model, None)
            _probe_search_read(admin, catalogue, role, surface, is_transient, rec)
            own, foreign = catalogue.targets(role, model)
            for facts in foreign:
                ok, rows = attempt(
                    role.session.call,
                    model,
                    "read",
                    [facts["id"]],
                    ["display_name"],
                    context={"active_test": False},
                )
                target = f"foreign #{facts['id']} (co{facts['company']})"
                if not ok:
                    rec.add(
                        role,
                        "read",
                        model,
                        "read",
                        target,
                        fault_verdict(rows),
                        short(rows),
                    )
                elif rows:
                    reason = leak_reason(catalogue, role, model, facts, is_transient)
                    rec.add(
                        role,
                        "read",
                        model,
                        "read",
                        target,
                        "leak" if reason else "allowed",
                        f"{facts['name']!r} {reason or ''}".strip(),
                    )
            meta = admin.fields_of(model)
            if (
                "company_id" in meta
                and meta["company_id"].get("store")
                and model not in READ_ORACLE_SKIP
            ):
                _probe_read_group(role, model, rec)


def _probe_search_read(admin, catalogue, role, surface, is_transient, rec):
    model = surface.model
    ok, meta = attempt(role.session.call, model, "fields_get", attributes=["type"])
    names = sorted(set(surface.fields) & set(meta)) if ok else []
    meta_names = [n for n in catalogue.facts_fields(model) if ok and n in meta]
    ok, rows = attempt(
        role.session.call,
        model,
        "search_read",
        [],
        sorted(set(names) | set(meta_names)),
        limit=200,
        order="id desc",
        context={"active_test": False},
    )
    if not ok:
        rec.add(
            role, "read", model, "search_read", "all", fault_verdict(rows), short(rows)
        )
        return
    if non_finite(rows):
        rec.add(
            role,
            "read",
            model,
            "search_read",
            "all",
            "crash",
            "rows hold NaN/Infinity: the web client cannot parse them",
        )
        return
    ids = [row["id"] for row in rows]
    known = catalogue.records.setdefault(model, {})
    unknown = [i for i in ids if i not in known]
    if unknown and not is_transient:
        known.update(catalogue.facts(model, unknown))
        # what the administrator cannot read: the facts the role's rows give
        rest = [row for row in rows if row["id"] not in known]
        known.update(catalogue.facts_of_rows(model, rest))
    leaks = []
    for record_id in ids:
        facts = known.get(record_id)
        reason = facts and leak_reason(catalogue, role, model, facts, is_transient)
        if reason:
            leaks.append(f"#{record_id} {facts['name']!r} {reason}")
    if leaks:
        rec.add(
            role,
            "read",
            model,
            "search_read",
            "all",
            "leak",
            f"{len(leaks)} row(s): " + "; ".join(leaks[:3]),
        )
    else:
        rec.add(
            role,
            "read",
            model,
            "search_read",
            "all",
            "allowed",
            f"{len(rows)} row(s), all the role's to see",
        )


def _probe_read_group(role, model, rec):
    ok, groups = attempt(
        role.session.call,
        model,
        "read_group",
        [],
        ["company_id"],
        ["company_id"],
        lazy=False,
    )
    if not ok:
        rec.add(
            role,
            "read",
            model,
            "read_group(company)",
            "all",
            fault_verdict(groups),
            short(groups),
        )
        return
    foreign = [
        g
        for g in groups
        if m2o(g.get("company_id")) and m2o(g["company_id"]) not in role.companies
    ]
    if foreign:
        rec.add(
            role,
            "read",
            model,
            "read_group(company)",
            "all",
            "leak",
            f"groups of another company: {[g['company_id'] for g in foreign]}",
        )
    else:
        rec.add(
            role,
            "read",
            model,
            "read_group(company)",
            "all",
            "allowed",
            f"{len(groups)} group(s)",
        )


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
def report(rec, roles, elapsed):
    table = defaultdict(Counter)
    for probe in rec.probes:
        table[probe.role, probe.kind][probe.verdict] += 1
        table[probe.role, probe.kind]["probes"] += 1
        table["TOTAL", probe.kind][probe.verdict] += 1
        table["TOTAL", probe.kind]["probes"] += 1
        table["TOTAL", "all"][probe.verdict] += 1
        table["TOTAL", "all"]["probes"] += 1
    header = ["role", "kind", "probes", *VERDICTS]
    width = max(len(r.login) for r in roles) + 1 if roles else 10
    print()
    print(
        f"{header[0]:<{width}} {header[1]:<7}" + "".join(f"{h:>9}" for h in header[2:])
    )
    for role in [r.login for r in roles] + ["TOTAL"]:
        for kind in (*KINDS, "all"):
            counts = table.get((role, kind))
            if not counts:
                continue
            print(
                f"{role:<{width}} {kind:<7}"
                + "".join(f"{counts[h]:>9}" for h in header[2:])
            )
    findings = [p for p in rec.probes if p.verdict in FINDINGS]
    grouped = defaultdict(list)
    for probe in findings:
        method = probe.member.split("(")[0]
        key = (probe.verdict, probe.kind, probe.model, method, _gist(probe.detail))
        grouped[key].append(probe)
    print(f"\n{len(findings)} finding(s) in {len(grouped)} group(s):")
    for (verdict, kind, model, method, _g), probes in sorted(grouped.items()):
        roles_ = sorted({p.role for p in probes})
        variants = sorted({p.member[len(method) :].strip("()") for p in probes} - {""})
        shown = (
            f" ({', '.join(variants[:6])}{', ...' if len(variants) > 6 else ''})"
            if variants
            else ""
        )
        print(
            f"- {verdict.upper()} {kind} {model}.{method}{shown} [{len(probes)}x] "
            f"by {', '.join(roles_)}"
        )
        print(f"    e.g. on {probes[0].target}: {probes[0].detail}")
    total = table["TOTAL", "all"]
    print(
        f"\n{total['probes']} probes: {total['refused']} refused, "
        f"{total['allowed']} allowed, "
        f"{total['bypass']} bypasses, {total['leak']} leaks, {total['crash']} crashes "
        f"({Session.calls} requests, {elapsed:.0f} s)"
    )
    return total


def _gist(detail):
    """A finding's detail without its ids and values: what groups alike ones."""
    text = detail.split(":")[0].split("->")[0]
    return "".join(c for c in text if c.isalpha() or c == " ")[:50]


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------
def main(argv=None):
    global WORLD
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", required=True)
    parser.add_argument("--admin-login", default="admin")
    parser.add_argument("--admin-password", default="admin")
    parser.add_argument("--json", help="save every probe to this file")
    parser.add_argument(
        "--garbage-roles",
        default=",".join(GARBAGE_ROLES),
        help="roles that also send garbage arguments and wizard values: logins, "
        "comma-separated, or 'all' (default: one of each kind of role)",
    )
    parser.add_argument(
        "--only",
        default="",
        help="phases to run (comma-separated: "
        "write,create,call,wizard,scenario,read); default all",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    admin = Admin(Session(args.url, args.db, args.admin_login, args.admin_password))
    print(f"Preparing {args.db} at {args.url} (run {RUN})...")
    world = WORLD = prepare(admin, args.url, args.db, args)
    roles = load_roles(admin, args.url, args.db, args.admin_login, args.admin_password)
    world.roles = roles
    COMPANY_NAMES.update(
        {
            c["id"]: c["name"]
            for c in admin.call("res.company", "search_read", [], ["name"])
        }
    )
    make_orders(admin, world, roles)
    make_documents(admin, world)
    surfaces = [
        s
        for model, s in sorted(scan_source().items())
        if admin.fields_of(model) is not None
    ]
    transient = set(
        admin.call("ir.model", "search_read", [("transient", "=", True)], ["model"])
        and [
            r["model"]
            for r in admin.call(
                "ir.model", "search_read", [("transient", "=", True)], ["model"]
            )
        ]
    )
    TRANSIENT.update(transient)
    SURFACES.update({s.model: s for s in surfaces})
    add_unlink(surfaces)
    print(
        f"Surface: {len(surfaces)} models, "
        f"{sum(len(s.fields) for s in surfaces)} fields, "
        f"{sum(len(s.methods) for s in surfaces)} public methods; {len(roles)} roles"
    )
    garbage_roles = (
        {r.login for r in roles}
        if args.garbage_roles == "all"
        else set(args.garbage_roles.split(","))
    )
    phases = (
        set(args.only.split(","))
        if args.only
        else {"write", "create", "call", "wizard", "scenario", "read", "unlink"}
    )
    global CATALOGUE
    catalogue = CATALOGUE = Catalogue(admin, world)
    rec = Recorder()
    max_event = (admin.search("calendar.event", [], limit=1, order="id desc") or [0])[0]
    steps = [
        (
            "call",
            lambda: probe_calls(
                admin, catalogue, world, roles, surfaces, rec, transient, garbage_roles
            ),
        ),
        (
            "wizard",
            lambda: probe_wizards(
                admin, catalogue, world, roles, surfaces, rec, transient, garbage_roles
            ),
        ),
        (
            "scenario",
            lambda: probe_scenarios(
                admin, catalogue, world, roles, rec, args.url, args.db
            ),
        ),
        (
            "read",
            lambda: probe_reads(
                admin, catalogue, world, roles, surfaces, rec, transient
            ),
        ),
        ("write", lambda: probe_writes(admin, catalogue, world, roles, surfaces, rec)),
        (
            "create",
            lambda: probe_creates(
                admin, catalogue, world, roles, surfaces, rec, transient
            ),
        ),
        (
            "unlink",
            lambda: probe_unlinks(admin, catalogue, world, roles, surfaces, rec),
        ),
    ]
    for name, step in steps:
        if name in phases:
            phase_start = time.monotonic()
            step()
            print(f"  {name}: {time.monotonic() - phase_start:.0f} s")
    # meetings scheduled by the probe's wizards
    events = admin.search(
        "calendar.event",
        [("id", ">", max_event), ("governance_company_id", "!=", False)],
    )
    if events:
        attempt(admin.call, "calendar.event", "unlink", events)
    total = report(rec, roles, time.monotonic() - started)
    if args.json:
        Path(args.json).write_text(
            json.dumps([p.__dict__ for p in rec.probes], indent=1, default=str)
        )
    return 1 if any(total[v] for v in FINDINGS) else 0


if __name__ == "__main__":
    sys.exit(main())
