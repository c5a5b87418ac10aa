from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "单位目录"

    def ready(self) -> None:
        from units import throttle  # noqa: F401  (connects the login-failure signals)
