"""Server time, query count and floor of every main page; the 台账 export; the seed imports.

    SAFETYPLAN_VAR_DIR=/tmp/perf-var .venv/bin/python benchmarks/run.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safetyplan_perf .venv/bin/python benchmarks/run.py

Run it on a database filled by ``manage.py generate_load`` (it uses the users that command
makes). For each page it makes a few warm-up requests, counts the queries of one request, then
times ``--repeat`` requests through Django's test client (the full middleware stack: sessions,
auth, CSRF, messages, history…) and reports the median and the 95th percentile. Beside each
page, its floor: a bare view behind the same middleware that checks the login and runs
hand-written SQL for the same rows or numbers, and returns them unformatted as JSON; and the
ratio page ÷ floor (medians). A page and its floor are timed in turn, request by request. Then the 台账 export of 100,000 rows (benchmarks/ledger_export.py,
in its own throwaway SQLite database and a fresh process, so that the peak RSS is the export's)
and the parse of each seed notice (benchmarks/parse_speed.py). Prints a table, writes JSON to
``var/benchmarks.json`` and ends with one ``summary:`` line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
urlpatterns: list = []  # set by setup_django()
TARGET_MEDIAN_MS, TARGET_P95_MS, TARGET_RATIO, TARGET_QUERIES = 150, 300, 3.0, 12


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetyplan.settings")
    import warnings

    import django

    warnings.filterwarnings("ignore", "No directory at")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.urls import clear_url_caches, include, path

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)  # as in production

    # The app's URLs, and beside them the floors: this module is the URLconf.
    global urlpatterns
    urlpatterns = [
        path("__floor__/<str:name>/<str:scope>/", floor_view),
        path("", include(settings.ROOT_URLCONF)),
    ]
    sys.modules["benchmarks.run"] = sys.modules[__name__]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.ROOT_URLCONF = "benchmarks.run"
    clear_url_caches()


# ---- hand-written SQL: the floors -----------------------------------------------------------

JOINS = """
    FROM tasks_assignment a
    JOIN tasks_measure m ON m.id = a.measure_id
    JOIN tasks_task t ON t.id = m.task_id
    JOIN tasks_notice n ON n.id = t.notice_id
    JOIN units_jurisdiction j ON j.id = n.jurisdiction_id
