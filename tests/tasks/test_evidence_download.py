"""佐证材料下载: the file, under its original name, only to those who may see the assignment."""

import datetime as dt
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks import services
from tests import factories as f

PDF = b"%PDF-1.4\n%evidence of the meeting\n"


@pytest.fixture
def evidence(county, unit_a, liaison_a):
    a = f.assignment(f.measure(j=county), unit_a, due=dt.date(2024, 6, 30))
    report = services.report_progress(
        assignment=a, author=liaison_a, text="已开会", percent=50,
        files=[SimpleUploadedFile("6月安全例会纪要.pdf", PDF)],
    )  # fmt: skip
    return report.evidence.get()


def _url(e):
    return reverse("evidence_download", args=[e.pk])


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("user", ["liaison_a", "office", "leader", "it_admin"])
def test_those_who_see_the_assignment_get_the_file(login, request, user, evidence):
    response = login(request.getfixturevalue(user)).get(_url(evidence))
    assert response.status_code == 200
    assert _body(response) == PDF
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert quote("6月安全例会纪要.pdf") in disposition
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("user", ["liaison_b", "sibling_office", "township_office"])
def test_others_get_404(login, request, user, evidence):
    response = login(request.getfixturevalue(user)).get(_url(evidence))
    assert response.status_code == 404
    assert PDF not in response.content


def test_anonymous_is_sent_to_login(client, evidence):
    response = client.get(_url(evidence))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_stored_name_is_not_the_original_and_not_linked(login, liaison_a, evidence):
    assert "纪要" not in evidence.file.name  # the app chooses the name on disk
    page = login(liaison_a).get(reverse("assignment_detail", args=[evidence.report.assignment_id]))
    body = page.content.decode()
    assert _url(evidence) in body and evidence.file.url not in body


def test_missing_file_is_404_not_500(login, liaison_a, evidence):
    evidence.file.storage.delete(evidence.file.name)
    assert login(liaison_a).get(_url(evidence)).status_code == 404


def test_unknown_evidence_is_404(login, liaison_a, db):
    assert login(liaison_a).get(reverse("evidence_download", args=[424242])).status_code == 404


def test_download_takes_no_writes(login, leader, evidence):
    assert login(leader).post(_url(evidence)).status_code == 405
