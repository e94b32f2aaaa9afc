#!/usr/bin/env python3
"""Take the module's screenshots into order_governance/static/description/.

``make screenshots`` (or ``python3 scripts/screenshots.py``) builds a database with
the module and its demo data (or reuses the one a ``--keep`` run left, updating the
module), serves it with Odoo on a free port, logs in as admin and drives headless
Chromium through the Chrome DevTools Protocol at 1600x1000. The KPI workbook has no
viewer here: its Summary sheet is downloaded as a user would, read back with openpyxl
and drawn as an HTML table in the look of a spreadsheet. At the end the server and
the browser stop and the database this run created is dropped (``--keep`` keeps it).

``--lang zh_CN`` (repeatable) takes the screenshots in that language as well,
into ``screenshot_<name>_zh_CN.png``; without ``--lang``, English only.
"""

import argparse
import base64
import contextlib
import html
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dev  # noqa: E402  (the project's commands: PostgreSQL, Odoo, packages)

TARGET = dev.ROOT / dev.MODULE / "static" / "description"
DATABASE = "og_screenshots"
WIDTH, HEIGHT = 1600, 1000
PHONE_WIDTH, PHONE_HEIGHT = 390, 844
# the demo's production worker (password = login): his My Work and his phone
EXECUTOR = "og_production_worker"
ACTION = f"/odoo/action-{dev.MODULE}"
# The web client is busy while any of these is on the page.
BUSY = ".o_loading_indicator, .o_spinner, .o_blockUI, .o_view_sample_data"


class Odoo:
    """JSON-RPC as the web client speaks it, with the session cookie it gets."""

    def __init__(self, base_url, dbname):
        import requests

        self.base_url = base_url
        self.dbname = dbname
        self.http = requests.Session()
        self.context = {}
        self.uid = None

    def rpc(self, path, params):
        response = self.http.post(
            self.base_url + path,
            json={"jsonrpc": "2.0", "method": "call", "params": params, "id": 1},
            timeout=300,
        )
        response.raise_for_status()
        answer = response.json()
        if answer.get("error"):
            error = answer["error"].get("data", {}).get("message") or answer["error"]
            raise dev.SetupError(f"Odoo answered {path} with an error: {error}")
        return answer["result"]

    def login(self, login="admin", password="admin"):
        self.http.cookies.clear()
        result = self.rpc(
            "/web/session/authenticate",
            {"db": self.dbname, "login": login, "password": password},
        )
        if not result.get("uid"):
            raise dev.SetupError(f"Odoo refused the login {login}/{password}.")
        self.uid = result["uid"]
        self.context = result.get("user_context") or {}
        return self.http.cookies["session_id"]

    def call(self, model, method, *args, **kwargs):
        kwargs.setdefault("context", self.context)
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def download(self, url):
        response = self.http.get(self.base_url + url, timeout=300)
        response.raise_for_status()
        return response.content