"""
ANCHOR = """CASE m.recurrence WHEN 'weekly' THEN a.start_week WHEN 'monthly' THEN a.start_month
    WHEN 'quarterly' THEN a.start_month / 3 WHEN 'semiannual' THEN a.start_month / 6
    WHEN 'yearly' THEN a.start_month / 12 END"""
CURRENT = """CASE m.recurrence WHEN 'weekly' THEN %(cw)s WHEN 'monthly' THEN %(cm)s
    WHEN 'quarterly' THEN %(cq)s WHEN 'semiannual' THEN %(cs)s WHEN 'yearly' THEN %(cy)s END"""
MISSED = f"""CASE WHEN m.recurrence = '' OR a.status = 'done' THEN 0 ELSE
    ({CURRENT}) - ({ANCHOR}) - (SELECT COUNT(DISTINCT p.period_index) FROM tasks_progressreport p
    WHERE p.assignment_id = a.id AND p.period_index >= ({ANCHOR})
    AND p.period_index < ({CURRENT})) END"""
LATE = f"(a.status <> 'done' AND (a.due_date < %(today)s OR ({MISSED}) > 0))"
SOON = "(a.status <> 'done' AND a.due_date >= %(today)s AND a.due_date <= %(soon)s)"
SCOPE = "j.path LIKE %(path)s AND m.withdrawn = %(no)s"


# What every page's navigation shows: the office's review badge or a liaison's unread count.
# A city's or province's office reads its badge from the cache (counted once a minute): so
# does its floor.
BADGE = f"""SELECT COUNT(*) FROM (SELECT a.id {JOINS} WHERE j.path LIKE %(path)s
    AND a.status = 'requested' UNION ALL SELECT e.assignment_id
    FROM tasks_extensionrequest e JOIN tasks_assignment a ON a.id = e.assignment_id
    JOIN tasks_measure m ON m.id = a.measure_id JOIN tasks_task t ON t.id = m.task_id
    JOIN tasks_notice n ON n.id = t.notice_id JOIN units_jurisdiction j ON j.id = n.jurisdiction_id
    WHERE j.path LIKE %(path)s AND e.status = 'pending') x"""
UNREAD = """SELECT COUNT(*) FROM reports_reminder r JOIN tasks_assignment a
    ON a.id = r.assignment_id WHERE a.unit_id = %(liaison_unit)s AND r.read_at IS NULL"""
YEARS = """SELECT DISTINCT n.year FROM tasks_notice n JOIN units_jurisdiction j
    ON j.id = n.jurisdiction_id WHERE j.path LIKE %(path)s ORDER BY 1 DESC"""
JURISDICTIONS = """SELECT id, name, level, parent_id FROM units_jurisdiction
    WHERE path LIKE %(path)s ORDER BY path"""
UNITS = """SELECT u.id, u.name, u.jurisdiction_id, j.name FROM units_unit u
    JOIN units_jurisdiction j ON j.id = u.jurisdiction_id WHERE j.path LIKE %(path)s
    AND u.is_active = %(yes)s ORDER BY j.path, u."order", u.id"""


def _nav(p: dict, *, liaison: bool = False) -> list:
    if liaison:
        return _rows(UNREAD, p)
    if p.get("badge_key"):
        from django.core.cache import cache

        return [cache.get(p["badge_key"])]
    return _rows(BADGE, p)


def _total(p: dict, kind: str, sql: str) -> list:
    """A list's total: for a city's or province's office, counted once a minute by the page
    (tasks.wide_counts) and read from the cache, as the page reads it."""
    key = p.get("count_keys", {}).get(kind)
    if key is not None:
        from django.core.cache import cache

        return [cache.get(key).n]
    return _rows(sql, p)


def _rows(sql: str, params: dict) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _month(column: str, *, local: bool = False) -> str:
    """The month of a date (or of a timestamp, in Beijing time) in this database's SQL."""
    from django.db import connection

    if connection.vendor == "postgresql":
        expr = f"{column} AT TIME ZONE 'Asia/Shanghai'" if local else column
        return f"EXTRACT(MONTH FROM {expr})"
    shift = ", '+8 hours'" if local else ""
    return f"strftime('%%m', {column}{shift})"


def floor_unit_figures(p: dict) -> list:
    """Per unit: assigned, done, late, due soon (the workbench table, the ranking)."""
    return _rows(
        f"""SELECT a.unit_id, COUNT(*),
            SUM(CASE WHEN a.status = 'done' THEN 1 ELSE 0 END),
            SUM(CASE WHEN {LATE} THEN 1 ELSE 0 END), SUM(CASE WHEN {SOON} THEN 1 ELSE 0 END)
        {JOINS} WHERE {SCOPE} AND n.year = %(year)s GROUP BY a.unit_id""",
        p,
    )


def floor_workbench(p: dict) -> dict:
    completed = _rows(
        f"""SELECT {_month("a.completed_at", local=True)}, COUNT(*) {JOINS} WHERE {SCOPE}
        AND n.year = %(year)s AND a.status = 'done' AND a.completed_at >= %(year_start)s
        GROUP BY 1""",
        p,
    )
    overdue = _rows(
        f"""SELECT {_month("a.due_date")}, COUNT(*) {JOINS} WHERE {SCOPE} AND n.year = %(year)s
        AND a.due_date >= %(year_first)s AND a.due_date < %(today)s
        AND (a.status <> 'done' OR a.due_date < a.completed_at) GROUP BY 1""",
        p,
    )
    return {
        "nav": _nav(p), "years": _rows(YEARS, p), "places": _rows(JURISDICTIONS, p),
        "units": floor_unit_figures(p), "completed": completed, "overdue": overdue,
    }  # fmt: skip


def floor_ranking(p: dict) -> dict:
    head = {"nav": _nav(p), "years": _rows(YEARS, p), "places": _rows(JURISDICTIONS, p)}
    extra = _rows(
        f"""SELECT a.unit_id, COUNT(DISTINCT e.id), COUNT(DISTINCT r.id) {JOINS}
        LEFT JOIN tasks_extensionrequest e ON e.assignment_id = a.id AND e.status = 'approved'
        LEFT JOIN reports_reminder r ON r.assignment_id = a.id
        WHERE {SCOPE} AND n.year = %(year)s GROUP BY a.unit_id""",
        p,
    )
    return head | {"units": floor_unit_figures(p), "extra": extra}


