"""The permission matrix: every URL of the project, read (GET) and written (POST), by every kind
of user, against the access written down here.

The URLs come from the resolver, not from a list kept by hand: a new URL without an entry in
``EXPECTED`` fails ``test_every_url_has_an_entry`` and its own matrix test. ``admin/`` (Django's
own permission checks, staff only) gets a small check of its own; static and media files are
not views.

Every object in a URL is a real one of unit A (县应急局) in the county (交城县). The liaison of
unit B and the office of the sibling county 文水县 must get 404 for it, and no response they
get, whatever the URL, may contain any of unit A's texts (the markers below). POSTs carry
minimal data (``MINIMAL_POST``): a form that is refused is fine, a 500 never. Each request runs
in a savepoint that is rolled back, so that one actor's POST (a reset password, a switched-off
account) does not change what the next one sees.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from importers.api import parse_file
from importers.models import ImportDraft
from reports.models import Reminder, SupervisionNotice
from tasks import services
from tests import factories as f

TODAY = dt.date(2024, 5, 15)
ACTORS = ("anon", "liaison_a", "liaison_b", "leader", "office", "sibling", "admin")
FIXTURES = {
    "liaison_a": "liaison_a",
    "liaison_b": "liaison_b",
    "leader": "leader",
    "office": "office",
    "sibling": "sibling_office",
    "admin": "it_admin",
}
LOGIN = "login"  # anonymous users are sent to the login page
MINIMAL_POST = {"matrix": "1"}

# Texts only unit A's own people and the county may see; and one only unit B's may see.
A_MARKERS = ("MATRIX-A-OPEN", "MATRIX-A-REQ", "MATRIX-A-REPORT", "MATRIX-A-EVIDENCE",
             "MATRIX-A-EXT", "MATRIX-A-DRAFT")  # fmt: skip
COUNTY_MARKER = "MATRIX-COUNTY"
B_MARKER = "MATRIX-B-ONLY"
HIDDEN_FROM = {
    "liaison_a": (B_MARKER,),
    "liaison_b": A_MARKERS,
    "sibling": (*A_MARKERS, COUNTY_MARKER, B_MARKER),
}


def row(anon, liaison_a, liaison_b, leader, office, sibling, admin) -> dict[str, object]:
    """What each actor gets, in the order of ``ACTORS``."""
    return dict(
        zip(ACTORS, (anon, liaison_a, liaison_b, leader, office, sibling, admin), strict=True)
    )


# Read across: anon, liaison A, liaison B, leader, office, sibling office, admin.
# 200 page or file; 302 a redirect to the user's own page (or back with a message);
# 400 a refused form; 403 a role that may not; 404 an object out of reach; 405 wrong method.
EXPECTED: dict[str, dict] = {
    # --- accounts (Django's auth views and the office's liaison accounts) -----------------
    "login": {"GET": row(200, 200, 200, 200, 200, 200, 200),
              "POST": row(200, 200, 200, 200, 200, 200, 200)},
    "logout": {"GET": row(405, 405, 405, 405, 405, 405, 405),
               "POST": row(302, 302, 302, 302, 302, 302, 302)},
    "password_change": {"GET": row(LOGIN, 200, 200, 200, 200, 200, 200),
                        "POST": row(LOGIN, 200, 200, 200, 200, 200, 200)},
    "password_change_done": {"GET": row(LOGIN, 200, 200, 200, 200, 200, 200),
                             "POST": row(LOGIN, 405, 405, 405, 405, 405, 405)},
    "account_list": {"GET": row(LOGIN, 403, 403, 403, 200, 200, 200),
                     "POST": row(LOGIN, 403, 403, 403, 405, 405, 405)},
    "account_create": {"GET": row(LOGIN, 403, 403, 403, 200, 200, 200),
                       "POST": row(LOGIN, 403, 403, 403, 200, 200, 200)},
    "account_reset": {"obj": "account",
                      "GET": row(LOGIN, 403, 403, 403, 405, 405, 405),
                      "POST": row(LOGIN, 403, 403, 403, 200, 404, 200)},
    "account_toggle": {"obj": "account",
                       "GET": row(LOGIN, 403, 403, 403, 405, 405, 405),
                       "POST": row(LOGIN, 403, 403, 403, 302, 404, 302)},
    # --- 台账 export and reminders (everyone with a role, each in their reach) -----------
    "ledger_export": {"GET": row(LOGIN, 200, 200, 200, 200, 200, 200),
                      "POST": row(405, 405, 405, 405, 405, 405, 405)},
    "ledger_xlsx": {"GET": row(LOGIN, 200, 200, 200, 200, 200, 200),
                    "POST": row(405, 405, 405, 405, 405, 405, 405)},
    "reminder_list": {"GET": row(LOGIN, 200, 200, 200, 200, 200, 200),
                      "POST": row(405, 405, 405, 405, 405, 405, 405)},
    # --- reports: 督办单, 通报, ranking (office issues; leaders read; liaisons refused) ---
    "supervision_list": {"GET": row(LOGIN, 403, 403, 200, 200, 200, 200),
                         "POST": row(LOGIN, 403, 403, 405, 405, 405, 405)},
    "supervision_issue": {"GET": row(LOGIN, 403, 403, 403, 200, 200, 200),
                          "POST": row(LOGIN, 403, 403, 403, 400, 400, 400)},
    "supervision_file": {"obj": "supervision",
                         "GET": row(LOGIN, 403, 403, 200, 200, 404, 200),
                         "POST": row(LOGIN, 403, 403, 405, 405, 405, 405)},
    "bulletin": {"GET": row(LOGIN, 403, 403, 200, 200, 200, 200),
                 "POST": row(LOGIN, 403, 403, 405, 405, 405, 405)},
    "ranking": {"GET": row(LOGIN, 403, 403, 200, 200, 200, 200),
                "POST": row(LOGIN, 403, 403, 405, 405, 405, 405)},
    "ranking_xlsx": {"GET": row(LOGIN, 403, 403, 200, 200, 200, 200),
                     "POST": row(LOGIN, 403, 403, 405, 405, 405, 405)},
    # --- home, workbench, units ----------------------------------------------------------
    "home": {"GET": row(LOGIN, 302, 302, 302, 302, 302, 302),
             "POST": row(LOGIN, 405, 405, 405, 405, 405, 405)},
    "workbench": {"GET": row(LOGIN, 403, 403, 200, 200, 200, 200),
                  "POST": row(LOGIN, 403, 403, 405, 405, 405, 405)},
    "unit_list": {"GET": row(LOGIN, 403, 403, 200, 200, 200, 200),
                  "POST": row(LOGIN, 403, 403, 405, 405, 405, 405)},
    "unit_detail": {"obj": "unit_a",
                    "GET": row(LOGIN, 200, 404, 200, 200, 404, 200),
                    "POST": row(LOGIN, 405, 405, 405, 405, 405, 405)},
    # --- notices and the 措施台账 ---------------------------------------------------------
    "notice_list": {"GET": row(LOGIN, 403, 403, 200, 200, 200, 200),
                    "POST": row(LOGIN, 403, 403, 405, 405, 405, 405)},
    "notice_detail": {"obj": "notice",
                      "GET": row(LOGIN, 403, 403, 200, 200, 404, 200),
                      "POST": row(LOGIN, 403, 403, 405, 405, 405, 405)},
    "measure_list": {"GET": row(LOGIN, 403, 403, 200, 200, 200, 200),
                     "POST": row(LOGIN, 403, 403, 405, 405, 405, 405)},
    "measure_bulk": {"GET": row(LOGIN, 405, 405, 405, 405, 405, 405),
                     "POST": row(LOGIN, 403, 403, 403, 302, 302, 302)},
    # --- the liaison's pages and the assignment page -------------------------------------
    "my_tasks": {"GET": row(LOGIN, 200, 200, 302, 302, 302, 302),
                 "POST": row(405, 405, 405, 405, 405, 405, 405)},
    "assignment_detail": {"obj": "open_assignment",
                          "GET": row(LOGIN, 200, 404, 200, 200, 404, 200),
                          "POST": row(405, 405, 405, 405, 405, 405, 405)},
    "report_create": {"obj": "open_assignment",
                      "GET": row(LOGIN, 200, 404, 403, 403, 404, 403),
                      "POST": row(LOGIN, 200, 404, 403, 403, 404, 403)},
    "extension_create": {"obj": "open_assignment",
                         "GET": row(LOGIN, 200, 404, 403, 403, 404, 403),
                         "POST": row(LOGIN, 200, 404, 403, 403, 404, 403)},
    "evidence_download": {"obj": "evidence",
                          "GET": row(LOGIN, 200, 404, 200, 200, 404, 200),
                          "POST": row(405, 405, 405, 405, 405, 405, 405)},
    # --- the office's review queue ---------------------------------------------------------
    "review_queue": {"GET": row(LOGIN, 403, 403, 200, 200, 200, 200),
                     "POST": row(LOGIN, 403, 403, 405, 405, 405, 405)},
    "review_decide": {"obj": "requested_assignment",
                      "GET": row(LOGIN, 403, 404, 403, 200, 404, 200),
                      "POST": row(LOGIN, 403, 404, 403, 200, 404, 200)},
    "extension_decide": {"obj": "extension",
                         "GET": row(LOGIN, 403, 404, 403, 200, 404, 200),
                         "POST": row(LOGIN, 403, 404, 403, 200, 404, 200)},
    # --- importing a notice (the office only) ----------------------------------------------
    "import_upload": {"GET": row(LOGIN, 403, 403, 403, 200, 200, 200),
                      "POST": row(LOGIN, 403, 403, 403, 200, 200, 200)},
    "import_preview": {"obj": "draft",
                       "GET": row(LOGIN, 403, 403, 403, 200, 404, 200),
                       "POST": row(LOGIN, 403, 403, 403, 200, 404, 200)},
}  # fmt: skip


# ---- the URLs, from the resolver ------------------------------------------------------------


def _walk(patterns, prefix: str = ""):
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            if p.app_name == "admin":
                continue  # Django's admin: staff only, see test_admin_is_for_staff_only
            yield from _walk(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            if route.lstrip("^").startswith(("static/", "media/")):
                continue  # files, not views (only routed when DEBUG)
            yield p.name, route, p


@functools.cache
def project_urls() -> tuple[tuple[str | None, str, tuple[str, ...]], ...]:
    """(name, route, names of the URL's arguments) of every view of the project."""
    found = []
    for name, route, pattern in _walk(get_resolver().url_patterns):
        arguments = tuple(
            getattr(pattern.pattern, "converters", {}) or pattern.pattern.regex.groupindex
        )
        found.append((name, route, arguments))
    return tuple(found)


def test_every_url_has_an_entry():
    urls = project_urls()
    unnamed = [route for name, route, _ in urls if not name]
    assert not unnamed, f"URLs without a name cannot be checked: {unnamed}"
    names = {name for name, _, _ in urls}
    missing = sorted(names - EXPECTED.keys())
    assert not missing, f"add these URLs to EXPECTED in {__name__}: {missing}"
    stale = sorted(EXPECTED.keys() - names)
    assert not stale, f"EXPECTED names URLs that no longer exist: {stale}"
    assert len(names) == len(urls), "two URLs share a name"


def test_the_enumeration_finds_nested_urls():
    names = {name for name, _, _ in project_urls()}
    # One from each included module, and none of the admin's.
    assert {"home", "import_preview", "ledger_xlsx", "supervision_file", "account_toggle"} <= names
    assert not any(name.startswith(("admin", "app_list")) for name in names if name)


# ---- one realistic dataset --------------------------------------------------------------------

NOTICE_TEXT = """交城县人民政府关于做好2024年安全生产工作的通知

一、压实安全生产责任

（一）落实监管责任。年底前完成监管清单修订。（县应急局）
"""


@functools.cache
def _parse_json() -> dict:
    return parse_file(NOTICE_TEXT.encode(), "通知.txt").to_json()


def _docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document>督办 MATRIX-A-REQ</w:document>")
    return buffer.getvalue()


@pytest.fixture
def world(county, unit_a, unit_b, office, leader, liaison_a, liaison_b, sibling_office,
          it_admin, on_day) -> dict:  # fmt: skip
    """A notice with measures; unit A's open assignment (with an extension request and a
    reminder), unit A's completion request (with evidence), a 督办单, unit B's own work, an
    import draft, and a little of the sibling county's work."""
    on_day(TODAY)
    notice = f.notice(county, title="交城县2024年安全生产工作要点 MATRIX-COUNTY")
    due = dt.date(2024, 6, 30)
    m_open = f.measure(notice, text="开展危化品专项检查 MATRIX-A-OPEN", due=due)
    m_req = f.measure(notice, text="修订监管清单 MATRIX-A-REQ", due=due)
    m_b = f.measure(notice, text="排查水库隐患 MATRIX-B-ONLY", due=due)
    (a_open,) = services.assign_units(measure=m_open, units=[unit_a], role="responsible", by=office)
    (a_req,) = services.assign_units(measure=m_req, units=[unit_a], role="lead", by=office)
    (a_b,) = services.assign_units(measure=m_b, units=[unit_b], role="responsible", by=office)
    report = services.report_progress(
        assignment=a_req, author=liaison_a, text="已修订完毕 MATRIX-A-REPORT", percent=100,
        completion=True, files=[SimpleUploadedFile("清单 MATRIX-A-EVIDENCE.pdf", b"%PDF-1.4 A")],
    )  # fmt: skip
    services.report_progress(assignment=a_b, author=liaison_b, text="乙 MATRIX-B-ONLY", percent=10)
    extension = services.request_extension(
        assignment=a_open, by=liaison_a, requested_date=dt.date(2024, 9, 30),
        reason="需等待检测结果 MATRIX-A-EXT",
    )  # fmt: skip
    supervision = SupervisionNotice(
        jurisdiction=county, unit=unit_a, year=2024, number=1, doc_number="安办督〔2024〕1号",
        reply_by=dt.date(2024, 5, 25), issued_by=office,
    )  # fmt: skip
    supervision.file.save("s.docx", ContentFile(_docx_bytes()), save=True)
    Reminder.objects.create(assignment=a_open, kind="in_app", reason="due_soon", created_by=office)
    Reminder.objects.create(
        assignment=a_req, kind="supervision", reason="overdue", supervision=supervision
    )
    Reminder.objects.create(assignment=a_b, kind="in_app", reason="due_soon")
    draft = ImportDraft.objects.create(
        jurisdiction=county, uploaded_by=office, filename="MATRIX-A-DRAFT 通知.txt",
        checksum="0" * 64, parse=_parse_json(), file=ContentFile(NOTICE_TEXT.encode(), "n.txt"),
    )  # fmt: skip
    # The sibling county has its own work, so that its pages are not empty by accident.
    sibling_unit = f.unit(sibling_county := sibling_office.profile.jurisdiction, "文水县应急局")
    f.assignment(f.measure(j=sibling_county, text="文水县的措施"), sibling_unit, due=due)
    return {
        "open_assignment": a_open.pk,
        "requested_assignment": a_req.pk,
        "evidence": report.evidence.get().pk,
        "extension": extension.pk,
        "notice": notice.pk,
        "unit_a": unit_a.pk,
        "supervision": supervision.pk,
        "draft": draft.pk,
        "account": liaison_a.pk,
    }


# ---- the matrix -------------------------------------------------------------------------------


def _text(response) -> str:
    """Everything the response carries, as text: a page, a file, the members of a zip."""
    raw = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    if raw.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            raw = b"".join(archive.read(name) for name in archive.namelist())
    return raw.decode("utf-8", "replace")


def _request(request, actor: str, method: str, url: str):
    """One request in a savepoint that is rolled back: nothing one actor does stays."""
    with transaction.atomic():
        client = Client()
        if actor != "anon":
            client.force_login(request.getfixturevalue(FIXTURES[actor]))
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, MINIMAL_POST)
        text = _text(response)
        transaction.set_rollback(True)
    return response, text


