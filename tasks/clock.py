"""Today's date in Asia/Shanghai. Views ask here so that tests can set the day they judge on."""

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()