class Browser:
    """Headless Chromium driven through the Chrome DevTools Protocol."""

    def __init__(self, width=WIDTH, height=HEIGHT):
        import requests
        import websocket

        self.width, self.height = width, height
        self.profile = Path(tempfile.mkdtemp(prefix="og-screenshots-chromium-"))
        binary = next(
            shutil.which(name)
            for name in ("chromium", "chromium-browser", "google-chrome")
            if shutil.which(name)
        )
        cmd = [
            binary,
            "--headless=new",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--force-device-scale-factor=1",
            f"--window-size={width},{height}",
            "--remote-debugging-port=0",
            f"--user-data-dir={self.profile}",
            "about:blank",
        ]
        if os.geteuid() == 0:
            cmd.insert(1, "--no-sandbox")  # Chromium's sandbox refuses root
        self.process = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        port = self._devtools_port()
        pages = requests.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json()
        page = next(target for target in pages if target["type"] == "page")
        self.socket = websocket.create_connection(
            page["webSocketDebuggerUrl"], timeout=120, suppress_origin=True
        )
        self.next_id = 0
        # Odoo's bus runs in a SharedWorker, which outlives the page the script
        # leaves: the next page would then say "The page is out of date". A worker
        # of each page's own (Odoo's fallback) starts afresh.
        self.send(
            "Page.addScriptToEvaluateOnNewDocument",
            source="delete window.SharedWorker;",
        )
        self.send("Page.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def _devtools_port(self):
        """Chromium writes the port it chose into the profile."""
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise dev.SetupError("Chromium stopped as soon as it started.")
            with contextlib.suppress(OSError, ValueError, IndexError):
                return int(port_file.read_text().splitlines()[0])
            time.sleep(0.2)
        raise dev.SetupError("Chromium did not open its DevTools port in 60 s.")

    def close(self):
        with contextlib.suppress(Exception):
            self.socket.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def send(self, method, **params):
        self.next_id += 1
        ident = self.next_id
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") != ident:
                continue  # an event: nobody listens
            if "error" in message:
                raise dev.SetupError(f"Chromium: {method} failed: {message['error']}")
            return message.get("result", {})

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate",
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details
            raise dev.SetupError(f"Script failed in the page: {text}")
        return result.get("result", {}).get("value")

    def set_cookie(self, url, name, value):
        self.send("Network.setCookie", url=url, name=name, value=value)

    def open(self, url, selector, timeout=120):
        self.send("Page.navigate", url=url)
        self.wait_idle(selector, timeout)

    def wait_idle(self, selector, timeout=120):
        """Until ``selector`` is there, nothing loads, images and fonts are in,
        and the page has not changed for a second."""
        probe = f"""(() => {{
            if (document.readyState !== "complete") return null;
            if (!document.querySelector({json.dumps(selector)})) return null;
            if (document.querySelector({json.dumps(BUSY)})) return null;
            if ([...document.images].some((img) => !img.complete)) return null;
            if (document.fonts.status !== "loaded") return null;
            return document.body.innerHTML.length;
        }})()"""
        deadline = time.monotonic() + timeout
        last, steady = None, 0
        while time.monotonic() < deadline:
            error = self.evaluate(
                '(document.querySelector(".o_error_dialog") || {}).innerText'
            )
            if error:
                raise dev.SetupError(f"Odoo showed an error: {error[:2000]}")
            size = self.evaluate(probe)
            steady = steady + 1 if size is not None and size == last else 0
            if steady >= 4:
                return
            last = size
            time.sleep(0.25)
        raise dev.SetupError(
            f"The page {self.evaluate('location.href')} did not show "
            f"{selector} and settle within {timeout} s."
        )

    def screenshot(self, path, clip=None):
        params = {"format": "png"}
        if clip:
            params["clip"] = {**clip, "scale": 1}
        data = base64.b64decode(self.send("Page.captureScreenshot", **params)["data"])
        save_png(data, path)


def save_png(data, path):
    """A palette PNG: flat UI colours survive 256 colours, the file is 3-4x smaller."""
    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGB")
    image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=0)
    image.save(path, optimize=True)
    dev.say(f"Wrote {path.relative_to(dev.ROOT)} ({path.stat().st_size // 1024} KB)")


# ---------------------------------------------------------------------------
# What is shown
# ---------------------------------------------------------------------------
def pick_order(odoo):
    """An order in the middle of its flow with the longest stage history."""
    orders = odoo.call(
        "sale.order",
        "search_read",
        [("governance_stage_id", "!=", False)],
        fields=["stage_log_ids", "governance_stage_is_final", "stage_deadline"],
    )
    if not orders:
        raise dev.SetupError("The database has no governed order: no demo data?")
    return max(
        orders,
        key=lambda o: (
            not o["governance_stage_is_final"],
            bool(o["stage_deadline"]),
            len(o["stage_log_ids"]),
        ),
    )["id"]


def pick_stage(odoo):
    """The stage whose RACI is the most filled in."""
    stages = odoo.call(
        "order.governance.stage",
        "search_read",
        [],
        fields=[
            "responsible_department_id",
            "consulted_department_ids",
            "informed_department_ids",
            "check_ids",
            "norms",
        ],
        order="sequence, id",
    )
    return max(
        stages,
        key=lambda s: (
            bool(s["responsible_department_id"]),
            len(s["consulted_department_ids"]) + len(s["informed_department_ids"]),
            bool(s["check_ids"]),
            bool(s["norms"]),
        ),
    )["id"]