@pytest.mark.parametrize("name", sorted({n for n, _, _ in project_urls() if n}))
def test_permission_matrix(name, request, world):
    assert name in EXPECTED, f"URL {name!r} has no entry in EXPECTED: say who may use it"
    entry = EXPECTED[name]
    route_args = next(args for n, _, args in project_urls() if n == name)
    kwargs = {}
    if route_args:
        assert entry.get("obj") in world, f"URL {name!r} needs an object of the dataset ('obj')"
        kwargs = {arg: world[entry["obj"]] for arg in route_args}
    url = reverse(name, kwargs=kwargs)
    failures = []
    for method in ("GET", "POST"):
        for actor in ACTORS:
            expected = entry[method][actor]
            response, text = _request(request, actor, method, url)
            got = response.status_code
            if expected == LOGIN:
                to_login = got == 302 and response.url.startswith(reverse("login") + "?next=")
                if not to_login:
                    failures.append(f"{method} {actor}: expected redirect to login, got {got}")
            elif got != expected:
                failures.append(f"{method} {actor}: expected {expected}, got {got}")
            leaked = [m for m in HIDDEN_FROM.get(actor, ()) if m in text]
            if leaked:
                failures.append(f"{method} {actor}: response shows {leaked}")
    assert not failures, f"{name} ({url}):\n" + "\n".join(failures)