def floor_measures(p: dict) -> dict:
    where = f"""{SCOPE} AND n.year = %(year)s AND EXISTS (SELECT 1 FROM tasks_assignment a
        WHERE a.measure_id = m.id AND a.status = 'in_progress')"""
    base = """FROM tasks_measure m JOIN tasks_task t ON t.id = m.task_id
        JOIN tasks_notice n ON n.id = t.notice_id JOIN units_jurisdiction j
        ON j.id = n.jurisdiction_id"""
    count = _total(p, "measures", f"SELECT COUNT(*) {base} WHERE {where}")
    measures = _rows(
        f"""SELECT m.id, m.text, m.due_date, m.recurrence, t.title, n.title {base}
        WHERE {where} ORDER BY n.year DESC, t.notice_id, t."order", m."order", m.id LIMIT 50""",
        p,
    )
    ids = ",".join(str(r[0]) for r in measures) or "0"
    chips = _rows(
        f"""SELECT a.measure_id, u.name, a.role, a.status, a.due_date, a.latest_percent
        FROM tasks_assignment a JOIN units_unit u ON u.id = a.unit_id
        WHERE a.measure_id IN ({ids}) ORDER BY a.measure_id, a.role, u."order" """,
        {},
    )
    # The filter's and the bulk panel's choices: notices, chapters, units, groups.
    notices = _rows(
        """SELECT n.id, n.title, n.year FROM tasks_notice n JOIN units_jurisdiction j
        ON j.id = n.jurisdiction_id WHERE j.path LIKE %(path)s ORDER BY n.year DESC, n.id""",
        p,
    )
    chapters = _rows(
        """SELECT DISTINCT t.chapter FROM tasks_task t JOIN tasks_notice n ON n.id = t.notice_id
        JOIN units_jurisdiction j ON j.id = n.jurisdiction_id WHERE j.path LIKE %(path)s""",
        p,
    )
    groups = _rows(
        """SELECT g.id, g.name, g.jurisdiction_id, j.name FROM units_unitgroup g
        JOIN units_jurisdiction j ON j.id = g.jurisdiction_id WHERE j.path LIKE %(path)s
        ORDER BY j.path, g."order", g.id""",
        p,
    )
    return {
        "count": count, "measures": measures, "chips": chips, "nav": _nav(p),
        "notices": notices, "chapters": chapters, "units": _rows(UNITS, p), "groups": groups,
    }  # fmt: skip


def floor_unit(p: dict) -> dict:
    unit = _rows("SELECT id, name, jurisdiction_id FROM units_unit WHERE id = %(unit)s", p)
    mine = f"{JOINS} WHERE a.unit_id = %(unit)s AND m.withdrawn = %(no)s"
    years = _rows(f"SELECT DISTINCT n.year {mine} ORDER BY 1 DESC", p)
    count = _rows(f"SELECT COUNT(*) {mine} AND n.year = %(year)s", p)
    rows = _rows(
        f"""SELECT a.id, m.text, n.title, t.title, a.role, a.status, a.due_date,
        a.latest_percent, ({MISSED}) {mine} AND n.year = %(year)s
        ORDER BY CASE WHEN {LATE} THEN 2 WHEN {SOON} THEN 1 ELSE 0 END DESC,
        a.due_date IS NULL, a.due_date, a.id LIMIT 50""",
        p,
    )
    totals = _rows(
        f"""SELECT COUNT(*), SUM(CASE WHEN a.status = 'done' THEN 1 ELSE 0 END),
        SUM(CASE WHEN {LATE} THEN 1 ELSE 0 END), SUM(CASE WHEN {SOON} THEN 1 ELSE 0 END)
        {mine} AND n.year = %(year)s""",
        p,
    )
    reports = _rows(
        """SELECT r.id, r.text, r.percent, r.created_at, u.username FROM tasks_progressreport r
        JOIN tasks_assignment a ON a.id = r.assignment_id JOIN auth_user u ON u.id = r.author_id
        WHERE a.unit_id = %(unit)s ORDER BY r.created_at DESC, r.id DESC LIMIT 10""",
        p,
    )
    history = _rows(
        """SELECT h.history_id, h.history_date, h.history_type, h.status, h.due_date,
        h.role, m.text, u.username FROM tasks_historicalassignment h
        JOIN tasks_measure m ON m.id = h.measure_id
        LEFT JOIN auth_user u ON u.id = h.history_user_id WHERE h.unit_id = %(unit)s
        ORDER BY h.history_date DESC, h.history_id DESC LIMIT 20""",
        p,
    )
    return {
        "unit": unit, "years": years, "count": count, "rows": rows, "totals": totals,
        "reports": reports, "history": history, "nav": _nav(p),
    }  # fmt: skip


