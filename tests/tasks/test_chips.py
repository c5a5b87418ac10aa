"""tasks.chips builds the same chips the templates it replaced did."""

import datetime as dt
import re

from django.template import Context, Template

from tasks.chips import chip, chips
from tests import factories as f

OLD_CHIP = (
    "<span class=\"chip role-{{ a.role }}{% if light == 'red' %} chip-late{% endif %}\" "
    'title="{{ a.unit.name }} · {{ a.get_role_display }} · {{ a.get_status_display }}'
    "{% if a.due_date %} · {{ a.due_date|date:'Y年n月j日' }}前{% endif %}"
    "{% if light == 'red' %} · 逾期{% elif light == 'yellow' %} · 临期或进度滞后{% endif %}\">"
    '{% if light == "red" or light == "yellow" %}<span class="light {{ light }}"></span> '
    "{% endif %}{{ a.unit.name }}<small>{{ a.get_role_display }}</small></span>"
)
OLD_UNITS = (
    '{% if not assignments %}<span class="muted">未分配</span>{% else %}'
    '<div class="chips">{% for a, light in assignments %}{% if forloop.counter == 7 %}</div>'
    '<details class="more-units"><summary>另有 {{ assignments|length|add:"-6" }} 个单位'
    '</summary><div class="chips">{% endif %}' + OLD_CHIP + "{% endfor %}</div>"
    "{% if assignments|length > 6 %}</details>{% endif %}{% endif %}"
)


def _old(template: str, **context) -> str:
    return re.sub(r"\s+", " ", Template(template).render(Context(context))).strip()


def test_each_light_and_role_gives_the_old_chip(county):
    m = f.measure(j=county)
    lights = ["red", "yellow", "green", ""]
    roles = ["lead", "cooperate", "responsible", "lead"]
    for i, (light, role) in enumerate(zip(lights, roles, strict=True)):
        u = f.unit(county, f"县<局>{i}'&\"")
        a = f.assignment(m, u, role=role, due=dt.date(2024, 3, 9) if i % 2 else None)
        assert chip(a, light) == _old(OLD_CHIP, a=a, light=light)


def test_more_than_six_fold_away_as_before(county):
    m = f.measure(j=county)
    pairs = [(f.assignment(m, f.unit(county, f"乡镇{i}")), "green") for i in range(9)]
    for n in (0, 1, 6, 7, 9):
        assert str(chips(pairs[:n])) == _old(OLD_UNITS, assignments=pairs[:n])


def test_measure_text_cell_escapes_and_shows_topic_and_withdrawn(county):
    from tasks.tables import MeasureTable

    m = f.measure(j=county, text="<b>每月</b>召开会议" * 10)
    m.topic, m.withdrawn = "森林<防火>", True
    cell = str(MeasureTable([], today=dt.date(2024, 1, 1)).render_text(m))
    assert cell.startswith('<div class="measure-text" title="&lt;b&gt;每月')
    assert "<strong>森林&lt;防火&gt;：</strong>" in cell
    assert "…</div>" in cell and cell.endswith('<span class="tag tag-withdrawn">已撤销</span>')
