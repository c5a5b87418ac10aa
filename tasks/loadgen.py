"""Realistic bulk data for measuring speed at scale (``manage.py generate_load``).

One county is about 40 units (28 departments, 12 townships), three groups, an office user, a
leader and one liaison per unit; three years of notices (a 工作要点 and a 任务分工表 each year),
about 1,100 measures shaped like the seeds, about 4,000 assignments with every role and status,
recurring measures (weekly to yearly) with their period reports, progress and completion
reports, reviews (办结 and 退回), extension requests (pending, approved, refused) and reminders.
A city is 10 counties under one city office; a province 12 cities of 10 counties (120).

Rows are built here as plain dicts with ids chosen in advance, so that nothing needs to be read
back; :class:`Writer` sends them with ``COPY`` on PostgreSQL and ``executemany`` on SQLite,
one county per transaction. Random choices come from a seeded generator: the same arguments
give the same data.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, models, transaction

from reports.models import Reminder
from tasks import periods
from tasks.models import (
    Assignment,
    ExtensionRequest,
    Measure,
    Notice,
    ProgressReport,
    Review,
    Task,
)
from tasks.period_counts import counts_for
from units.models import LEADER, LIAISON, OFFICE, Jurisdiction, Profile, Unit, UnitGroup

TZ = ZoneInfo("Asia/Shanghai")
PREFIX = "压测"  # every generated jurisdiction's name starts with this: the "already run" mark
PASSWORD = "anquan2024"
SCALES = {"county": 1, "city": 10, "province": 120}
COUNTIES_PER_CITY = 10

DEPARTMENTS = [
    "县应急管理局", "县公安局", "县交通运输局", "县住房和城乡建设局", "县市场监督管理局",
    "县自然资源局", "县农业农村局", "县水利局", "县教育局", "县卫生健康局", "县商务局",
    "县文化和旅游局", "县工业和信息化局", "县消防救援大队", "县生态环境局", "县林业局",
    "县能源局", "县民政局", "县人力资源和社会保障局", "县财政局", "县发展和改革局",
    "县城市管理局", "县气象局", "县供电公司", "县公路段", "县交警大队", "县体育中心",
    "县融媒体中心",
]  # fmt: skip
TOWNSHIPS = [
    "城关镇", "天宁镇", "夏家营镇", "西营镇", "水峪贯镇", "西社镇", "庞泉沟镇", "洪相乡",
    "岭底乡", "东坡底乡", "会立乡", "岭上街道",
]  # fmt: skip
SUPERVISORS = 10  # the first departments form 负有安全监管职责的部门
CHAPTERS = ["压实安全生产责任", "深化重点行业领域专项整治", "强化安全风险防控", "夯实安全基础"]
TASK_TITLES = [
    "深入开展安全生产治本攻坚三年行动", "扎实推进重大事故隐患排查整治", "强化道路交通安全管理",
    "加强危险化学品安全监管", "推进矿山安全生产标准化建设", "加强建筑施工安全管理",
    "强化消防安全综合治理", "加强城镇燃气安全排查整治", "做好防汛抗旱和地质灾害防治",
    "提升应急救援能力", "加强安全生产宣传教育培训", "健全安全生产考核巡查机制",
]  # fmt: skip
MEASURE_TEXTS = [
    "每月组织开展一次隐患排查，建立问题清单、责任清单和整改清单，实行闭环管理。",
    "督促企业落实全员安全生产责任制，主要负责人每季度带队开展一次全面检查。",
    "严厉打击非法违法生产经营建设行为，对重大事故隐患挂牌督办。",
    "完善双重预防机制，推动重点企业安全风险分级管控和隐患排查治理信息化。",
    "开展“安全生产月”活动，组织专题宣讲和应急演练，提高群众安全意识。",
    "加强对“两客一危”车辆和农村道路的安全管理，整治超速、超载等突出违法行为。",
    "对老旧小区、人员密集场所开展消防安全专项检查，清理占用堵塞消防通道问题。",
    "落实汛期值班值守和24小时应急值守制度，及时报送险情灾情信息。",
    "组织辖区企业开展安全生产标准化建设，年底前完成达标评审。",
    "健全完善应急预案体系，每半年至少组织一次综合应急演练。",
]  # fmt: skip
RETURN_REASONS = ["佐证材料不全，请补充整改前后照片。", "整改未到位，请继续推进。"]
REPORT_TEXTS = [
    "已召开专题会议研究部署，制定了工作方案。",
    "已完成辖区企业排查，发现问题已督促整改。",
    "正在推进，本期整改完成大部分问题。",
    "已按期报送，工作正常开展。",
]
# (recurrence, share of measures): the rest have none.
RECURRENCES = [
    (periods.MONTHLY, 0.30),
    (periods.QUARTERLY, 0.05),
    (periods.WEEKLY, 0.01),
    (periods.SEMIANNUAL, 0.02),
    (periods.YEARLY, 0.02),
]
MEASURES_PER_TASK = (12, 24)
TASKS_PER_NOTICE = 10
YEARS = 3

S = Assignment.Status
R = Assignment.Role


class LoadExistsError(Exception):
    """The database holds generated data already."""


# ---- writing --------------------------------------------------------------------------------


class Writer:
    """Inserts dict rows (keyed by attname, ids chosen here) with COPY or executemany."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self._next: dict[type[models.Model], int] = {}
        self.counts: dict[str, int] = {}

    def ids(self, model: type[models.Model], n: int) -> range:
        """``n`` fresh primary keys for ``model``."""
        if model not in self._next:
            pk = model._meta.pk.attname
            top = model._default_manager.aggregate(m=models.Max(pk))["m"] or 0
            self._next[model] = top + 1
        start = self._next[model]
        self._next[model] = start + n
        return range(start, start + n)

    def one_id(self, model: type[models.Model]) -> int:
        return self.ids(model, 1)[0]

    def _converters(self, fields: list[models.Field]) -> list[Callable | None]:
        out: list[Callable | None] = []
        for f in fields:
            if isinstance(f, models.JSONField):
                out.append(lambda v: None if v is None else json.dumps(v, ensure_ascii=False))
            elif self.postgres:
                out.append(None)
            elif isinstance(f, models.DateTimeField):
                out.append(_sqlite_datetime)
            elif isinstance(f, models.DateField):
                out.append(lambda v: None if v is None else v.isoformat())
            elif isinstance(f, models.BooleanField):
                out.append(lambda v: None if v is None else int(v))
            else:
                out.append(None)
        return out

    def write(self, model: type[models.Model], rows: list[dict]) -> None:
        if not rows:
            return
        fields = list(model._meta.concrete_fields)
        defaults = {}
        for f in fields:
            if f.has_default():
                defaults[f.attname] = f.get_default()
            elif f.null:
                defaults[f.attname] = None
            elif isinstance(f, models.CharField | models.TextField | models.FileField):
                defaults[f.attname] = ""
        names = [f.attname for f in fields]
        convert = self._converters(fields)
        table = model._meta.db_table
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)

        def tuples() -> Iterable[tuple]:
            for row in rows:
                values = [row[n] if n in row else defaults[n] for n in names]
                for i, c in enumerate(convert):
                    if c is not None:
                        values[i] = c(values[i])
                yield values

        with connection.cursor() as cursor:
            raw = cursor.cursor
            if self.postgres:
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for values in tuples():
                        copy.write_row(values)
            else:
                marks = ", ".join("?" for _ in fields)
                raw.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuples())
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + len(rows)

    def finish(self) -> None:
        """Refresh the planner's statistics (SQLite has none until ANALYZE: without them it
        picks slow plans for the figures); PostgreSQL: move each identity sequence past the
        ids chosen here."""
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for model in self._next:
                table, pk = model._meta.db_table, model._meta.pk.column
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{pk}'), "
                    f"(SELECT COALESCE(MAX({pk}), 1) FROM {table}))"
                )