def shoot_order_form(browser, base_url, order_id, path):
    browser.open(
        f"{base_url}{ACTION}.sale_order_action_order_desk/{order_id}",
        ".o_form_view .o_form_sheet",
    )
    browser.evaluate(
        'document.querySelector(".o_notebook a.nav-link[name=governance]").click()'
    )
    browser.wait_idle(".o_notebook a.nav-link.active[name=governance]")
    # the order's header and lines are above: bring the tab up, keep its title
    browser.evaluate(
        """(() => {
            const tabs = document.querySelector(".o_notebook_headers");
            const scroller = tabs.closest(".o_content") || document.scrollingElement;
            const top = tabs.getBoundingClientRect().top
                - scroller.getBoundingClientRect().top;
            scroller.scrollTop += top - 230;
        })()"""
    )
    browser.wait_idle(".o_notebook a.nav-link.active[name=governance]")
    browser.screenshot(path)


def workbook_html(data, filename):
    """The first sheet of an .xlsx as a spreadsheet-looking HTML page."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    columns = max(sheet.max_column, 8)
    rows = max(sheet.max_row + 6, 24)
    widths = [
        int((sheet.column_dimensions[get_column_letter(c)].width or 9) * 7.5 + 10)
        for c in range(1, columns + 1)
    ]
    out = ["<table><colgroup><col style='width:46px'>"]
    out += [f"<col style='width:{w}px'>" for w in widths]
    out.append("</colgroup><tr><th class='corner'></th>")
    out += [f"<th>{get_column_letter(c)}</th>" for c in range(1, columns + 1)]
    out.append("</tr>")
    for r in range(1, rows + 1):
        out.append(f"<tr><th class='row'>{r}</th>")
        for c in range(1, columns + 1):
            out.append(cell_html(sheet.cell(row=r, column=c)))
        out.append("</tr>")
    out.append("</table>")
    tabs = "".join(
        f"<span class='tab{' active' if ws is sheet else ''}'>{html.escape(ws.title)}"
        "</span>"
        for ws in book.worksheets
    )
    return WORKBOOK_PAGE.format(
        filename=html.escape(filename),
        sheet=html.escape(sheet.title),
        table="".join(out),
        tabs=tabs,
    )


def cell_html(cell):
    value = cell.value
    styles = []
    if cell.fill and cell.fill.fill_type == "solid":
        styles.append(f"background:#{str(cell.fill.fgColor.rgb)[-6:]}")
    if cell.font and cell.font.bold:
        styles.append("font-weight:bold")
    if cell.font and cell.font.color is not None and cell.font.color.type == "rgb":
        styles.append(f"color:#{str(cell.font.color.rgb)[-6:]}")
    if cell.font and cell.font.sz and cell.font.sz != 11:
        styles.append(f"font-size:{cell.font.sz}pt")
    if cell.alignment and cell.alignment.wrap_text:
        styles.append("white-space:normal")
    if isinstance(value, int | float):
        styles.append("text-align:right")
        text = format_number(value, cell.number_format)
    else:
        text = "" if value is None else str(value)
    return f"<td style='{';'.join(styles)}'>{html.escape(text)}</td>"


def format_number(value, number_format):
    decimals = number_format.split(".")[1] if "." in number_format else ""
    if number_format in ("0", "General") and float(value).is_integer():
        return str(int(value))
    return f"{value:.{len(decimals.rstrip('%')) or 2}f}"


WORKBOOK_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>
body {{ margin: 0; font: 11pt "Liberation Sans", Arial, sans-serif; color: #222;
  background: #fff; }}
.bar {{ background: #217346; color: #fff; padding: 10px 16px; font-size: 13pt; }}
.formula {{ border-bottom: 1px solid #d4d4d4; padding: 6px 16px; color: #555;
  font-size: 10pt; background: #f8f8f8; }}
table {{ border-collapse: collapse; table-layout: fixed; }}
th {{ background: #efefef; color: #555; font-weight: normal; font-size: 9pt;
  border: 1px solid #d4d4d4; height: 20px; }}
th.row {{ text-align: center; }}
td {{ border: 1px solid #e1e1e1; padding: 2px 5px; height: 20px; overflow: hidden;
  white-space: nowrap; vertical-align: top; }}
.tabs {{ position: fixed; bottom: 0; left: 0; right: 0; background: #f3f3f3;
  border-top: 1px solid #c6c6c6; padding: 0 0 0 46px; font-size: 10pt; }}
.tab {{ display: inline-block; padding: 6px 16px; color: #444; }}
.tab.active {{ background: #fff; color: #217346; font-weight: bold;
  border-bottom: 3px solid #217346; }}
</style></head><body>
<div class="bar">{filename}</div>
<div class="formula">{sheet}</div>
{table}
<div class="tabs">{tabs}</div>
</body></html>
"""


