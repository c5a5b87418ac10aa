from __future__ import annotations

from django import forms
from django.conf import settings

from importers.corrections import Corrections, MeasureEdit, TaskEdit, format_units
from importers.parse import NoticeParse
from safetyplan.fields import SafeModelChoiceField
from units.models import Jurisdiction

RECURRENCE_CHOICES = [
    ("", "不定期"),
    ("weekly", "每周"),
    ("monthly", "每月"),
    ("quarterly", "每季度"),
    ("semiannual", "每半年"),
    ("yearly", "每年"),
]


class UploadForm(forms.Form):
    file = forms.FileField(
        label="通知文件",
        help_text="支持 Word（.docx/.doc/.wps）、Excel（.xlsx/.xls）、PDF、网页（.html）和文本（.txt）。",
        error_messages={
            "empty": "文件是空的，请选择正确的通知文件。",
            "required": "请选择要导入的文件。",
        },
    )
    jurisdiction = SafeModelChoiceField(
        label="导入到", queryset=Jurisdiction.objects.none(), empty_label=None
    )

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions

    def clean_file(self):
        f = self.cleaned_data["file"]
        limit = settings.UPLOAD_MAX_BYTES
        if f.size > limit:
            raise forms.ValidationError(
                f"文件超过 {limit // (1024 * 1024)} MB，无法导入。请删去图片等内容后再上传。"
            )
        if f.size == 0:
            raise forms.ValidationError("文件是空的，请选择正确的通知文件。")
        return f


class MetaForm(forms.Form):
    title = forms.CharField(label="标题", max_length=300)
    doc_number = forms.CharField(label="文号", max_length=100, required=False)
    issuer = forms.CharField(label="发文机关", max_length=200, required=False)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    issued_on = forms.DateField(
        label="成文日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class TaskEditForm(forms.Form):
    number = forms.CharField(label="序号", max_length=20, required=False)
    chapter = forms.CharField(label="所属部分", max_length=200, required=False)
    title = forms.CharField(label="任务", max_length=300, required=False)


class MeasureEditForm(forms.Form):
    task = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    text = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 3}))
    topic = forms.CharField(label="小标题", max_length=200, required=False)
    units = forms.CharField(label="责任单位", required=False, max_length=2000)
    due = forms.DateField(
        label="完成时限", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    recurrence = forms.ChoiceField(label="周期", choices=RECURRENCE_CHOICES, required=False)
    merge_next = forms.BooleanField(label="与下一条合并", required=False)
    delete = forms.BooleanField(label="删除", required=False)


TaskFormSet = forms.formset_factory(TaskEditForm, extra=0)
MeasureFormSet = forms.formset_factory(MeasureEditForm, extra=0)


def initial_forms(parse: NoticeParse):
    meta = {
        "title": parse.title or "",
        "doc_number": parse.doc_number or "",
        "issuer": parse.issuer or "",
        "year": parse.year,
        "issued_on": parse.issued_on,
    }
    tasks = [
        {"number": t.number or "", "chapter": t.chapter or "", "title": t.title or ""}
        for t in parse.tasks
    ]
    measures = [
        {
            "task": ti,
            "text": m.text,
            "topic": m.topic or "",
            "units": format_units(m.units),
            "due": m.due,
            "recurrence": m.recurrence or "",
        }
        for ti, t in enumerate(parse.tasks)
        for m in t.measures
    ]
    return meta, tasks, measures


def corrections_from(meta: MetaForm, tasks, measures) -> Corrections:
    data = meta.cleaned_data
    return Corrections(
        title=data["title"],
        doc_number=data["doc_number"],
        issuer=data["issuer"],
        year=data["year"],
        issued_on=data["issued_on"],
        tasks=[TaskEdit(**f.cleaned_data) for f in tasks.forms],
        measures=[MeasureEdit(**f.cleaned_data) for f in measures.forms],
    )