def _sqlite_datetime(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


# ---- the plan -------------------------------------------------------------------------------


@dataclass
class Result:
    scale: str
    counties: int
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class CountyCtx:
    jurisdiction_id: int
    name: str
    office_id: int
    units: list[int]  # departments first, then townships
    liaison_of: dict[int, int]  # unit id → liaison user id

    @property
    def departments(self) -> list[int]:
        return self.units[: len(DEPARTMENTS)]

    @property
    def townships(self) -> list[int]:
        return self.units[len(DEPARTMENTS) :]


def plan_counties(scale: str, counties: int | None) -> int:
    if scale not in SCALES:
        raise ValueError(f"未知的规模：{scale}（可选 county、city、province）")
    return counties if counties else SCALES[scale]


def generate(
    *,
    scale: str,
    today: dt.date,
    counties: int | None = None,
    seed: int = 2024,
    measures_per_task: tuple[int, int] = MEASURES_PER_TASK,
    progress: Callable[[str], None] = lambda _msg: None,
) -> Result:
    """Fill the database. Refuses (LoadExistsError) when generated data is there already.
    ``measures_per_task``: smaller for a quick smoke test (``--tiny``)."""
    n_counties = plan_counties(scale, counties)
    existing = Jurisdiction.objects.filter(name__startswith=PREFIX).order_by("pk").first()
    if existing is not None:
        raise LoadExistsError(
            f"数据库中已有压测数据（{existing.name}），generate_load 只能在空数据库上运行一次。"
            "请换一个数据库（设置 SAFETYPLAN_VAR_DIR 或 DATABASE_URL）后再运行。"
        )
    started = time.perf_counter()
    w = Writer()
    password = make_password(PASSWORD)
    groups = {g.name: g.pk for g in Group.objects.filter(name__in=[OFFICE, LEADER, LIAISON])}
    with transaction.atomic():
        parents = _upper_levels(w, scale, n_counties, password, groups)
    for i in range(n_counties):
        rng = random.Random(seed * 100_003 + i)
        with transaction.atomic():
            ctx = _county(w, parents[i], i, password, groups)
            _county_work(w, ctx, rng, today, measures_per_task)
        if (i + 1) % 5 == 0 or i + 1 == n_counties:
            progress(f"{i + 1}/{n_counties} 个县，已用 {time.perf_counter() - started:.0f} 秒")
    w.finish()
    return Result(scale, n_counties, time.perf_counter() - started, dict(w.counts))


def _jurisdiction(w: Writer, name: str, level: str, parent: dict | None, **extra) -> dict:
    pk = w.one_id(Jurisdiction)
    path = f"{parent['path'] if parent else '/'}{pk}/"
    row = {"id": pk, "name": name, "level": level, "path": path, **extra}
    row["parent_id"] = parent["id"] if parent else None
    w.write(Jurisdiction, [row])
    return row


def _users(w: Writer, specs: list[tuple[str, str, int, int | None]], password: str, groups):
    """(username, group name, jurisdiction id, unit id) → user ids, with profiles and groups."""
    User = get_user_model()
    ids = list(w.ids(User, len(specs)))
    joined = dt.datetime(2024, 1, 2, 9, tzinfo=TZ)
    w.write(
        User,
        [
            {"id": pk, "username": name, "password": password, "is_active": True,
             "date_joined": joined}
            for pk, (name, *_rest) in zip(ids, specs, strict=True)
        ],
    )  # fmt: skip
    w.write(
        Profile,
        [
            {"id": p, "user_id": u, "jurisdiction_id": j, "unit_id": unit}
            for p, u, (_n, _g, j, unit) in zip(w.ids(Profile, len(specs)), ids, specs, strict=True)
        ],
    )
    through = User.groups.through
    w.write(
        through,
        [
            {"id": t, "user_id": u, "group_id": groups[g]}
            for t, u, (_n, g, _j, _u) in zip(w.ids(through, len(specs)), ids, specs, strict=True)
        ],
    )
    return ids


def _upper_levels(w: Writer, scale: str, n_counties: int, password: str, groups) -> list[dict]:
    """The province and cities above the counties, with their office and leader; returns the
    parent row of each county (None for a lone county)."""
    if scale == "county":
        return [None] * n_counties
    if scale == "city":
        top = _jurisdiction(w, f"{PREFIX}市", "city", None, office_name=f"{PREFIX}市安委办")
        cities = [top]
    else:
        top = _jurisdiction(w, f"{PREFIX}省", "province", None, office_name=f"{PREFIX}省安委办")
        cities = [
            _jurisdiction(w, f"{PREFIX}市{c + 1:02d}", "city", top)
            for c in range(math.ceil(n_counties / COUNTIES_PER_CITY))
        ]
    specs = [("load_office", OFFICE, top["id"], None), ("load_leader", LEADER, top["id"], None)]
    if scale == "province":
        specs += [(f"city{c + 1:02d}_office", OFFICE, j["id"], None) for c, j in enumerate(cities)]
    _users(w, specs, password, groups)
    return [cities[i // COUNTIES_PER_CITY] for i in range(n_counties)]


def _county(w: Writer, parent: dict | None, i: int, password: str, groups) -> CountyCtx:
    code = f"c{i + 1:03d}"
    name = f"{PREFIX}县{i + 1:03d}"
    j = _jurisdiction(
        w, name, "county", parent, office_name=f"{name}安全生产委员会办公室",
        document_prefix="压安办督",
    )  # fmt: skip
    names = DEPARTMENTS + TOWNSHIPS
    unit_ids = list(w.ids(Unit, len(names)))
    w.write(
        Unit,
        [
            {"id": pk, "jurisdiction_id": j["id"], "name": n, "order": k, "is_active": True,
             "kind": Unit.Kind.DEPARTMENT if k < len(DEPARTMENTS) else Unit.Kind.TOWNSHIP}
            for k, (pk, n) in enumerate(zip(unit_ids, names, strict=True))
        ],
    )  # fmt: skip
    group_ids = list(w.ids(UnitGroup, 3))
    rules = [
        ("各乡镇", UnitGroup.Rule.TOWNSHIPS, "各乡（镇）\n各乡镇（街道）"),
        ("县直各部门", UnitGroup.Rule.DEPARTMENTS, "县直有关部门"),
        ("负有安全监管职责的部门", UnitGroup.Rule.LIST, "各有关部门"),
    ]
    w.write(
        UnitGroup,
        [
            {"id": g, "jurisdiction_id": j["id"], "name": n, "rule": r, "aliases": a, "order": k}
            for k, (g, (n, r, a)) in enumerate(zip(group_ids, rules, strict=True))
        ],
    )
    through = UnitGroup.members.through
    w.write(
        through,
        [
            {"id": t, "unitgroup_id": group_ids[2], "unit_id": u}
            for t, u in zip(w.ids(through, SUPERVISORS), unit_ids[:SUPERVISORS], strict=True)
        ],
    )
    specs = [(f"{code}_office", OFFICE, j["id"], None), (f"{code}_leader", LEADER, j["id"], None)]
    specs += [(f"{code}_u{k + 1:02d}", LIAISON, j["id"], u) for k, u in enumerate(unit_ids)]
    users = _users(w, specs, password, groups)
    return CountyCtx(j["id"], name, users[0], unit_ids, dict(zip(unit_ids, users[2:], strict=True)))


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def _recurrence(rng: random.Random) -> str:
    r = rng.random()
    for value, share in RECURRENCES:
        if r < share:
            return value
        r -= share
    return ""


def _status(rng: random.Random, due: dt.date | None, today: dt.date) -> str:
    r = rng.random()
    if due is not None and due < today:
        shares = ((S.DONE, 0.75), (S.REQUESTED, 0.07), (S.IN_PROGRESS, 0.10))
    else:
        shares = ((S.DONE, 0.20), (S.REQUESTED, 0.08), (S.IN_PROGRESS, 0.50))
    for status, share in shares:
        if r < share:
            return status
        r -= share
    return S.NOT_STARTED


def _county_work(
    w: Writer, ctx: CountyCtx, rng: random.Random, today: dt.date, per_task: tuple[int, int]
) -> None:
    """Notices, tasks, measures, assignments and everything reported on them, for one county."""
    notices, tasks, measures = [], [], []
    assignments, history, reports, reviews, extensions, reminders = [], [], [], [], [], []
    report_ids = _IdPool(w, ProgressReport)
    for year in range(today.year - YEARS + 1, today.year + 1):
        for kind_no, kind in enumerate((Notice.Kind.NOTICE, Notice.Kind.DIVISION_TABLE)):
            issued = dt.date(year, 2, 10 + rng.randrange(15))
            notice_id = w.one_id(Notice)
            title = "安全生产工作要点" if kind == Notice.Kind.NOTICE else "安全生产重点任务分工表"
            notices.append(
                {"id": notice_id, "jurisdiction_id": ctx.jurisdiction_id, "kind": kind,
                 "title": f"{ctx.name}{year}年{title}", "year": year, "issued_on": issued,
                 "doc_number": f"压安委〔{year}〕{kind_no + 1}号", "issuer": f"{ctx.name}安委会",
                 "parse": {}, "imported_by_id": ctx.office_id, "imported_at": _at(issued, 15)}
            )  # fmt: skip
            for t in range(TASKS_PER_NOTICE):
                task_id = w.one_id(Task)
                tasks.append(
                    {"id": task_id, "notice_id": notice_id, "number": str(t + 1), "order": t,
                     "chapter": CHAPTERS[t % len(CHAPTERS)],
                     "title": TASK_TITLES[(t + kind_no) % len(TASK_TITLES)]}
                )  # fmt: skip
                for m in range(rng.randint(*per_task)):
                    measure = _measure(w, rng, task_id, m, year, issued)
                    measures.append(measure)
                    start = min(issued + dt.timedelta(days=rng.randrange(20)), today)
                    for unit, role in _units_for(rng, ctx):
                        a = _assignment(w, rng, ctx, measure, unit, role, start, today)
                        assignments.append(a)
                        _activity(w, rng, ctx, measure, a, today, report_ids, reports, reviews)
                        _extension(w, rng, ctx, a, today, extensions)
                        _reminder(w, rng, ctx, a, today, reminders)
                        history.extend(_history(w, ctx, a))
    for model, rows in (
        (Notice, notices), (Task, tasks), (Measure, measures), (Assignment, assignments),
        (Assignment.history.model, history), (ProgressReport, reports), (Review, reviews),
        (ExtensionRequest, extensions), (Reminder, reminders),
    ):  # fmt: skip
        w.write(model, rows)


class _IdPool:
    """Ids for one model handed out one at a time, fetched from the writer in blocks."""

    def __init__(self, w: Writer, model: type[models.Model]) -> None:
        self.w, self.model, self.block = w, model, iter(())

    def __call__(self) -> int:
        try:
            return next(self.block)
        except StopIteration:
            self.block = iter(self.w.ids(self.model, 10_000))
            return next(self.block)


def _measure(w, rng, task_id: int, order: int, year: int, issued: dt.date) -> dict:
    recurrence = _recurrence(rng)
    if recurrence:
        due = dt.date(year, 12, 31)
    elif rng.random() < 0.05:
        due = None
    else:
        due = issued + dt.timedelta(days=30 + rng.randrange(300))
    return {
        "id": w.one_id(Measure), "task_id": task_id, "order": order, "recurrence": recurrence,
        "text": f"{order + 1}. {MEASURE_TEXTS[rng.randrange(len(MEASURE_TEXTS))]}",
        "topic": "", "due_date": due, "withdrawn": rng.random() < 0.01,
    }  # fmt: skip


def _units_for(rng: random.Random, ctx: CountyCtx) -> list[tuple[int, str]]:
    """Every township 负责 (12% of measures), else one department 牵头 and 0–3 配合."""
    if rng.random() < 0.12:
        return [(u, R.RESPONSIBLE) for u in ctx.townships]
    lead, *others = rng.sample(ctx.units, 4)
    return [(lead, R.LEAD)] + [(u, R.COOPERATE) for u in others[: rng.randrange(4)]]


def _assignment(w, rng, ctx, measure: dict, unit: int, role: str, start, today) -> dict:
    due = measure["due_date"]
    status = _status(rng, due, today)
    if measure["recurrence"] and status == S.NOT_STARTED and rng.random() < 0.7:
        status = S.IN_PROGRESS  # recurring ones mostly report
    return {
        "id": w.one_id(Assignment), "measure_id": measure["id"], "unit_id": unit, "role": role,
        "due_date": due, "original_due_date": due, "status": status, "start_date": start,
        "start_month": periods.month_index(start), "start_week": periods.week_index(start),
        "latest_percent": 0, "latest_report_at": None, "completed_at": None,
        "reported_periods": 0, "last_period_index": None,
        "assigned_by_id": ctx.office_id, "assigned_at": _at(start, 9), "version": 1,
    }  # fmt: skip


def _activity(w, rng, ctx, measure, a: dict, today, report_ids, reports: list, reviews) -> None:
    """The reports an assignment's status implies: period reports of a recurring measure,
    progress reports, a completion request, and the office's reviews of it."""
    status, start, due = a["status"], a["start_date"], a["due_date"]
    if status == S.NOT_STARTED:
        return
    author = ctx.liaison_of[a["unit_id"]]
    finished = status in (S.DONE, S.REQUESTED)
    if finished:
        latest = today - dt.timedelta(days=1)
        if due is not None:
            latest = min(latest, due + dt.timedelta(days=rng.randrange(-40, 25)))
        end = max(start + dt.timedelta(days=1), latest)
        end = min(end, today)
    else:
        end = today
    mine: list[dict] = []
    recurrence = measure["recurrence"]
    if recurrence:
        for p in periods.ended_periods(start, end, recurrence):
            if rng.random() < 0.9:
                day = min(p.end + dt.timedelta(days=rng.randrange(6)), end)
                mine.append({"kind": ProgressReport.Kind.PROGRESS, "created_at": _at(day),
                             "period_start": p.start, "period_index": p.index})  # fmt: skip
    else:
        span = max(1, (end - start).days)
        for _ in range(rng.randint(3, 15)):
            day = start + dt.timedelta(days=rng.randrange(span))
            mine.append({"kind": ProgressReport.Kind.PROGRESS, "created_at": _at(day, 11)})
    mine.sort(key=lambda r: r["created_at"])
    if finished:
        if status == S.DONE and rng.random() < 0.1:  # asked once, sent back, asked again
            first = end - dt.timedelta(days=rng.randrange(3, 15))
            mine.append({"kind": ProgressReport.Kind.COMPLETION, "created_at": _at(first, 16),
                         "returned": True})  # fmt: skip
        mine.append({"kind": ProgressReport.Kind.COMPLETION, "created_at": _at(end, 16)})
    n = len(mine)
    percent = 0
    for k, r in enumerate(mine):
        done_now = r["kind"] == ProgressReport.Kind.COMPLETION
        percent = 100 if done_now else max(percent, min(95, (k + 1) * 90 // max(n, 1)))
        row = {"id": report_ids(), "assignment_id": a["id"], "author_id": author,
               "kind": r["kind"], "percent": percent, "created_at": r["created_at"],
               "text": REPORT_TEXTS[k % len(REPORT_TEXTS)],
               "period_start": r.get("period_start"), "period_index": r.get("period_index")}  # fmt: skip
        reports.append(row)
        if done_now and r.get("returned"):
            reviews.append(_review(w, ctx, a, row, Review.Decision.RETURN, r["created_at"], rng))
            percent = 90
    if recurrence:
        indexes = (r["period_index"] for r in mine if r.get("period_index") is not None)
        a["reported_periods"], a["last_period_index"] = counts_for(start, recurrence, indexes)
    if mine:
        a["latest_percent"] = percent
        a["latest_report_at"] = mine[-1]["created_at"]
        a["version"] = 1 + len(mine)
    if status == S.DONE:
        decided = mine[-1]["created_at"] + dt.timedelta(days=1)
        a["completed_at"] = decided
        reviews.append(_review(w, ctx, a, reports[-1], Review.Decision.ACCEPT, decided, rng))
        a["version"] += 1


def _review(w, ctx, a: dict, report: dict, decision: str, at, rng) -> dict:
    reason = RETURN_REASONS[rng.randrange(2)] if decision == Review.Decision.RETURN else ""
    return {
        "id": w.one_id(Review), "assignment_id": a["id"], "report_id": report["id"],
        "decision": decision, "reason": reason, "reviewer_id": ctx.office_id,
        "created_at": at + dt.timedelta(hours=20),
    }  # fmt: skip


def _extension(w, rng, ctx, a: dict, today, extensions: list) -> None:
    """4% of open assignments with a date asked for more time: pending, approved or refused."""
    due = a["due_date"]
    if due is None or a["status"] == S.DONE or rng.random() >= 0.04:
        return
    status = list(ExtensionRequest.Status)[len(extensions) % 3]  # a third of each, always all
    asked = max(a["start_date"], min(today, due) - dt.timedelta(days=rng.randrange(1, 10)))
    wanted = due + dt.timedelta(days=30)
    row = {
        "id": w.one_id(ExtensionRequest), "assignment_id": a["id"],
        "requested_by_id": ctx.liaison_of[a["unit_id"]], "requested_date": wanted,
        "reason": "汛期施工受限，申请延期。", "created_at": _at(asked, 14), "status": status,
    }  # fmt: skip
    if status != ExtensionRequest.Status.PENDING:
        row |= {"decided_by_id": ctx.office_id, "decided_at": _at(asked, 17)}
    if status == ExtensionRequest.Status.APPROVED:
        row["approved_date"] = wanted
        a["due_date"] = wanted  # original_due_date keeps the assessed date
        a["version"] += 1
    extensions.append(row)


def _reminder(w, rng, ctx, a: dict, today, reminders: list) -> None:
    """Half of the open overdue assignments were reminded once (in the app or by e-mail)."""
    due = a["due_date"]
    if due is None or due >= today or a["status"] == S.DONE or rng.random() >= 0.5:
        return
    reminders.append(
        {"id": w.one_id(Reminder), "assignment_id": a["id"], "reason": Reminder.Reason.OVERDUE,
         "kind": rng.choice((Reminder.Kind.IN_APP, Reminder.Kind.EMAIL)),
         "created_by_id": ctx.office_id, "created_at": _at(min(today, due + dt.timedelta(3)), 8)}
    )  # fmt: skip


def _history(w, ctx, a: dict) -> list[dict]:
    """django-simple-history rows: the assignment made ("+"), and its state now ("~")."""
    first = {k: a[k] for k in a} | {
        "status": S.NOT_STARTED, "latest_percent": 0, "latest_report_at": None,
        "completed_at": None, "version": 1, "due_date": a["original_due_date"],
        "history_type": "+", "history_date": a["assigned_at"], "history_user_id": ctx.office_id,
    }  # fmt: skip
    first["history_id"] = w.one_id(Assignment.history.model)
    if a["version"] == 1:
        return [first]
    last = dict(a) | {
        "history_type": "~",
        "history_date": a["completed_at"] or a["latest_report_at"] or a["assigned_at"],
        "history_user_id": ctx.office_id if a["completed_at"] else ctx.liaison_of[a["unit_id"]],
        "history_id": w.one_id(Assignment.history.model),
    }
    return [first, last]
