"""``manage.py generate_load --scale county|city|province``: bulk data for the benchmarks."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from tasks import clock, loadgen


class Command(BaseCommand):
    help = (
        "生成压测数据：县（约40个单位、4000个任务分配）、市（10个县）或省（120个县，"
        "约50万个任务分配、数百万条进展报送）。只能在空数据库上运行一次。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", choices=sorted(loadgen.SCALES), default="county")
        parser.add_argument(
            "--counties", type=int, default=None, help="只生成前 N 个县（用于分段测量省级规模）"
        )
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument(
            "--tiny",
            action="store_true",
            help="冒烟测试用：每项任务只有 2–4 条措施（约 600 个分配）",
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="以哪一天为“今天”（YYYY-MM-DD）",
        )

    def handle(self, *args, scale: str, counties: int | None, seed: int, today, tiny, **options):
        if counties is not None and counties < 1:
            raise CommandError("--counties 必须是正整数。")
        verbose = options["verbosity"] > 0
        try:
            result = loadgen.generate(
                scale=scale,
                counties=counties,
                seed=seed,
                measures_per_task=(2, 4) if tiny else loadgen.MEASURES_PER_TASK,
                today=today or clock.today(),
                progress=(lambda m: self.stdout.write(m)) if verbose else (lambda m: None),
            )
        except loadgen.LoadExistsError as error:
            raise CommandError(str(error)) from error
        if verbose:
            for label, n in sorted(result.counts.items()):
                self.stdout.write(f"  {label:32} {n:>10,}")
            self.stdout.write(
                self.style.SUCCESS(
                    f"已生成 {result.scale} 规模压测数据（{result.counties} 个县），"
                    f"用时 {result.seconds:.1f} 秒。"
                )
            )