def test_the_dataset_is_visible_to_those_who_may_see_it(request, world):
    """The matrix's 404s and missing markers mean something: the same pages do show unit A's
    texts to unit A's liaison and to the county office."""
    detail = reverse("assignment_detail", args=[world["open_assignment"]])
    for actor in ("liaison_a", "office"):
        _, text = _request(request, actor, "GET", detail)
        assert "MATRIX-A-OPEN" in text and "MATRIX-A-EXT" in text
    _, text = _request(request, "office", "GET", reverse("review_queue"))
    assert "MATRIX-A-REQ" in text
    _, text = _request(request, "liaison_a", "GET", reverse("reminder_list"))
    assert "MATRIX-A-OPEN" in text
    _, text = _request(request, "liaison_b", "GET", reverse("my_tasks"))
    assert "MATRIX-B-ONLY" in text
    _, text = _request(request, "office", "GET", reverse("ledger_xlsx"))
    assert "MATRIX-A-OPEN" in text and "MATRIX-B-ONLY" in text
    _, text = _request(request, "office", "GET", reverse("import_upload"))
    assert "MATRIX-A-DRAFT" in text


@pytest.mark.parametrize(
    ("actor", "expected"),
    [("anon", "login"), ("liaison_a", "login"), ("leader", "login"), ("office", "login"),
     ("admin", 200)],
)  # fmt: skip
def test_admin_is_for_staff_only(request, world, actor, expected):
    for url in (reverse("admin:index"), reverse("admin:tasks_assignment_changelist")):
        response, text = _request(request, actor, "GET", url)
        if expected == "login":
            assert response.status_code == 302
            assert response.url.startswith(reverse("admin:login"))
            assert "MATRIX-A" not in text
        else:
            assert response.status_code == 200