def shoot_workbook(odoo, browser, path, workdir):
    today = date.today()
    created = odoo.call(
        "order.governance.kpi.export",
        "create",
        {"date_from": str(today - timedelta(days=90)), "date_to": str(today)},
    )
    wizard_id = created[0] if isinstance(created, list) else created
    action = odoo.call("order.governance.kpi.export", "action_export", [wizard_id])
    data = odoo.download(action["url"])
    filename = f"order-governance-kpi-{today - timedelta(days=90)}-{today}.xlsx"
    page = workdir / f"workbook-{path.stem}.html"
    page.write_text(workbook_html(data, filename), encoding="utf-8")
    browser.open(page.as_uri(), "table")
    browser.screenshot(path)


def take_screenshots(odoo, browser, base_url, lang):
    suffix = "" if lang == "en_US" else f"_{lang}"

    def target(name):
        return TARGET / f"screenshot_{name}{suffix}.png"

    odoo.login()
    # a database made with --load-language may have English inactive: a user
    # set to an inactive language would see the other one
    inactive = odoo.call(
        "res.lang",
        "search",
        [("code", "=", lang), ("active", "=", False)],
        context={"active_test": False},
    )
    if inactive:
        odoo.call("res.lang", "write", inactive, {"active": True})
    odoo.call("res.users", "write", [odoo.uid], {"lang": lang})
    browser.set_cookie(base_url, "session_id", odoo.login())  # in the new language
    browser.open(
        f"{base_url}{ACTION}.sale_order_action_order_desk",
        ".o_kanban_renderer .o_kanban_record",
    )
    browser.screenshot(target("order_desk"))
    shoot_executor(odoo, base_url, lang, target)
    shoot_order_form(browser, base_url, pick_order(odoo), target("order_form"))
    browser.open(
        f"{base_url}{ACTION}.order_governance_stage_action/{pick_stage(odoo)}",
        ".o_form_view .o_form_sheet",
    )
    browser.screenshot(target("stage_form"))
    browser.open(
        f"{base_url}{ACTION}.order_governance_kpi_report_action",
        ".o_pivot table .o_pivot_cell_value",
    )
    browser.screenshot(target("stage_performance"))
    with tempfile.TemporaryDirectory(prefix="og-screenshots-") as workdir:
        shoot_workbook(odoo, browser, target("workbook"), Path(workdir))
    browser.open(
        f"{base_url}{ACTION}.order_governance_matrix_action",
        ".o_governance_matrix table",
    )
    browser.screenshot(target("matrix"))
    shoot_health_check(odoo, browser, base_url, target("health_check"))
    browser.open(
        f"{base_url}{ACTION}.order_governance_bottleneck_action",
        ".o_form_view .o_list_renderer .o_data_row",
    )
    browser.screenshot(target("bottlenecks"))
    shoot_meeting(odoo, browser, base_url, target)
    shoot_promises(odoo, browser, base_url, target)
    shoot_portal(odoo, base_url, lang, target)
    shoot_assessment(odoo, browser, base_url, target)