def floor_mine(p: dict) -> dict:
    count = _rows("SELECT COUNT(*) FROM tasks_assignment a WHERE a.unit_id = %(liaison_unit)s", p)
    rows = _rows(
        f"""SELECT a.id, m.text, m.recurrence, n.title, t.title, a.role, a.status, a.due_date,
        a.latest_percent, ({MISSED}) {JOINS} WHERE a.unit_id = %(liaison_unit)s
        ORDER BY CASE WHEN a.status = 'done' THEN 1 ELSE 0 END, a.due_date, a.id LIMIT 20""",
        p,
    )
    ids = ",".join(str(r[0]) for r in rows) or "0"
    periods = _rows(
        f"""SELECT r.assignment_id, r.period_index FROM tasks_progressreport r
        WHERE r.assignment_id IN ({ids})""",
        {},
    )
    counts = _rows(
        f"""SELECT COUNT(*), SUM(CASE WHEN {LATE} THEN 1 ELSE 0 END),
        SUM(CASE WHEN a.status = 'done' THEN 1 ELSE 0 END) {JOINS}
        WHERE a.unit_id = %(liaison_unit)s""",
        p,
    )
    return {
        "count": count, "rows": rows, "periods": periods, "counts": counts,
        "nav": _nav(p, liaison=True),
    }  # fmt: skip


def floor_reviews(p: dict) -> dict:
    where = "j.path LIKE %(path)s AND a.status = 'requested'"
    count = _total(p, "completions", f"SELECT COUNT(*) {JOINS} WHERE {where}")
    rows = _rows(
        f"""SELECT a.id, u.name, m.text, n.title, t.title, a.due_date, a.latest_report_at
        {JOINS} JOIN units_unit u ON u.id = a.unit_id WHERE {where}
        ORDER BY a.latest_report_at, a.id LIMIT 25""",
        p,
    )
    ids = ",".join(str(r[0]) for r in rows) or "0"
    reports = _rows(
        f"""SELECT r.id, r.assignment_id, r.text, r.percent, r.created_at
        FROM tasks_progressreport r WHERE r.assignment_id IN ({ids}) AND r.kind = 'completion'""",
        {},
    )
    evidence = _rows(
        f"""SELECT v.id, v.report_id, v.original_name, v.size FROM tasks_evidence v
        JOIN tasks_progressreport r ON r.id = v.report_id
        WHERE r.assignment_id IN ({ids}) AND r.kind = 'completion'""",
        {},
    )
    ext = """FROM tasks_extensionrequest e JOIN tasks_assignment a ON a.id = e.assignment_id
        JOIN tasks_measure m ON m.id = a.measure_id JOIN tasks_task t ON t.id = m.task_id
        JOIN tasks_notice n ON n.id = t.notice_id JOIN units_jurisdiction j
        ON j.id = n.jurisdiction_id JOIN units_unit u ON u.id = a.unit_id
        WHERE j.path LIKE %(path)s AND e.status = 'pending'"""
    ext_count = _total(p, "extensions", f"SELECT COUNT(*) {ext}")
    extensions = _rows(
        f"""SELECT e.id, e.requested_date, e.reason, e.created_at, u.name, m.text, a.due_date,
        a.original_due_date {ext} ORDER BY e.created_at, e.id LIMIT 25""",
        p,
    )
    return {
        "n": count, "rows": rows, "reports": reports, "evidence": evidence,
        "ext": [ext_count, extensions], "units": _rows(UNITS, p), "nav": _nav(p),
    }  # fmt: skip


def floor_notice(p: dict) -> dict:
    notice = _rows(
        """SELECT id, title, doc_number, issuer, year, issued_on, kind, jurisdiction_id
        FROM tasks_notice WHERE id = %(notice)s""",
        p,
    )
    rows = _rows(
        """SELECT t.id, t.number, t.chapter, t.title, m.id, m.text, m.due_date, m.recurrence,
        a.id, u.name, a.role, a.status, a.due_date, a.latest_percent
        FROM tasks_task t JOIN tasks_measure m ON m.task_id = t.id
        LEFT JOIN tasks_assignment a ON a.measure_id = m.id
        LEFT JOIN units_unit u ON u.id = a.unit_id
        WHERE t.notice_id = %(notice)s ORDER BY t."order", m."order", m.id, a.role""",
        p,
    )
    return {"notice": notice, "rows": rows, "nav": _nav(p)}


