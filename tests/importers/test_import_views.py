"""Upload → preview → correct → confirm, as the office does it in the browser."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from importers.models import ImportDraft
from tasks import services
from tasks.models import Assignment, Measure, Notice, ProgressReport
from tests import factories as f

NOTICE = """交城县人民政府文件

交政发〔2024〕1号

交城县人民政府关于做好2024年安全生产工作的通知

各乡镇人民政府，县直各部门：

一、压实安全生产责任

（一）落实党政领导责任。安委会每月至少召开一次会议，分析安全形势，解决重大问题。（县应急局牵头，县住建局配合；各乡镇）

（二）落实部门监管责任。年底前完成监管清单修订，规范实施安全生产挂牌责任制。（县住建局、各有关部门）

二、强化风险防控

（三）开展隐患排查。全面开展消防安全专项整治行动，建立问题隐患清单。（各乡镇）

交城县人民政府

2024年2月1日
"""


def _file(text=NOTICE, name="通知.txt"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")


@pytest.fixture
def directory(county, unit_a):
    f.unit(county, "县住建局")
    for name in ["天宁镇", "西营镇"]:
        f.unit(county, name, kind="township")
    f.group(county, "各乡镇", rule="townships")


def _upload(client, county, file=None):
    return client.post(
        reverse("import_upload"), {"file": file or _file(), "jurisdiction": county.pk}
    )


def _confirm(client, draft, **extra):
    page = client.get(reverse("import_preview", args=[draft.pk]))
    data = _form_data(page)
    data.update(extra)
    data["action"] = data.get("action", "confirm")
    return client.post(reverse("import_preview", args=[draft.pk]), data)


def _form_data(page) -> dict:
    """The preview form's fields with their current values, as the browser would send them."""
    from html.parser import HTMLParser

    data: dict = {}

    class Reader(HTMLParser):
        textarea = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "input" and a.get("name") and a.get("type") not in ("submit", "checkbox"):
                data[a["name"]] = a.get("value", "")
            if tag == "input" and a.get("type") == "checkbox" and "checked" in a:
                data.setdefault(a["name"], []).append(a.get("value", "on"))
            if tag == "textarea":
                self.textarea = a["name"]
                data[self.textarea] = ""
            if tag == "select":
                self.select = a["name"]
                data.setdefault(self.select, "")
            if tag == "option" and "selected" in a:
                data[self.select] = a.get("value", "")

        def handle_data(self, text):
            if self.textarea:
                data[self.textarea] += text

        def handle_endtag(self, tag):
            if tag == "textarea":
                self.textarea = None

    Reader().feed(page.content.decode())
    data.pop("csrfmiddlewaretoken", None)
    return data


def test_upload_shows_a_preview_and_saves_nothing(login, office, county, directory):
    client = login(office)
    response = _upload(client, county)
    draft = ImportDraft.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "import_preview", args=[draft.pk]
    )
    page = client.get(response.url)
    html = page.content.decode()
    assert "落实党政领导责任" in html and "压实安全生产责任" in html
    assert "县应急局·牵头" in html and "各乡镇 → 2 个单位" in html
    assert "各有关部门" in html and "需指定" in html
    assert not Notice.objects.exists() and not Measure.objects.exists()


def test_confirm_saves_the_notice_with_one_assignment_per_township(
    login, office, county, directory
):
    client = login(office)
    _upload(client, county)
    response = _confirm(client, ImportDraft.objects.get())
    notice = Notice.objects.get()
    assert response.status_code == 302
    assert notice.doc_number == "交政发〔2024〕1号" and notice.year == 2024
    assert notice.imported_by == office
    first = Measure.objects.get(text__startswith="安委会每月")
    assert first.recurrence == "monthly"
    roles = {a.unit.name: a.role for a in first.assignments.all()}
    assert roles == {"县应急局": "lead", "县住建局": "cooperate", "天宁镇": "responsible",
                     "西营镇": "responsible"}  # fmt: skip
    assert ImportDraft.objects.get().status == "confirmed"


def test_the_same_file_again_changes_nothing(login, office, county, directory):
    client = login(office)
    _upload(client, county)
    _confirm(client, ImportDraft.objects.get())
    counts = (Notice.objects.count(), Measure.objects.count(), Assignment.objects.count())
    response = _upload(client, county)
    assert response.status_code == 302 and "notices" in response.url
    assert (Notice.objects.count(), Measure.objects.count(), Assignment.objects.count()) == counts
    assert ImportDraft.objects.count() == 1