def shoot_assessment(odoo, browser, base_url, target):
    """A closed department scorecard (its lines against the targets) and a
    stage's operating norms (version in force, published versions, who read)."""
    cards = odoo.call(
        "order.governance.scorecard",
        "search",
        [("user_id", "=", False), ("state", "=", "closed"), ("line_ids", "!=", False)],
        order="score desc",
        limit=1,
    )
    if cards:
        browser.open(
            f"{base_url}{ACTION}.order_governance_scorecard_action/{cards[0]}",
            ".o_form_view .o_field_one2many .o_data_row",
        )
        browser.screenshot(target("scorecard"))
    stages = odoo.call(
        "order.governance.stage",
        "search",
        [("norms_version", ">", 0), ("is_final", "=", False)],
        order="sequence",
        limit=1,
    )
    if stages:
        browser.open(
            f"{base_url}{ACTION}.order_governance_stage_action/{stages[0]}",
            ".o_form_view .o_form_sheet",
        )
        browser.evaluate(
            'document.querySelector(".o_notebook a.nav-link[name=norms]").click()'
        )
        browser.wait_idle(".o_notebook a.nav-link.active[name=norms]")
        browser.screenshot(target("stage_norms"))


def shoot_portal(odoo, base_url, lang, target):
    """A customer's order page opened from his e-mail's link (by its token, not
    logged in), in his language: on a desktop and on a phone."""
    orders = odoo.call(
        "sale.order",
        "search",
        [
            ("state", "=", "sale"),
            ("governance_stage_id.is_final", "=", False),
            ("governance_stage_id.portal_name", "!=", False),
            ("governance_forecast_date", "!=", False),
            ("governance_on_hold", "=", False),
        ],
        order="governance_stage_id desc, id",
        limit=1,
    )
    if not orders:
        return
    order = odoo.call("sale.order", "read", orders, ["partner_id"])[0]
    partner = order["partner_id"][0]
    odoo.call("res.partner", "write", [partner], {"lang": lang})
    url = base_url + odoo.call("sale.order", "get_portal_url", orders)
    try:
        for width, height, name in (
            (WIDTH, HEIGHT, "portal_order"),
            (PHONE_WIDTH, PHONE_HEIGHT, "portal_order_phone"),
        ):
            browser = Browser(width=width, height=height)  # no session: the link
            try:
                browser.open(url, ".o_governance_portal_progress")
                browser.evaluate(
                    "document.querySelector('#governance_progress')"
                    ".scrollIntoView({block: 'center'})"
                )
                browser.screenshot(target(name))
            finally:
                browser.close()
    finally:
        odoo.call("res.partner", "write", [partner], {"lang": "en_US"})


def shoot_promises(odoo, browser, base_url, target):
    """An order whose promise is at risk (its Governance tab's forecast), the
    Fulfillment Issues list and Delivery Performance."""
    orders = odoo.call(
        "sale.order",
        "search",
        [
            ("governance_promise_status", "in", ["at_risk", "late"]),
            ("governance_forecast_date", "!=", False),
        ],
        order="governance_promise_status",
        limit=1,
    )
    if orders:
        browser.open(
            f"{base_url}{ACTION}.sale_order_action_order_desk/{orders[0]}",
            ".o_form_view .o_form_sheet",
        )
        browser.evaluate(
            'document.querySelector(".o_notebook a.nav-link[name=governance]").click()'
        )
        browser.wait_idle(".o_governance_forecast_panel table")
        # the promise above, the forecast's table below: its end at the bottom
        browser.evaluate(
            'document.querySelector(".o_governance_forecast")'
            '.scrollIntoView({block: "end"})'
        )
        browser.wait_idle(".o_governance_forecast_panel table")
        browser.screenshot(target("forecast"))
    browser.open(
        f"{base_url}{ACTION}.order_governance_fulfillment_issue_action",
        ".o_list_view .o_group_header",
    )
    # the first two types opened: their rows, departments and sentences
    browser.evaluate(
        'document.querySelectorAll(".o_list_view .o_group_header")'
        ".forEach((row, index) => index < 2 && row.click())"
    )
    browser.wait_idle(".o_list_view .o_data_row")
    browser.screenshot(target("fulfillment_issues"))
    browser.open(
        f"{base_url}{ACTION}.order_governance_delivery_report_action",
        ".o_pivot table .o_pivot_cell_value",
    )
    browser.screenshot(target("delivery_performance"))


