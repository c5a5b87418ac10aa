"""Load test: gunicorn with several workers on loopback, 50 logged-in users for 60 s (wrk).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safetyplan_perf \\
        .venv/bin/python benchmarks/loadtest.py [--users 50] [--seconds 60] [--workers 5]

Needs ``wrk`` (Debian: ``apt-get install wrk``) and a database filled by ``manage.py
generate_load``. Logs in ``--users`` generated users (half county offices on their workbench,
measure list, review queue, notice list and ranking; half liaisons on 我的任务 and the unit
page), writes their session ids and pages to ``var/loadtest_sessions.txt``, starts gunicorn on
127.0.0.1 only, runs ``wrk -c USERS`` with benchmarks/loadtest.lua, stops gunicorn, and prints
wrk's report and one ``loadtest:`` line (requests per second, non-200 answers, socket errors,
latency percentiles). Static files are served by the app (WhiteNoise) as in production.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sessions(users: int, out: Path) -> int:
    """Log in ``users`` generated users; one line per user: session id and page."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetyplan.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from tasks.models import Notice

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    User = get_user_model()
    offices = list(User.objects.filter(username__regex=r"^c\d{3}_office$").order_by("username"))
    liaisons = list(User.objects.filter(username__regex=r"^c\d{3}_u01$").order_by("username"))
    liaisons += list(User.objects.filter(username__regex=r"^c001_u\d\d$").order_by("username"))
    office_pages = [reverse("workbench"), reverse("measure_list"), reverse("review_queue"),
                    reverse("notice_list"), reverse("ranking")]  # fmt: skip
    lines = []
    for k in range(users):
        if k % 2 == 0:
            user = offices[(k // 2) % len(offices)]
            page = office_pages[(k // 2) % len(office_pages)]
            if k % 10 == 8:  # now and then a notice page instead
                notice = Notice.objects.filter(jurisdiction=user.profile.jurisdiction).first()
                page = reverse("notice_detail", args=[notice.pk])
        else:
            user = liaisons[(k // 2) % len(liaisons)]
            page = reverse("my_tasks")
            if k % 4 == 3:
                page = reverse("unit_detail", args=[user.profile.unit_id])
        client = Client()
        client.force_login(user)
        lines.append(f"{client.cookies[settings.SESSION_COOKIE_NAME].value} {page}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--port", type=int, default=18606)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("需要 wrk：apt-get install wrk")
    out = ROOT / "var" / "loadtest_sessions.txt"
    print(f"已登录 {sessions(args.users, out)} 个用户：{out}", flush=True)
    env = dict(os.environ, DEBUG="false")
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        env.setdefault("DB_POOL", "true")  # as in the README's deployment
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   check=True, cwd=ROOT, env=env)  # fmt: skip
    bind = f"127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "safetyplan.wsgi", "--workers",
         str(args.workers), "--bind", bind, "--access-logfile", "/dev/null", "--timeout", "60"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://{bind}/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        wrk = ["wrk", "-t2", f"-c{args.users}", f"-d{args.seconds}s", "--timeout", "10s",
               "--latency", "-s", str(ROOT / "benchmarks" / "loadtest.lua"),
               f"http://{bind}/", "--", str(out)]  # fmt: skip
        print(" ".join(wrk), flush=True)
        subprocess.run(wrk, check=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