FLOORS: dict[str, Callable[[dict], object]] = {
    "workbench": floor_workbench,
    "measures": floor_measures,
    "unit": floor_unit,
    "mine": floor_mine,
    "reviews": floor_reviews,
    "notice": floor_notice,
    "ranking": floor_ranking,
}
FLOOR_PARAMS: dict[str, dict] = {}  # filled by main(); the floor view reads it


def floor_view(request, name: str, scope: str):
    from django.http import HttpResponse, HttpResponseForbidden

    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    data = FLOORS[name](FLOOR_PARAMS[scope])
    return HttpResponse(json.dumps(data, default=str), content_type="application/json")


# ---- measuring ------------------------------------------------------------------------------


@dataclass
class PageResult:
    page: str
    user: str
    url: str
    status: int
    bytes: int
    queries: int
    median_ms: float
    p95_ms: float
    floor_median_ms: float
    floor_p95_ms: float
    floor_queries: int
    ratio: float


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _count_queries(client, url: str) -> tuple[int, int, int]:
    """Status, size and query count of one request (after a warm-up one)."""
    from django.db import connection

    client.get(url, secure=True)  # warm-up: imports, caches, connection
    captured: list[str] = []

    def count(execute, sql, params, many, context):
        captured.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url, secure=True)
    return response.status_code, len(response.content), len(captured)


def time_pair(client, url: str, floor: str, repeat: int, budget_s: float):
    """The times of ``repeat`` requests to ``url`` and as many to ``floor``, taken in turn, so
    that whatever else the machine does slows both alike."""
    times: list[float] = []
    floor_times: list[float] = []
    started = time.perf_counter()
    for _ in range(repeat):
        for target, out in ((url, times), (floor, floor_times)):
            t0 = time.perf_counter()
            client.get(target, secure=True)
            out.append((time.perf_counter() - t0) * 1000)
        if time.perf_counter() - started > budget_s and len(times) >= 5:
            break
    return times, floor_times


def pages(scope_user: dict) -> list[tuple[str, str, str, str]]:
    """(page, username, url, floor scope) for each main page."""
    from django.urls import reverse

    c, top = scope_user["county"], scope_user.get("top")
    year = scope_user["year"]
    rows = [
        ("workbench", c["office"], reverse("workbench"), "county"),
        ("measures", c["office"], f"{reverse('measure_list')}?year={year}&status=in_progress",
         "county"),
        ("unit", c["office"], reverse("unit_detail", args=[c["unit"]]), "county"),
        ("mine", c["liaison"], reverse("my_tasks"), "county"),
        ("reviews", c["office"], reverse("review_queue"), "county"),
        ("notice", c["office"], reverse("notice_detail", args=[c["notice"]]), "county"),
        ("ranking", c["office"], reverse("ranking"), "county"),
    ]  # fmt: skip
    if top:  # the whole city or province at once: the largest scope there is
        everything = f"?jurisdiction=&year={year}"
        rows += [
            ("workbench", top["office"], reverse("workbench") + everything, "top"),
            ("measures", top["office"],
             f"{reverse('measure_list')}?year={year}&status=in_progress", "top"),
            ("reviews", top["office"], reverse("review_queue"), "top"),
            ("ranking", top["office"], reverse("ranking") + everything, "top"),
        ]  # fmt: skip
    return rows