def shoot_meeting(odoo, browser, base_url, target):
    """The coordination meeting dialog (from the meetings' list) and last week's
    demo meeting with its decisions."""
    browser.open(
        f"{base_url}{ACTION}.order_governance_meeting_event_action", ".o_list_view"
    )
    browser.evaluate(
        "odoo.__WOWL_DEBUG__.root.env.services.action.doAction("
        "'order_governance.order_governance_meeting_action')"
    )
    browser.wait_idle(".modal .o_form_view .o_governance_agenda h3")
    browser.screenshot(target("coordination_meeting"))
    event = xmlid(odoo, "demo_meeting_last_week")
    browser.open(
        f"{base_url}{ACTION}.order_governance_meeting_event_action/{event}",
        ".o_form_view .o_notebook",
    )
    browser.evaluate(
        "document.querySelector('.o_notebook .nav-link[name=page_governance]')"
        ".click(); document.querySelector('.o_notebook').scrollIntoView()"
    )
    browser.wait_idle(".o_notebook .o_field_one2many .o_data_row")
    browser.screenshot(target("meeting_decisions"))


def shoot_executor(odoo, base_url, lang, target):
    """What a production worker sees when he opens Odoo (My Work, in the Orders
    app), and an order of his on a phone (390 px wide) with Next Stage in sight."""
    login = EXECUTOR
    users = odoo.call("res.users", "search", [("login", "=", login)])
    if not users:
        return
    odoo.call("res.users", "write", users, {"lang": lang})
    executor = Odoo(base_url, odoo.dbname)
    session = executor.login(login, login)
    orders = executor.call(
        "sale.order",
        "search",
        [("governance_my_work", "=", True)],
        order="governance_urgency, stage_deadline",
        limit=1,
    )
    for width, height, name, url, ready in (
        (WIDTH, HEIGHT, "my_work", f"{base_url}/odoo/my-work", ".o_kanban_record"),
        (
            PHONE_WIDTH,
            PHONE_HEIGHT,
            "phone_order",
            f"{base_url}/odoo/my-work/{orders[0]}" if orders else None,
            ".o_form_view .o_governance_mobile_actions",
        ),
    ):
        if not url:
            continue
        browser = Browser(width=width, height=height)
        try:
            browser.set_cookie(base_url, "session_id", session)
            browser.open(url, ready)
            browser.screenshot(target(name))
        finally:
            browser.close()


def xmlid(odoo, name):
    """The id of the module's record ``name`` (its xml id)."""
    rows = odoo.call(
        "ir.model.data",
        "search_read",
        [("module", "=", dev.MODULE), ("name", "=", name)],
        ["res_id"],
    )
    return rows[0]["res_id"]


def shoot_health_check(odoo, browser, base_url, path):
    """The demo is healthy: a deliberately broken rule (its user is not one of
    its department's people, and it hides the rules after it) for the picture,
    removed afterwards."""
    production = xmlid(odoo, "stage_production")
    department = xmlid(odoo, "dep_production")
    outsider = xmlid(odoo, "user_logistics_clerk")
    rule = odoo.call(
        "order.governance.rule",
        "create",
        {
            "name": "Rush orders to Luis",
            "sequence": 1,
            "stage_ids": [(6, 0, [production])],
            "responsible_department_id": department,
            "assignment": "user",
            "user_id": outsider,
        },
    )
    try:
        browser.open(f"{base_url}/odoo/governance-health", ".o_list_view .o_data_row")
        browser.screenshot(path)
    finally:
        odoo.call("order.governance.rule", "unlink", [rule])


