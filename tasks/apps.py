from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = "任务督办"

    def ready(self) -> None:
        from tasks import period_counts  # noqa: F401  (connects the signals)