def scope_data(today: dt.date) -> dict:
    """The users and objects the pages are measured with, and the floors' parameters."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from tasks import periods
    from tasks.loadgen import PREFIX
    from tasks.models import Assignment, Notice
    from units.models import Jurisdiction

    User = get_user_model()
    county = Jurisdiction.objects.filter(name=f"{PREFIX}县001").first()
    if county is None:
        sys.exit("没有压测数据：请先运行 manage.py generate_load --scale county|city|province")
    year = Notice.objects.filter(jurisdiction=county).order_by("-year").first().year
    busiest = (
        Assignment.objects.filter(unit__jurisdiction=county)
        .values("unit")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit")
        .first()["unit"]
    )
    notice = (
        Notice.objects.filter(jurisdiction=county, year=year)
        .annotate(n=Count("tasks__measures"))
        .order_by("-n", "pk")
        .first()
    )
    liaison = User.objects.get(profile__unit_id=busiest)
    common = {
        "today": today, "soon": today + dt.timedelta(days=6), "year": year, "no": False,
        "year_start": dt.datetime(year, 1, 1, tzinfo=dt.UTC), "year_first": dt.date(year, 1, 1),
        "cw": periods.week_index(today), "cm": periods.month_index(today),
        "cq": periods.month_index(today) // 3, "cs": periods.month_index(today) // 6,
        "cy": periods.month_index(today) // 12, "yes": True, "unit": busiest, "liaison_unit": busiest,
        "notice": notice.pk,
    }  # fmt: skip
    FLOOR_PARAMS["county"] = common | {"path": county.path + "%"}
    out = {
        "year": year,
        "county": {"office": "c001_office", "liaison": liaison.username, "unit": busiest,
                   "notice": notice.pk},
    }  # fmt: skip
    if User.objects.filter(username="load_office").exists():
        top = Jurisdiction.objects.get(profiles__user__username="load_office")
        from tasks import figures, wide_counts
        from units.access import get_actor

        actor = get_actor(User.objects.get(username="load_office"))
        badge_key = figures._key("badge", actor, None, dt.date.min)
        asked = {"measures": {"year": [str(year)], "status": ["in_progress"]},
                 "completions": {}, "extensions": {}}  # as pages() asks  # fmt: skip
        count_keys = {
            kind: figures._key(wide_counts.count_kind(kind, filters), actor, None, today)
            for kind, filters in asked.items()
        }
        FLOOR_PARAMS["top"] = common | {
            "path": top.path + "%",
            "badge_key": badge_key,
            "count_keys": count_keys,
        }
        out["top"] = {"office": "load_office"}
    return out


def measure_pages(repeat: int, budget_s: float, today: dt.date) -> list[PageResult]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    users = scope_data(today)
    results = []
    clients: dict[str, Client] = {}
    for page, username, url, scope in pages(users):
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(get_user_model().objects.get(username=username))
        client = clients[username]
        floor_url = f"/__floor__/{page}/{scope}/"
        status, size, queries = _count_queries(client, url)
        _s, _b, floor_queries = _count_queries(client, floor_url)
        times, floor_times = time_pair(client, url, floor_url, repeat, budget_s)
        median, floor_median = statistics.median(times), statistics.median(floor_times)
        results.append(
            PageResult(
                page=page, user=username, url=url, status=status, bytes=size, queries=queries,
                median_ms=median, p95_ms=_p95(times), floor_median_ms=floor_median,
                floor_p95_ms=_p95(floor_times), floor_queries=floor_queries,
                ratio=median / floor_median if floor_median else float("inf"),
            )
        )  # fmt: skip
        r = results[-1]
        flags = []
        if r.median_ms > TARGET_MEDIAN_MS or r.p95_ms > TARGET_P95_MS:
            flags.append("慢")
        if r.ratio > TARGET_RATIO:
            flags.append(f">{TARGET_RATIO:g}×底线")
        if r.queries > TARGET_QUERIES:
            flags.append(f">{TARGET_QUERIES}次查询")
        if r.status != 200:
            flags.append(f"HTTP {r.status}")
        print(
            f"{page:10} {username:12} {r.median_ms:9.1f} {r.p95_ms:9.1f} {r.queries:5d}"
            f" {r.floor_median_ms:9.1f} {r.floor_queries:5d} {r.ratio:6.2f}  {' '.join(flags)}",
            flush=True,
        )
    return results


def measure_export(rows: int) -> dict:
    """The 台账 export of ``rows`` measures, via benchmarks/ledger_export.py in fresh processes."""
    folder = Path(tempfile.mkdtemp(prefix="ledger-run-", dir="/tmp"))
    db = folder / "bench.sqlite3"
    script = ROOT / "benchmarks" / "ledger_export.py"
    build = (
        f"import sys; sys.path.insert(0, {str(script.parent)!r}); from pathlib import Path;"
        f" import ledger_export as le; le.setup_django(Path({str(db)!r})); le.create_base();"
        f" le.add_rows(0, {rows})"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    try:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", build], check=True, cwd=ROOT, env=env)
        built = time.perf_counter() - started
        out = subprocess.run(
            [sys.executable, str(script), "--export-only", str(db)],
            check=True, capture_output=True, text=True, cwd=ROOT, env=env,
        )  # fmt: skip
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result["build_seconds"] = built
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def measure_seeds(paths: list[str] | None = None) -> list[dict]:
    """Parse time of each seed (median), beside its library's floor, timed in turn in each
    round by parse_speed (the default: the seeds, their renderings and the real PDFs)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import parse_speed as ps

    from importers.api import parse_file
    from importers.parse import NoticeImportError
    from importers.sniff import sniff_format

    out = []
    for path in ps.files(paths or []):
        data = path.read_bytes()
        try:
            fmt = sniff_format(data, path.name)
            parse_file(data, path.name)
        except NoticeImportError as error:
            out.append({"file": path.name, "format": "?", "error": error.message})
            continue
        repeat = 3 if fmt in ("pdf", "doc", "wps") else 9
        fns = [lambda d=data, n=path.name: parse_file(d, n)]
        floor = ps.FLOORS.get(fmt)
        if floor is not None:
            fns.append(lambda d=data, f=floor: f(d))
        parse_ms, *rest = (t * 1000 for t in ps.median_times(fns, repeat))
        floor_ms = rest[0] if rest else None
        out.append({"file": path.name, "format": fmt, "parse_ms": parse_ms, "floor_ms": floor_ms})
        ratio = f"{parse_ms / floor_ms:6.2f}" if floor_ms else "     -"
        floor_text = f"{floor_ms:9.1f}" if floor_ms else "        -"
        print(f"{path.name[:44]:44} {fmt:5} {parse_ms:9.1f} {floor_text} {ratio}", flush=True)
    return out


