from django import template
from django.utils.safestring import SafeString

from safetyplan import table_html

register = template.Library()


@register.simple_tag(takes_context=True)
def table(context, table) -> SafeString:
    """``{% table t %}``: the markup of ``{% render_table t %}``, built in Python."""
    return table_html.render_table(table, context)
