from django import template

from tasks.models import Recurrence

register = template.Library()


@register.filter
def recurrence_label(value: str | None) -> str:
    """每月 for "monthly": the parse keeps the eval format's English keys."""
    return Recurrence(value).label if value in Recurrence.values else ""
