from django import template
from django.utils.safestring import SafeString, mark_safe

from tasks.chips import chip

register = template.Library()


@register.simple_tag
def unit_chip(assignment, light: str) -> SafeString:
    return mark_safe(chip(assignment, light))
