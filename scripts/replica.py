"""Where the reports' queries run (``make replica``; ``scripts/dev.py replica``
starts the replica and Odoo, then calls :func:`run`).

Odoo serves the database with ``db_replica_host``/``db_replica_port`` set to a
streaming replica of the primary. This script reads the reports as staff read
them in the browser (the web client's routes, with a session: the external
API, ``/jsonrpc``, always runs on the primary), one kind of read at a time,
and after each one asks the replica's ``pg_stat_statements`` what it answered:
the statements on the module's report views must be there. What is written
(the workbook's attachment, the digest's mails) is looked up on the primary.
"""

import datetime
import http.cookiejar
import json
import urllib.request

# the report views (SQL views) of the module, and a many2one to group them by
VIEWS = {
    "order.governance.kpi.report": "department_id",
    "order.governance.backlog.report": "department_id",
    "order.governance.lead.time.report": "owner_department_id",
    "order.governance.transition.report": "to_stage_id",
    "order.governance.variant.report": "owner_department_id",
}
OFFICER = "og_omc_manager"  # demo officer (password = login)
MANAGER = "og_production_manager"  # demo department manager
DIGEST_KPIS = [
    "kpi_governance_on_time",
    "kpi_governance_breached",
    "kpi_governance_completed",
    "kpi_governance_lead_time",
]


class WebClient:
    """A browser's session: /web/session/authenticate, then the web client's
    JSON routes with the session cookie."""

    def __init__(self, url, database, login, password=None):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.requests = 0
        session = self.json(
            "/web/session/authenticate",
            {"db": database, "login": login, "password": password or login},
        )
        self.uid = session["uid"]

    def json(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params})
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=300) as response:
            answer = json.loads(response.read())
        self.requests += 1
        if "error" in answer:
            data = answer["error"].get("data", {})
            raise RuntimeError(f"{path}: {data.get('name')}: {data.get('message')}")
        return answer["result"]

    def call(self, model, method, *args, route="call_kw", **kwargs):
        return self.json(
            f"/web/dataset/{route}/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def download(self, path):
        with self.opener.open(f"{self.url}{path}", timeout=300) as response:
            self.requests += 1
            return response.read()


def report_statements(replica, database):
    """(statements, calls) the replica answered in ``database`` since the last
    reset, and those of them that read a report view of the module."""
    rows = replica(
        "SELECT s.query, s.calls FROM pg_stat_statements s"
        " JOIN pg_database d ON d.oid = s.dbid"
        f" WHERE d.datname = '{database}'"
    )
    on_views = [
        (query, calls)
        for query, calls in rows
        if any(view.replace(".", "_") in query for view in VIEWS)
    ]
    return {
        "calls": sum(calls for _query, calls in rows),
        "report_calls": sum(calls for _query, calls in on_views),
        "views": sorted(
            {
                view
                for view in VIEWS
                for query, _c in on_views
                if view.replace(".", "_") in query
            }
        ),
    }


def read_reports(client):
    """Each report view as the web client reads it: pivot and graph
    (``read_group``, ``web_read_group``) and list (``web_search_read``)."""
    for model, groupby in VIEWS.items():
        client.call(model, "read_group", [], ["__count"], [groupby], lazy=False)
        client.call(model, "web_read_group", [], ["__count"], [groupby], lazy=True)
        client.call(
            model,
            "web_search_read",
            [],
            {groupby: {"fields": {"display_name": {}}}},
            limit=80,
        )


def export_workbook(client, primary):
    today = datetime.date.today()
    wizard = client.call(
        "order.governance.kpi.export",
        "create",
        {"date_from": str(today.replace(year=today.year - 2)), "date_to": str(today)},
    )
    action = client.call(
        "order.governance.kpi.export", "action_export", [wizard], route="call_button"
    )
    data = client.download(action["url"])
    if data[:2] != b"PK":
        raise RuntimeError("The workbook download is not an .xlsx file")
    attachment = int(action["url"].rsplit("/", 1)[1])
    [(name, size)] = primary(
        f"SELECT name, file_size FROM ir_attachment WHERE id = {attachment}"
    )
    return f"attachment {name} ({size:,} bytes) written on the primary"


def send_digest(admin, officer_uid, primary):
    [digest] = admin.call(
        "digest.digest", "search_read", [], ["id"], limit=1, order="id"
    )
    admin.call(
        "digest.digest",
        "write",
        [digest["id"]],
        {**dict.fromkeys(DIGEST_KPIS, True), "user_ids": [(4, officer_uid)]},
    )
    [(before,)] = primary("SELECT COUNT(*) FROM mail_mail")
    admin.call(
        "digest.digest", "action_send_manual", [digest["id"]], route="call_button"
    )
    [(after,)] = primary("SELECT COUNT(*) FROM mail_mail")
    return f"{after - before} digest mail(s) written on the primary"


def run(url, database, primary, replica, wait_for_replica):
    """Each phase after a reset of the replica's statistics; prints what the
    replica answered. True when every phase's report queries were answered
    there."""
    officer = WebClient(url, database, OFFICER)
    manager = WebClient(url, database, MANAGER)
    admin = WebClient(url, database, "admin", "admin")

    def pivots():
        read_reports(officer)
        read_reports(manager)
        return "reads only"

    phases = [
        (
            "Pivots, graphs, lists of the 5 report views (officer, manager)",
            [officer, manager],
            pivots,
        ),
        (
            "KPI workbook export (officer)",
            [officer],
            lambda: export_workbook(officer, primary),
        ),
        (
            "Digest sent (its figures)",
            [admin],
            lambda: send_digest(admin, officer.uid, primary),
        ),
    ]
    rows, ok = [], True
    for label, clients, phase in phases:
        wait_for_replica()
        replica("SELECT pg_stat_statements_reset()")
        sent = sum(client.requests for client in clients)
        written = phase()
        sent = sum(client.requests for client in clients) - sent
        answered = report_statements(replica, database)
        ok = ok and answered["report_calls"] > 0
        rows.append((label, sent, answered, written))
    print()
    print(
        "| Phase | Requests | Statements answered by the replica | "
        "of them on report views | Report views | Writes |"
    )
    print("|---|---:|---:|---:|---|---|")
    for label, sent, answered, written in rows:
        views = ", ".join(view.split(".", 2)[2] for view in answered["views"])
        print(
            f"| {label} | {sent} | {answered['calls']} | "
            f"{answered['report_calls']} | {views} | {written} |"
        )
    print()
    print(
        "- replica: "
        + ("answered every phase's report queries" if ok else "MISSED report queries")
    )
    return ok
