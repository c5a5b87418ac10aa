"""ManyCheckboxes: the bulk panel's unit and group boxes, built without a template per box."""

import datetime as dt
import re

from django import forms

from safetyplan.widgets import ManyCheckboxes, ManyOptionsSelect


class Form(forms.Form):
    units = forms.MultipleChoiceField(
        choices=[("1", "县应急局"), ("2", "<b>某镇</b>"), ("3", "县公安局")],
        widget=ManyCheckboxes,
    )


def test_boxes_carry_name_value_id_and_checked_state():
    html = str(Form(initial={"units": ["3"]})["units"])
    boxes = re.findall(r"<input ([^>]*)>", html)
    assert boxes == [
        'type="checkbox" name="units" value="1" id="id_units_0"',
        'type="checkbox" name="units" value="2" id="id_units_1"',
        'type="checkbox" name="units" value="3" id="id_units_2" checked',
    ]
    assert html.count("<label>") == 3


def test_labels_are_escaped():
    html = str(Form()["units"])
    assert "&lt;b&gt;某镇&lt;/b&gt;" in html and "<b>" not in html


def test_a_bound_form_keeps_what_was_ticked():
    html = str(Form(data={"units": ["1", "2"]})["units"])
    assert html.count(" checked") == 2


class Filter(forms.Form):
    unit = forms.ChoiceField(
        choices=[("", "全部单位"), ("1", "县应急局"), ("2", "<b>某镇</b>")],
        widget=ManyOptionsSelect,
        required=False,
    )


def test_select_marks_the_chosen_option_and_escapes_labels():
    html = str(Filter(data={"unit": "2"})["unit"])
    opening = html[: html.index(">") + 1]
    assert opening.startswith("<select") and 'name="unit"' in opening and 'id="id_unit"' in opening
    assert '<option value="">全部单位</option>' in html
    assert '<option value="2" selected>&lt;b&gt;某镇&lt;/b&gt;</option>' in html
    assert html.count("selected") == 1


def test_unit_rows_label_like_the_instances(county, township_j, unit_a):
    from tasks.forms_measures import UnitChoiceField
    from tests import factories as f
    from units.models import Unit

    village = f.unit(township_j, "某村委会")
    field = UnitChoiceField(queryset=Unit.objects.order_by("pk"), home=county)
    by_instance = [(o.value, label) for o, label in field.choices]
    assert list(field.choice_rows()) == by_instance
    assert (village.pk, f"某村委会（{township_j.name}）") in by_instance


def test_unit_filter_rows_keep_the_empty_choice(county, unit_a):
    from safetyplan.fields import NamedModelChoiceField
    from units.models import Unit

    field = NamedModelChoiceField(queryset=Unit.objects.all(), empty_label="全部单位")
    assert list(field.choice_rows()) == [("", "全部单位"), (unit_a.pk, unit_a.name)]


def test_boxes_of_units_are_one_query_without_model_instances(
    county, unit_a, unit_b, django_assert_num_queries, monkeypatch
):
    from tasks.forms_measures import UnitChoiceField
    from units.models import Unit

    class Boxes(forms.Form):
        units = UnitChoiceField(queryset=Unit.objects.all(), widget=ManyCheckboxes)

    def built(*args, **kwargs):
        raise AssertionError("a Unit was built for a checkbox")

    monkeypatch.setattr(Unit, "from_db", classmethod(built))
    with django_assert_num_queries(1):
        html = str(Boxes()["units"])
    assert html.count('type="checkbox"') == 2


def test_fast_inputs_write_what_the_input_template_writes():
    from bs4 import BeautifulSoup

    from safetyplan.widgets import FastDateInput, FastHiddenInput, FastTextInput

    class Fast(forms.Form):
        q = forms.CharField(widget=FastTextInput(attrs={"placeholder": '内容"<>', "x": True}))
        day = forms.DateField(widget=FastDateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        next = forms.CharField(required=False, widget=FastHiddenInput)

    class Slow(forms.Form):
        q = forms.CharField(widget=forms.TextInput(attrs={"placeholder": '内容"<>', "x": True}))
        day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        next = forms.CharField(required=False, widget=forms.HiddenInput)

    def tags(form) -> list:
        return [
            sorted(BeautifulSoup(str(form[name]), "lxml").input.attrs.items())
            for name in ("q", "day", "next")
        ]

    for data in (None, {"q": "a&\"b'", "day": "2024-06-30", "next": "/m/?a=1&b=2"}, {"day": "x"}):
        assert tags(Fast(data=data)) == tags(Slow(data=data))
    initial = {"q": "<i>", "day": dt.date(2024, 1, 2), "next": "/x"}
    assert tags(Fast(initial=initial)) == tags(Slow(initial=initial))


def test_select_writes_what_the_select_template_writes():
    from bs4 import BeautifulSoup

    class Slow(forms.Form):
        unit = forms.ChoiceField(
            choices=Filter.base_fields["unit"].choices, widget=forms.Select, required=False
        )

    def tree(html: str):
        select = BeautifulSoup(html, "lxml").select_one("select")
        options = [(o["value"], o.get_text(), o.has_attr("selected")) for o in select("option")]
        return sorted(select.attrs.items()), options

    for data in ({}, {"unit": "2"}, {"unit": "9"}):
        assert tree(str(Filter(data=data)["unit"])) == tree(str(Slow(data=data)["unit"]))
