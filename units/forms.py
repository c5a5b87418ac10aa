from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from safetyplan.fields import SafeModelChoiceField
from units.models import Unit


class LiaisonForm(forms.Form):
    username = forms.RegexField(
        label="登录名",
        max_length=150,
        regex=r"^[A-Za-z0-9_.-]+$",
        error_messages={"invalid": "登录名只能包含英文字母、数字和 _ . -。"},
    )
    full_name = forms.CharField(label="姓名", max_length=150)
    unit = SafeModelChoiceField(label="所属单位", queryset=Unit.objects.none())
    phone = forms.CharField(label="联系电话", max_length=30, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("该登录名已被使用，请换一个。")
        return username
