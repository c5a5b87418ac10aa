"""How the 台账 export scales: time and peak memory at 1,000, 10,000 and 100,000 rows.

    .venv/bin/python benchmarks/ledger_export.py [--sizes 1000 10000 100000] [--keep]

Creates a throwaway SQLite database under /tmp, bulk-creates measures (one ledger row each) with
two assignments on average and a progress report for half of the assignments, then, for each
size, exports the whole ledger through the real view, each time in a fresh Python process so
that the peak RSS is that of the export alone (and then once more with ``per_unit=1``: the same
rows again, spread over one sheet per unit). Prints a table: rows, seconds, seconds per 10,000
rows, tracemalloc peak (Python allocations), peak RSS, file size, seconds with the unit sheets.
Time should grow about linearly, memory stay flat, and 100,000 rows take under 20 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2024, 7, 1)
UNITS = 24


def setup_django(db: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["SAFETYPLAN_VAR_DIR"] = str(db.parent)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetyplan.settings")
    import django

    django.setup()


def create_base() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from units.models import OFFICE, Jurisdiction, Profile, Unit

    call_command("migrate", verbosity=0)
    county = Jurisdiction.objects.create(name="交城县", level="county")
    Unit.objects.bulk_create(
        Unit(jurisdiction=county, name=f"县单位{i:02d}", order=i) for i in range(UNITS)
    )
    user = get_user_model().objects.create_user("office", password="x")
    user.groups.add(Group.objects.get(name=OFFICE))
    Profile.objects.create(user=user, jurisdiction=county)


def add_rows(start: int, stop: int) -> None:
    """Measures ``start`` to ``stop`` (one notice per batch of sizes), with their assignments
    and reports, created in bulk."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from tasks import periods
    from tasks.models import Assignment, Measure, Notice, ProgressReport, Task
    from units.models import Jurisdiction, Unit

    county = Jurisdiction.objects.get(name="交城县")
    units = list(Unit.objects.order_by("order").values_list("pk", flat=True))
    author = get_user_model().objects.get(username="office")
    notice = Notice.objects.create(jurisdiction=county, title=f"通知{start}", year=2024)
    tasks = Task.objects.bulk_create(
        Task(notice=notice, number=str(i + 1), title=f"第{i + 1}项重点任务", order=i)
        for i in range(max(1, (stop - start) // 10))
    )
    text = "加强重点行业领域安全监管，深入开展隐患排查整治，压实企业主体责任，"
    start_day = dt.date(2024, 1, 2)
    step = 5000
    for lo in range(start, stop, step):
        hi = min(stop, lo + step)
        measures = Measure.objects.bulk_create(
            Measure(
                task=tasks[(i - start) % len(tasks)],
                text=f"{i}. {text * (1 + i % 3)}",
                due_date=dt.date(2024, 1, 1) + dt.timedelta(days=i % 365),
                recurrence="monthly" if i % 7 == 0 else "",
                order=i,
            )
            for i in range(lo, hi)
        )
        assignments = []
        for m in measures:
            i = m.order
            statuses = ("not_started", "in_progress", "requested", "done")
            for k in range(1 + (i % 3 != 0) + (i % 5 == 0)):  # 1 to 3 units, 2 on average
                assignments.append(
                    Assignment(
                        measure=m, unit_id=units[(i + k) % UNITS],
                        role="lead" if k == 0 else "cooperate",
                        due_date=m.due_date, original_due_date=m.due_date,
                        status=statuses[(i + k) % 4], start_date=start_day,
                        start_month=periods.month_index(start_day),
                        start_week=periods.week_index(start_day),
                        latest_percent=(i * 7) % 100,
                    )
                )  # fmt: skip
        Assignment.objects.bulk_create(assignments)
        moment = timezone.make_aware(dt.datetime(2024, 6, 1, 10))
        ProgressReport.objects.bulk_create(
            ProgressReport(assignment=a, author=author, text=f"已完成第{a.pk}项工作的排查整改。",
                           percent=a.latest_percent, created_at=moment)
            for a in assignments if a.pk % 2 == 0
        )  # fmt: skip


def export_once(db: Path) -> dict:
    """In this process: the export through the view, timed, then again under tracemalloc."""
    setup_django(db)
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    import tasks.clock
    from reports.views_ledger import ledger_xlsx
    from tasks.models import Measure

    tasks.clock.today = lambda: TODAY
    user = get_user_model().objects.get(username="office")

    def run(per_unit: str = "") -> int:
        request = RequestFactory().get("/ledger/xlsx/", {"per_unit": per_unit})
        request.user = get_user_model().objects.get(pk=user.pk)
        response = ledger_xlsx(request)
        size = sum(len(chunk) for chunk in response.streaming_content)
        response.close()
        return size

    started = time.perf_counter()
    size = run()
    seconds = time.perf_counter() - started
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    run("1")
    per_unit_seconds = time.perf_counter() - started
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "rows": Measure.objects.count(),
        "seconds": seconds,
        "per_unit_seconds": per_unit_seconds,
        "traced_mib": peak / 2**20,
        "rss_mib": rss_kib / 1024,
        "file_mib": size / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--export-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_only:
        print(json.dumps(export_once(args.export_only)))
        return
    folder = Path(tempfile.mkdtemp(prefix="ledger-bench-", dir="/tmp"))
    db = folder / "bench.sqlite3"
    setup_django(db)
    create_base()
    print(f"数据库：{db}")
    print(f"{'行数':>8} {'耗时(秒)':>9} {'秒/万行':>8} {'tracemalloc峰值(MiB)':>20} "
          f"{'RSS峰值(MiB)':>13} {'文件(MiB)':>10} {'按单位分表(秒)':>14} {'造数(秒)':>9}")  # fmt: skip
    done = 0
    try:
        for size in sorted(args.sizes):
            started = time.perf_counter()
            add_rows(done, size)
            made = time.perf_counter() - started
            done = size
            out = subprocess.run(
                [sys.executable, __file__, "--export-only", str(db)],
                check=True, capture_output=True, text=True, cwd=ROOT,
            )  # fmt: skip
            r = json.loads(out.stdout.strip().splitlines()[-1])
            per = r["seconds"] / r["rows"] * 10000
            print(f"{r['rows']:>8} {r['seconds']:>9.2f} {per:>8.2f} {r['traced_mib']:>20.1f} "
                  f"{r['rss_mib']:>13.1f} {r['file_mib']:>10.1f} {r['per_unit_seconds']:>14.2f} "
                  f"{made:>9.1f}", flush=True)  # fmt: skip
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