# ---------------------------------------------------------------------------
# Database, server, fonts
# ---------------------------------------------------------------------------
def ensure_cjk_font():
    """Chinese needs a font that has its characters: without, Chromium draws boxes."""
    found = subprocess.run(
        ["fc-list", ":lang=zh"], capture_output=True, text=True, check=False
    )
    if found.stdout.strip():
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        dev.say("Installing Chinese fonts (Debian package `fonts-noto-cjk`)")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "fonts-noto-cjk"], check=False, env=env
        )
        found = subprocess.run(
            ["fc-list", ":lang=zh"], capture_output=True, text=True, check=False
        )
    if not found.stdout.strip():
        raise dev.SetupError(
            "No font with Chinese characters: install one (Debian: `apt-get install "
            "fonts-noto-cjk`), then run the command again."
        )


def prepare_database(server, config, dbname, langs, reuse):
    """Create the database, or update the module in the one a --keep run left."""
    extra = [f"--load-language={','.join(langs)}"] if langs else []
    if reuse:
        dev.say(f"Reusing database {dbname}: updating {dev.MODULE}")
        dev.install_module(
            config, dbname, update=True, extra=[*extra, "--i18n-overwrite"]
        )
        return
    dev.drop_database(server, dbname)  # a half-made one from a crash
    dev.say(f"Creating database {dbname} with {dev.MODULE} and its demo data")
    dev.install_module(config, dbname, extra=extra)


@contextlib.contextmanager
def odoo_server(config, dbname, port, log_path):
    """Odoo's HTTP server in the background, until the block ends."""
    cmd = dev.odoo_cmd(
        config,
        "-d",
        dbname,
        "--db-filter",
        f"^{dbname}$",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        "--max-cron-threads=0",
        "--workers=0",
        "--log-level=warn",
    )
    with open(log_path, "w") as log:
        process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/web/login", process, log_path)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_http(url, process, log_path, timeout=180):
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = Path(log_path).read_text(errors="replace").splitlines()[-20:]
            raise dev.SetupError("Odoo stopped:\n  " + "\n  ".join(tail))
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=10).status_code == 200:
                return
        time.sleep(0.5)
    raise dev.SetupError(f"Odoo did not answer {url} within {timeout} s.")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lang",
        action="append",
        default=[],
        help="take them in this language too, e.g. zh_CN (repeatable; en_US always)",
    )
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument(
        "--keep", action="store_true", help="keep the database for the next run"
    )
    args = parser.parse_args(argv)
    langs = [lang for lang in dict.fromkeys(args.lang) if lang != "en_US"]
    start = time.monotonic()
    try:
        dev.prepare("requirements-test.txt")
        dev.ensure_chromium()
        if any(lang.split("_")[0] in ("zh", "ja", "ko") for lang in langs):
            ensure_cjk_font()
        TARGET.mkdir(parents=True, exist_ok=True)
        with dev.postgres_server() as server:
            run(server, args, langs)
    except dev.SetupError as error:
        print(f"\n[order_governance] ERROR: {error}\n", file=sys.stderr, flush=True)
        return 2
    except KeyboardInterrupt:
        return 130
    dev.say(f"Screenshots taken in {time.monotonic() - start:.0f} s")
    return 0


def run(server, args, langs):
    port = dev.free_port()
    config = dev.write_config(server, f"odoo-screenshots-{os.getpid()}.conf", port)
    log_path = dev.LOCAL / f"odoo-screenshots-{os.getpid()}.log"
    created = not dev.module_installed(server, args.database)
    try:
        prepare_database(server, config, args.database, langs, reuse=not created)
        with odoo_server(config, args.database, port, log_path) as base_url:
            odoo = Odoo(base_url, args.database)
            for lang in ["en_US", *langs]:
                dev.say(f"Screenshots in {lang}")
                # a browser of its own per language: the web client caches the
                # translations it loaded, a later page would keep the first language
                browser = Browser()
                try:
                    take_screenshots(odoo, browser, base_url, lang)
                finally:
                    browser.close()
            odoo.login()
            odoo.call("res.users", "write", [odoo.uid], {"lang": "en_US"})
    finally:
        if created and not args.keep:
            dev.say(f"Dropping database {args.database}")
            dev.drop_database(server, args.database)
        elif args.keep:
            dev.say(f"Kept database {args.database} for the next run")
        config.unlink(missing_ok=True)
    log_path.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