def machine() -> dict:
    cpu = ""
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as f:
        mem_kib = int(f.readline().split()[1])
    return {"nproc": os.cpu_count(), "memory_gib": round(mem_kib / 2**20, 1), "cpu": cpu,
            "python": platform.python_version(),
            "load_average_at_start": os.getloadavg()}  # fmt: skip


def data_size() -> dict:
    from tasks.models import Assignment, Measure, ProgressReport
    from units.models import Jurisdiction, Unit

    return {
        "counties": Jurisdiction.objects.filter(level="county").count(),
        "units": Unit.objects.count(),
        "measures": Measure.objects.count(),
        "assignments": Assignment.objects.count(),
        "reports": ProgressReport.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    parser.add_argument("--budget", type=float, default=20, help="seconds at most per page")
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--skip-seeds", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "benchmarks.json")
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from tasks import clock

    today = clock.today()
    size = data_size()
    print(f"数据库：{connection.vendor} {connection.settings_dict['NAME']}  数据量：{size}")
    print(f"{'page':10} {'user':12} {'median':>9} {'p95':>9} {'qry':>5} {'floor':>9} "
          f"{'fqry':>5} {'ratio':>6}   (ms)")  # fmt: skip
    results = measure_pages(args.repeat, args.budget, today)
    export = None
    if not args.skip_export:
        print(f"台账导出 {args.export_rows} 行……", flush=True)
        export = measure_export(args.export_rows)
        print(
            f"台账导出：{export['rows']} 行 {export['seconds']:.1f} 秒，"
            f"RSS 峰值 {export['rss_mib']:.0f} MiB（tracemalloc {export['traced_mib']:.0f} MiB）"
        )
    seeds = None if args.skip_seeds else measure_seeds()
    report = {
        "taken_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "database": connection.vendor,
        "data": size,
        "pages": [asdict(r) for r in results],
        "export": export,
        "seeds": seeds,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    worst_ratio = max(r.ratio for r in results)
    worst_p95 = max(r.p95_ms for r in results)
    max_queries = max(r.queries for r in results)
    export_s = f"{export['seconds']:.1f}" if export else "skipped"
    export_mb = f"{export['rss_mib']:.0f}" if export else "skipped"
    print(f"JSON：{args.out}")
    print(
        f"summary: worst_ratio={worst_ratio:.2f} worst_p95_ms={worst_p95:.0f} "
        f"max_queries={max_queries} export_100k_s={export_s} export_peak_mb={export_mb}"
    )


if __name__ == "__main__":
    main()