def test_corrections_are_applied_before_saving(login, office, county, directory):
    client = login(office)
    _upload(client, county)
    draft = ImportDraft.objects.get()
    data = _form_data(client.get(reverse("import_preview", args=[draft.pk])))
    data["m-0-text"] = "安委会每季度召开一次会议。\n\n分析安全形势。"
    data["m-0-units"] = "县住建局牵头"
    data["m-1-delete"] = "on"
    data["action"] = "confirm"
    client.post(reverse("import_preview", args=[draft.pk]), data)
    texts = list(Measure.objects.order_by("task__order", "order").values_list("text", flat=True))
    assert texts[:2] == ["安委会每季度召开一次会议。", "分析安全形势。"]
    assert not Measure.objects.filter(text__startswith="年底前").exists()
    assert Assignment.objects.get(measure__text="分析安全形势。").unit.name == "县住建局"


def test_invalid_correction_saves_nothing(login, office, county, directory):
    client = login(office)
    _upload(client, county)
    draft = ImportDraft.objects.get()
    data = _form_data(client.get(reverse("import_preview", args=[draft.pk])))
    data.update({"meta-year": "", "m-0-due": "不是日期", "action": "confirm"})
    page = client.post(reverse("import_preview", args=[draft.pk]), data)
    assert page.status_code == 200
    assert "有填写不正确的地方" in page.content.decode()
    assert not Notice.objects.exists()
    assert ImportDraft.objects.get().status == "draft"


def test_discard_keeps_nothing(login, office, county, directory):
    client = login(office)
    _upload(client, county)
    draft = ImportDraft.objects.get()
    client.post(reverse("import_preview", args=[draft.pk]), {"action": "discard"})
    assert ImportDraft.objects.get().status == "discarded" and not Notice.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "空.txt", "文件是空的"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "照片.png", "图片"),
        (b"PK\x03\x04garbage", "坏.docx", "损坏"),
    ],
)
def test_bad_files_get_a_chinese_message_and_nothing_saved(
    login, office, county, content, name, message
):
    client = login(office)
    page = _upload(client, county, SimpleUploadedFile(name, content))
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not ImportDraft.objects.exists() and not Notice.objects.exists()


def test_oversized_upload_is_refused(login, office, county, settings):
    settings.UPLOAD_MAX_BYTES = 100
    page = _upload(login(office), county)
    assert "超过" in page.content.decode() and not ImportDraft.objects.exists()


def test_anonymous_is_sent_to_login(client, county):
    response = client.get(reverse("import_upload"))
    assert response.status_code == 302 and reverse("login") in response.url


@pytest.mark.parametrize("who", ["leader", "liaison_a"])
def test_leaders_and_liaisons_cannot_import(request, login, county, who):
    client = login(request.getfixturevalue(who))
    assert client.get(reverse("import_upload")).status_code == 403
    assert _upload(client, county).status_code == 403
    assert not ImportDraft.objects.exists()


def test_sibling_office_cannot_see_or_confirm_a_draft(
    login, office, sibling_office, county, directory
):
    _upload(login(office), county)
    draft = ImportDraft.objects.get()
    client = login(sibling_office)
    assert client.get(reverse("import_preview", args=[draft.pk])).status_code == 404
    assert (
        client.post(reverse("import_preview", args=[draft.pk]), {"action": "discard"}).status_code
        == 404
    )
    assert ImportDraft.objects.get().status == "draft"


def test_office_cannot_import_into_a_sibling_jurisdiction(login, office, sibling_county):
    page = _upload(login(office), sibling_county)
    assert page.status_code == 200 and not ImportDraft.objects.exists()


def test_revision_keeps_unchanged_work_and_withdraws_removed(
    login, office, liaison_a, county, directory
):
    client = login(office)
    _upload(client, county)
    _confirm(client, ImportDraft.objects.get())
    kept = Assignment.objects.get(measure__text__startswith="安委会每月", unit__name="县应急局")
    services.report_progress(assignment=kept, author=liaison_a, text="一月已开会", percent=10)
    revised = NOTICE.replace("全面开展消防安全专项整治行动，建立问题隐患清单。",
                             "全面开展消防安全专项整治行动，建立问题隐患整改清单。")  # fmt: skip
    revised = revised.replace(
        "年底前完成监管清单修订，规范实施安全生产挂牌责任制。", "推进应急广播建设。"
    )
    _upload(client, county, _file(revised, "通知（修订）.txt"))
    draft = ImportDraft.objects.latest("created_at")
    assert draft.revision_of == Notice.objects.get()
    preview = client.get(reverse("import_preview", args=[draft.pk])).content.decode()
    assert "修订版本" in preview and "建立问题隐患整改清单" in preview
    _confirm(client, draft)
    assert Notice.objects.count() == 1
    kept.refresh_from_db()
    assert ProgressReport.objects.get().assignment == kept and not kept.measure.withdrawn
    changed = Measure.objects.get(text__contains="整改清单")
    assert changed.assignments.count() == 2  # carried over: the townships keep their work
    assert Measure.objects.get(text__startswith="年底前").withdrawn
    assert Measure.objects.filter(text="推进应急广播建设。", withdrawn=False).exists()
