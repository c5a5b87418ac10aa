"""Recompute the figures of every city and province, so that their workbench and ranking
are instant.

Run every minute (cron, a systemd timer), with the same settings as the web server so that it
writes to the same cache: ``* * * * * cd /srv/safetyplan && .venv/bin/python manage.py
refresh_figures``. Without it the first look after FIGURES_MAX_AGE seconds recomputes them.
"""

import time

from django.core.management.base import BaseCommand

from reports import ranking
from tasks import clock, figures
from tasks.access import visible_notices
from units.access import Actor
from units.models import Jurisdiction


class Command(BaseCommand):
    help = "重新计算各市、省“全部行政区划”的工作台统计和考核排名（建议每分钟运行一次）。"

    def handle(self, *args, **options) -> None:
        today = clock.today()
        for jurisdiction in Jurisdiction.objects.filter(level__in=figures.WIDE_LEVELS):
            actor = Actor(user=None, role="office", jurisdiction=jurisdiction)
            # The year the workbench opens on: the latest of the notices in reach.
            year = visible_notices(actor).order_by("-year").values_list("year", flat=True).first()
            started = time.perf_counter()
            figures.refresh(actor, year=year, on=today)
            ranking.refresh_ranking(actor, year=year, on=today)
            spent = time.perf_counter() - started
            self.stdout.write(f"{jurisdiction.name} {year or '全部'}年：{spent:.1f} 秒")
